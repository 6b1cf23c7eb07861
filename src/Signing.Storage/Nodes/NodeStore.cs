using Dapper;

namespace Signing.Storage.Nodes;

/// <summary>
/// The nodes serving one database and when each last said it was alive. A node renews its row every few seconds; work a
/// node owns (an idempotency key in flight) is nobody's once its row is older than the dead-after interval, which after a
/// crash takes seconds rather than the whole lease.
/// </summary>
public sealed class NodeStore(Database database, TimeProvider clock)
{
    /// <summary>Records that node <paramref name="id"/> is alive now.</summary>
    public async Task BeatAsync(string id, string name, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO nodes (id, name, started_at, heartbeat_at) VALUES (@id, @name, @now, @now) " +
            "ON CONFLICT (id) DO UPDATE SET heartbeat_at = @now",
            new { id, name, now }, cancellationToken: ct));
    }

    /// <summary>Removes node <paramref name="id"/> (it stopped cleanly): whatever it still owned is free at once.</summary>
    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM nodes WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Deletes the rows of nodes silent since before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteSilentAsync(long before, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM nodes WHERE heartbeat_at < @before", new { before }, cancellationToken: ct));
    }
}
