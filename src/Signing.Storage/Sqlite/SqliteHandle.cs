using Microsoft.Data.Sqlite;

namespace Signing.Storage.Sqlite;

/// <summary>
/// One open SQLite connection that stays open between units of work, with the statements it has compiled.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite compiles a command's SQL again for every new command, and finalises a connection's statements
/// when the connection closes, pooled or not; a signature request's actions ran about a hundred statements each, and
/// compiling them was a twelfth of the service's CPU. A <see cref="SqliteCommand"/> kept here, on a connection that is
/// never closed while pooled, keeps its compiled statements and only binds new values.
/// </remarks>
internal sealed class SqliteHandle : IDisposable
{
    // Distinct texts per handle: the stores have a few hundred statements; an IN list expanded per length adds more.
    private const int MaxCachedStatements = 512;

    private readonly Dictionary<string, SqliteCommand> _idle = new(StringComparer.Ordinal);

    // Commands out on loan; a command's late return after its session reclaimed it is ignored. Locked, because a leaked
    // command can be disposed on any thread, while the handle serves another session.
    private readonly HashSet<SqliteCommand> _rented = new(ReferenceEqualityComparer.Instance);

    private SqliteHandle(SqliteConnection connection)
    {
        Connection = connection;
    }

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>How many compiled commands wait for their text to run again.</summary>
    public int CachedCommands => _idle.Count;

    /// <summary>When the handle was last given back to the pool.</summary>
    public long ReturnedAt { get; set; }

    /// <summary>Opens a connection and sets the pragmas every connection of this service runs with.</summary>
    public static async Task<SqliteHandle> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            // The database's timer checkpoints the write-ahead log; a commit checkpoints it only as a backstop, when the
            // log has grown past 10,000 pages (40 MB) regardless, instead of SQLite's default of 1,000.
            pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; " +
                "PRAGMA wal_autocheckpoint=10000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return new SqliteHandle(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A command for <paramref name="sql"/> on this connection, with its statements compiled once already when it ran
    /// before; give it back with <see cref="Return"/>. A text already in use (a reader still open on it) gets a
    /// command of its own.
    /// </summary>
    public SqliteCommand Rent(string sql)
    {
        lock (_rented)
        {
            if (!_idle.Remove(sql, out var command))
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
            }

            _rented.Add(command);
            return command;
        }
    }

    /// <summary>Takes back a command from <see cref="Rent"/>; its values are dropped, its compiled statements kept.</summary>
    public void Return(SqliteCommand command)
    {
        lock (_rented)
        {
            if (!_rented.Remove(command))
            {
                return;
            }

            command.Parameters.Clear();
            command.Transaction = null;
            if (_idle.Count < MaxCachedStatements && _idle.TryAdd(command.CommandText, command))
            {
                return;
            }
        }

        command.Dispose();
    }

    /// <summary>
    /// Disposes the commands a closing session did not give back, which resets their statements. Dapper's
    /// <c>ExecuteReaderAsync</c> reader, disposed asynchronously, leaves its command to the garbage collector.
    /// </summary>
    public void ReclaimLeaked()
    {
        List<SqliteCommand> leaked;
        lock (_rented)
        {
            if (_rented.Count == 0)
            {
                return;
            }

            leaked = [.. _rented];
            _rented.Clear();
        }

        leaked.ForEach(command => command.Dispose());
    }

    /// <summary>
    /// Whether the connection can serve another unit of work: open, and no transaction left open (a session closed in
    /// the middle of one it began in SQL is rolled back by closing the connection instead).
    /// </summary>
    public bool IsReusable => Connection.State == System.Data.ConnectionState.Open
        && Connection.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var command in _idle.Values)
        {
            command.Dispose();
        }

        _idle.Clear();
        Connection.Dispose();
    }
}
