using System.Data.Common;
using Dapper;
using Npgsql;

namespace Signing.Storage;

/// <summary>A shared PostgreSQL database; several API nodes may use it at once.</summary>
public sealed class PostgresDatabase : Database, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the database for an Npgsql connection string.</summary>
    public PostgresDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
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
