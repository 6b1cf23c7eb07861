using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Signing.Api.Storage;

/// <summary>The embedded single-node database.</summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    /// <summary>Creates the database for a SQLite connection string; the file's folder is created if needed.</summary>
    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            ForeignKeys = true,
            // Writers wait for each other instead of failing with SQLITE_BUSY.
            DefaultTimeout = 30,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = builder.ToString();
    }

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginExclusiveAsync(
        DbConnection connection, string lockName, CancellationToken cancellationToken)
    {
        // SQLite has one writer at a time: BEGIN IMMEDIATE takes the write lock up front,
        // so a read-then-insert inside the transaction cannot interleave with another writer.
        return await ((SqliteConnection)connection).BeginTransactionAsync(
            System.Data.IsolationLevel.Serializable, cancellationToken);
    }
}
