using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;

namespace Signing.Storage;

/// <summary>A shared PostgreSQL database; several API nodes may use it at once.</summary>
public sealed class PostgresDatabase : Database, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the database for an Npgsql connection string, with <see cref="WithPoolDefaults"/>.</summary>
    public PostgresDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(WithPoolDefaults(connectionString));
    }

    /// <summary>
    /// <paramref name="connectionString"/> with <c>No Reset On Close=true</c>, <c>Max Auto Prepare=100</c> and
    /// <c>Auto Prepare Min Usages=2</c> where it does not set them itself.
    /// </summary>
    /// <remarks>
    /// A signature request's three calls open about forty pooled connections and run about seventy statements. By
    /// default each return to the pool sent DISCARD ALL, and each statement was parsed and planned afresh: on the
    /// request benchmark that doubled PostgreSQL's CPU per request, and cost the API a fifth more. Nothing
    /// the service does outlives a transaction on a connection (its advisory locks are transaction-scoped, and it sets
    /// no session parameters), so DISCARD ALL has nothing to clear. Behind a PgBouncer in transaction mode older than
    /// 1.21, set <c>Max Auto Prepare=0</c>.
    /// </remarks>
    public static string WithPoolDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NORESETONCLOSE"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Contains("MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = 100;
        }

        if (!given.Contains("AUTOPREPAREMINUSAGES"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginExclusiveAsync(
        DbConnection connection, string lockName, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // A transaction-scoped advisory lock serialises writers on every node and is
            // released by commit or rollback, so a crashed node cannot hold it.
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(hashtext(@lockName))",
                new { lockName }, transaction, cancellationToken: cancellationToken));
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Repeatable read: every statement sees the snapshot its first statement took.</remarks>
    public override async ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
    }

    /// <inheritdoc />
    public override Task LockAsync(StorageTransaction transaction, string lockName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.Connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext(@lockName))", new { lockName }, transaction.Transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Closes the pooled connections (a host disposes its singletons when it stops).</summary>
    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _dataSource.DisposeAsync();
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();
}
