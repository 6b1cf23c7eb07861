using System.Data.Common;

namespace Signing.Storage;

/// <summary>
/// The storage seam: one database engine behind Dapper. Implementations differ only in how a
/// connection is opened and how writers that must see the latest row are serialised.
/// </summary>
public abstract class Database : IAsyncDisposable
{
    /// <summary>The engine behind this database.</summary>
    public abstract StorageProvider Provider { get; }

    /// <summary>
    /// The file holding the key that seals the audit chain (outside the database), when this database was created from
    /// <see cref="StorageOptions"/>; see <see cref="Audit.AuditKey"/>.
    /// </summary>
    public string? AuditKeyFile { get; init; }

    /// <summary>
    /// The file that keeps this node's latest signed audit checkpoint outside the database, when this database was created
    /// from <see cref="StorageOptions"/>; see <see cref="Audit.AuditCheckpointFile"/>.
    /// </summary>
    public string? AuditCheckpointFile { get; init; }

    /// <summary>
    /// Closes the connections the database keeps open between units of work; a host disposes it when it stops, and a
    /// command-line tool when its command ends, so that SQLite checkpoints its write-ahead log into the database file.
    /// </summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Opens a new connection; the caller disposes it.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a transaction that excludes every other transaction started with the same
    /// <paramref name="lockName"/>, across processes and nodes, until it ends. Open the connection for that unit of
    /// work only and never begin a second exclusive transaction on another connection while holding one: SQLite
    /// keeps the write turn until the connection closes, and has one turn for all lock names.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginExclusiveAsync(
        DbConnection connection, string lockName, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a read transaction on <paramref name="connection"/> whose statements all see the database as one
    /// snapshot, taken at its first statement, so that rows read by several queries agree. It takes no write lock and
    /// waits for no writer.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection and begins a transaction exclusive for <paramref name="lockName"/> (see
    /// <see cref="BeginExclusiveAsync"/>): the unit of work for a workflow step, its events and its jobs.
    /// </summary>
    public async Task<StorageTransaction> BeginWriteAsync(string lockName, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var transaction = await BeginExclusiveAsync(connection, lockName, cancellationToken);
            return new StorageTransaction(this, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Within <paramref name="transaction"/>, excludes every other transaction that takes <paramref name="lockName"/>
    /// until this one ends. On SQLite the write turn already excludes everyone.
    /// </summary>
    public abstract Task LockAsync(StorageTransaction transaction, string lockName, CancellationToken cancellationToken);

    /// <summary>
    /// SQL that tests <paramref name="column"/> against the list in parameter <paramref name="parameter"/> (an array):
    /// <c>= ANY(@p)</c> on PostgreSQL, which takes arrays natively, and <c>IN @p</c> on SQLite, which Dapper expands.
    /// </summary>
    public string InList(string column, string parameter)
        => Provider == StorageProvider.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>Whether <paramref name="exception"/> reports a broken UNIQUE constraint, on either engine.</summary>
    public static bool IsUniqueViolation(DbException exception) => exception switch
    {
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Creates the database for the configured provider.</summary>
    public static Database Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            StorageProvider.Sqlite => new SqliteDatabase(options.ResolveConnectionString())
            {
                AuditKeyFile = options.ResolveAuditKeyFile(),
                AuditCheckpointFile = options.ResolveAuditCheckpointFile(),
            },
            StorageProvider.Postgres => new PostgresDatabase(options.ResolveConnectionString())
            {
                AuditKeyFile = options.ResolveAuditKeyFile(),
                AuditCheckpointFile = options.ResolveAuditCheckpointFile(),
            },
            _ => throw new InvalidOperationException($"Unknown storage provider '{options.Provider}'."),
        };
    }
}
