using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Signing.Storage;

/// <summary>The embedded single-node database.</summary>
public sealed class SqliteDatabase : Database
{
    private static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, DbConnection> _writerConnections = new();

    // Pooled SqliteConnection objects reopen the same native handle; the per-connection pragmas only need to run
    // when a handle is new. Weak keys let closed-for-good handles go.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();

    /// <summary>Creates the database for a SQLite connection string; the file's folder is created if needed.</summary>
    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
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
            if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
            {
                // foreign_keys is here rather than in the connection string, where the provider would run it again on
                // every open of a pooled handle.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
                _configured.AddOrUpdate(handle, handle);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Exclusive writers in this process queue on an async lock before <c>BEGIN IMMEDIATE</c>; a connection keeps its
    /// turn, for any further transactions, until it closes. SQLite's own busy handler waits by sleeping the thread
    /// (1, 2, 5, 10… ms), which stalled concurrent audit appends and blocked pool threads. SQLite's lock still
    /// arbitrates with other processes and with this process's autocommit writes, which wait on busy_timeout.
    /// </remarks>
    public override async ValueTask<DbTransaction> BeginExclusiveAsync(
        DbConnection connection, string lockName, CancellationToken cancellationToken)
    {
        var tookTurn = false;
        if (!_writerConnections.TryGetValue(connection, out _))
        {
            if (!await _writer.WaitAsync(WriterWait, cancellationToken))
            {
                throw new StorageBusyException($"No write turn on the SQLite database within {WriterWait.TotalSeconds} s (waiting to lock {lockName}).");
            }

            _writerConnections.Add(connection, connection);
            connection.StateChange += ReleaseOnClose;
            tookTurn = true;
        }

        try
        {
            // SQLite has one writer at a time: BEGIN IMMEDIATE takes the write lock up front,
            // so a read-then-insert inside the transaction cannot interleave with another writer.
            return await ((SqliteConnection)connection).BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        }
        catch when (tookTurn)
        {
            connection.StateChange -= ReleaseOnClose;
            _writerConnections.Remove(connection);
            _writer.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public override Task LockAsync(StorageTransaction transaction, string lockName, CancellationToken cancellationToken) => Task.CompletedTask;

    private void ReleaseOnClose(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Closed && sender is DbConnection connection && _writerConnections.Remove(connection))
        {
            connection.StateChange -= ReleaseOnClose;
            _writer.Release();
        }
    }
}
