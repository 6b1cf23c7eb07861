using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Signing.Storage;

/// <summary>
/// Applies the plain-SQL migrations embedded under <c>Storage/Migrations/{Provider}</c> in version
/// order, each in its own transaction, and records them in <c>schema_migrations</c>.
/// </summary>
public sealed partial class MigrationRunner(Database database, ILogger<MigrationRunner> logger)
{
    /// <summary>A migration script: its version, name and SQL text.</summary>
    public sealed record Migration(long Version, string Name, string Sql);

    /// <summary>The migrations shipped for a provider, in the order they apply.</summary>
    public static IReadOnlyList<Migration> Embedded(StorageProvider provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"migrations/{provider}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = MigrationFileName().Match(resource[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(long.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {migrations[i].Version}.");
            }
        }

        return migrations;
    }

    /// <summary>Applies every migration not yet recorded; returns how many were applied.</summary>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            cancellationToken: cancellationToken));

        var applied = 0;
        foreach (var migration in Embedded(database.Provider))
        {
            // Nodes starting together race here; the exclusive transaction makes one of them apply
            // each migration and the others see it recorded.
            await using var transaction = await database.BeginExclusiveAsync(connection, "schema_migrations", cancellationToken);
            var done = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT version FROM schema_migrations WHERE version = @Version",
                new { migration.Version }, transaction, cancellationToken: cancellationToken));
            if (done is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await ExecuteScriptAsync(connection, transaction, migration, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            applied++;
            LogApplied(logger, migration.Version, migration.Name, database.Provider);
        }

        return applied;
    }

    private static async Task ExecuteScriptAsync(
        DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
        }
        catch (DbException exception)
        {
            throw new InvalidOperationException(
                $"Migration {migration.Version:D4}_{migration.Name} failed: {exception.Message}", exception);
        }
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name} on {Provider}")]
    private static partial void LogApplied(ILogger logger, long version, string name, StorageProvider provider);
}
