using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Signing.Cli.Tokens;
using Signing.Storage;

namespace Signing.Cli.Storage;

/// <summary>
/// The database options every storage-backed command shares. They default to the same environment
/// variables the API reads (<c>Storage__Provider</c>, <c>Storage__ConnectionString</c>,
/// <c>Storage__DataDirectory</c>), so the CLI and <c>./run.sh</c> see the same database.
/// </summary>
internal sealed class CliDatabase
{
    public Option<string> DataDirectory { get; } = new("--data")
    {
        Description = "Data directory holding signing.db (default: $Storage__DataDirectory or ./data)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__DataDirectory") ?? "data",
    };

    public Option<string> Provider { get; } = new("--provider")
    {
        Description = "sqlite or postgres (default: $Storage__Provider or sqlite)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__Provider") ?? "sqlite",
    };

    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Database connection string (default: $Storage__ConnectionString)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ConnectionString"),
    };

    public Option<string?> AuditKeyFile { get; } = new("--audit-key")
    {
        Description = "File with the key that seals the audit log (default: $Storage__AuditKeyFile or DATA/secrets/audit-key)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__AuditKeyFile"),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDirectory);
        command.Options.Add(Provider);
        command.Options.Add(ConnectionString);
        command.Options.Add(AuditKeyFile);
    }

    /// <summary>Opens the configured database and brings its schema up to date.</summary>
    public async Task<Database> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var provider = parse.GetValue(Provider);
        var options = new StorageOptions
        {
            Provider = Enum.TryParse<StorageProvider>(provider, ignoreCase: true, out var parsed)
                ? parsed
                : throw new CliUsageException($"--provider must be 'sqlite' or 'postgres', not '{provider}'."),
            ConnectionString = parse.GetValue(ConnectionString),
            DataDirectory = parse.GetValue(DataDirectory)!,
            AuditKeyFile = parse.GetValue(AuditKeyFile),
        };
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(Environment.NewLine, problems));
        }

        var database = Database.Create(options);
        await new MigrationRunner(database, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct);
        return database;
    }
}
