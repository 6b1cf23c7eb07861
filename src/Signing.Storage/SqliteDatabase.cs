using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Signing.Storage.Sqlite;

namespace Signing.Storage;

/// <summary>The embedded single-node database.</summary>
/// <remarks>
/// Connections are <see cref="SqliteHandle"/>s this class pools itself, kept open while they are used every few
/// seconds, so that the statements they compiled survive from one unit of work to the next.
/// </remarks>
public sealed class SqliteDatabase : Database, IDisposable
{
    private static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(30);

    // A handle left unused this long is closed: an idle service, or a test's database nobody disposed, keeps no files
    // open for long.
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);

    // More idle handles than this are closed when given back: a burst of readers does not keep its high-water mark.
    private const int MaxIdleHandles = 16;

    // How often the write-ahead log is copied into the database file (see CheckpointWal).
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, DbConnection> _writerConnections = new();
    // Oldest return first: handles are taken from the end, so the least recently used wait at the front.
    private readonly List<SqliteHandle> _idle = [];
    private readonly Timer _idleSweep;
    private readonly Timer? _checkpoints;
    private readonly Lock _checkpointGate = new();
    private SqliteConnection? _checkpointer;
    private bool _disposed;

    /// <summary>Creates the database for a SQLite connection string; the file's folder is created if needed.</summary>
    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            // This class pools the connections; closing one closes its file, and rolls back whatever it left open.
            Pooling = false,
            // Writers wait for each other instead of failing with SQLITE_BUSY.
            DefaultTimeout = 30,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = builder.ToString();

        // The timer holds the database weakly, so an abandoned database is still collected (and its timer stopped).
        _idleSweep = new Timer(
            static state =>
            {
                if (((WeakReference<SqliteDatabase>)state!).TryGetTarget(out var database))
                {
                    database.CloseIdle(Environment.TickCount64 - (long)IdleLimit.TotalMilliseconds);
                }
            },
            new WeakReference<SqliteDatabase>(this), IdleLimit, IdleLimit);
        if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is not ("" or ":memory:"))
        {
            _checkpoints = new Timer(
                static state =>
                {
                    if (((WeakReference<SqliteDatabase>)state!).TryGetTarget(out var database))
                    {
                        database.CheckpointWal();
                    }
                },
                new WeakReference<SqliteDatabase>(this), CheckpointInterval, CheckpointInterval);
        }
    }

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        SqliteHandle? handle;
        lock (_idle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            handle = _idle.Count > 0 ? _idle[^1] : null;
            if (handle is not null)
            {
                _idle.RemoveAt(_idle.Count - 1);
            }
        }

        handle ??= await SqliteHandle.OpenAsync(_connectionString, cancellationToken);
        return new SqliteSession(this, handle);
    }

    /// <summary>Takes back a session's handle: pooled when it is clean, closed otherwise.</summary>
    internal void Return(SqliteHandle handle)
    {
        if (handle.IsReusable)
        {
            lock (_idle)
            {
                if (!_disposed && _idle.Count < MaxIdleHandles)
                {
                    handle.ReturnedAt = Environment.TickCount64;
                    _idle.Add(handle);
                    return;
                }
            }
        }

        handle.Dispose();
    }

    private void CloseIdle(long returnedBefore)
    {
        List<SqliteHandle> stale;
        lock (_idle)
        {
            stale = [.. _idle.TakeWhile(handle => handle.ReturnedAt < returnedBefore)];
            _idle.RemoveRange(0, stale.Count);
        }

        stale.ForEach(handle => handle.Dispose());
    }

    /// <summary>
    /// Copies what the write-ahead log holds into the database file, on the timer's thread. SQLite otherwise does it
    /// inside the commit that takes the log past its threshold (see <see cref="SqliteHandle"/>), and that commit's
    /// writer turn was held through copying megabytes and two fsyncs, with every writer of the process queued behind
    /// it. A passive checkpoint takes no write lock, so writers go on meanwhile.
    /// </summary>
    private void CheckpointWal()
    {
        if (!_checkpointGate.TryEnter())
        {
            return;
        }

        try
        {
            if (_disposed)
            {
                return;
            }

            if (_checkpointer is null)
            {
                _checkpointer = new SqliteConnection(_connectionString);
                _checkpointer.Open();
            }

            using var checkpoint = _checkpointer.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            checkpoint.ExecuteNonQuery();
        }
        catch (Exception exception) when (exception is SqliteException or IOException or InvalidOperationException)
        {
            // The file is gone or unreadable: the commits' own checkpoints are still there as a backstop, and the next
            // tick opens the database afresh. Thrown on, it would end the process from the timer's thread.
            _checkpointer?.Dispose();
            _checkpointer = null;
        }
        finally
        {
            _checkpointGate.Exit();
        }
    }

    /// <summary>Closes the pooled handles (a host disposes its singletons when it stops).</summary>
    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
        }

        _idleSweep.Dispose();
        _checkpoints?.Dispose();
        lock (_checkpointGate)
        {
            _checkpointer?.Dispose();
            _checkpointer = null;
        }

        CloseIdle(long.MaxValue);
    }

    /// <inheritdoc cref="Dispose" />
    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
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
            return await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
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
    /// <remarks>
    /// A deferred <c>BEGIN</c>: in WAL mode its first read fixes the snapshot, and it never takes the write lock or the
    /// process's write turn.
    /// </remarks>
    public override ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<DbTransaction>(((SqliteSession)connection).BeginDeferred());
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
