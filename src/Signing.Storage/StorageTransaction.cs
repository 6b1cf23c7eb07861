using System.Data.Common;

namespace Signing.Storage;

/// <summary>
/// One unit of work on one connection: a state change, its history, its outbox events, jobs and audit record commit
/// together or not at all. Begun with <see cref="Database.BeginWriteAsync"/>, which serialises writers of the same
/// lock name across nodes; dispose without <see cref="CommitAsync"/> rolls back.
/// </summary>
public sealed class StorageTransaction : IAsyncDisposable
{
    private List<Action>? _onCommitted;
    private bool _committed;

    internal StorageTransaction(Database database, DbConnection connection, DbTransaction transaction)
    {
        Database = database;
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The database the transaction runs on.</summary>
    public Database Database { get; }

    /// <summary>The connection; use it only with <see cref="Transaction"/>.</summary>
    public DbConnection Connection { get; }

    /// <summary>The open transaction.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>Commits the unit of work.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await Transaction.CommitAsync(ct);
        _committed = true;
        foreach (var action in _onCommitted ?? [])
        {
            action();
        }
    }

    /// <summary>Runs <paramref name="action"/> once the transaction has committed (never when it rolls back).</summary>
    internal void OnCommitted(Action action) => (_onCommitted ??= []).Add(action);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            try
            {
                await Transaction.RollbackAsync();
            }
            catch (InvalidOperationException)
            {
                // Already completed or the connection broke: nothing is left to undo.
            }
        }

        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
