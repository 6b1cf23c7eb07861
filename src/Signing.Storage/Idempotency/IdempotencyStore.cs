using System.Data.Common;
using Dapper;

namespace Signing.Storage.Idempotency;

/// <summary>A reply recorded for an idempotency key.</summary>
public sealed record IdempotentReply(long StatusCode, string? ContentType, string? Headers, byte[]? Body)
{
    /// <summary>
    /// When the reply was too large to keep in the record: the id of the stored result that holds it (fetched with
    /// <c>GET /api/v1/results/{id}</c>) instead of a replay.
    /// </summary>
    public string? ResultId { get; init; }
}

/// <summary>
/// Stores the first reply to each (principal, Idempotency-Key) pair. A claim belongs to the node that made it; when that
/// node stops renewing its row in <c>nodes</c> (it crashed), the claim is free within seconds instead of after the lease.
/// </summary>
public sealed class IdempotencyStore(Database database, TimeProvider clock)
{
    /// <summary>What a new request with a key should do.</summary>
    public enum Claim
    {
        /// <summary>This request owns the key and runs.</summary>
        Started,

        /// <summary>An earlier request with the same key and body finished; replay its reply.</summary>
        Replay,

        /// <summary>An earlier request with the same key is still running.</summary>
        InProgress,

        /// <summary>The key was used before with a different request.</summary>
        Mismatch,
    }

    private sealed record Row(string RequestHash, long? StatusCode, string? ContentType, string? Headers, byte[]? Body, long CreatedAt, string? ResultId);

    /// <summary>Claims the key for this request, or says why not.</summary>
    /// <param name="principal">Who sends the request.</param>
    /// <param name="key">The client's Idempotency-Key.</param>
    /// <param name="requestHash">The request's fingerprint.</param>
    /// <param name="window">How long a finished reply is replayed.</param>
    /// <param name="lease">How long an unfinished claim blocks retries; after that the first attempt is presumed dead.</param>
    /// <param name="ct">Cancellation.</param>
    public Task<(Claim Claim, IdempotentReply? Reply)> ClaimAsync(
        string principal, string key, string requestHash, TimeSpan window, TimeSpan lease, CancellationToken ct)
        => ClaimAsync(principal, key, requestHash, window, lease, null, TimeSpan.Zero, ct);

    /// <summary>Claims the key for this request on behalf of node <paramref name="owner"/>, or says why not.</summary>
    /// <param name="principal">Who sends the request.</param>
    /// <param name="key">The client's Idempotency-Key.</param>
    /// <param name="requestHash">The request's fingerprint.</param>
    /// <param name="window">How long a finished reply is replayed.</param>
    /// <param name="lease">The longest an unfinished claim blocks retries, even while its node lives.</param>
    /// <param name="owner">The claiming node's id (see <see cref="Nodes.NodeStore"/>); null for no owner.</param>
    /// <param name="ownerDeadAfter">An unfinished claim whose node has not renewed its row for this long is free.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<(Claim Claim, IdempotentReply? Reply)> ClaimAsync(
        string principal, string key, string requestHash, TimeSpan window, TimeSpan lease, string? owner, TimeSpan ownerDeadAfter,
        CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // One write transaction, in the writers' turn: as two autocommit statements the claim was two commits, and on
            // SQLite each could find a workflow step's transaction holding the file's write lock and sleep in SQLite's
            // busy handler (1 ms, then 2, 5…) while holding up the writers queued behind it.
            await using var transaction = await database.BeginWriteAsync(LockName(principal, key), ct);
            var result = await TryClaimAsync(transaction, principal, key, requestHash, window, lease, owner, ownerDeadAfter, ct);
            await transaction.CommitAsync(ct);
            if (result is not null)
            {
                return result.Value;
            }
        }

        // The record keeps appearing and vanishing under us: another attempt is racing this one.
        return (Claim.InProgress, null);
    }

    // Claims of different keys do not wait for each other on PostgreSQL; SQLite has one write turn for all.
    private static string LockName(string principal, string key) => $"idempotency:{principal}:{key}";

    private async Task<(Claim Claim, IdempotentReply? Reply)?> TryClaimAsync(
        StorageTransaction transaction, string principal, string key, string requestHash, TimeSpan window, TimeSpan lease,
        string? owner, TimeSpan ownerDeadAfter, CancellationToken ct)
    {
        var connection = transaction.Connection;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // An unfinished claim is dropped when its lease ran out, or when the node that owns it went silent (crashed).
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE principal = @principal AND idem_key = @key " +
            "AND (created_at < @oldest OR (status_code IS NULL AND (created_at < @leaseExpired " +
            "OR (owner_node IS NOT NULL AND @checkOwner = 1 AND NOT EXISTS " +
            "(SELECT 1 FROM nodes WHERE nodes.id = idempotency_records.owner_node AND nodes.heartbeat_at >= @silentSince)))))",
            new
            {
                principal,
                key,
                oldest = now - (long)window.TotalMilliseconds,
                leaseExpired = now - (long)lease.TotalMilliseconds,
                checkOwner = ownerDeadAfter > TimeSpan.Zero ? 1 : 0,
                silentSince = now - (long)ownerDeadAfter.TotalMilliseconds,
            },
            transaction.Transaction,
            cancellationToken: ct));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO idempotency_records (principal, idem_key, request_hash, created_at, owner_node) VALUES (@principal, @key, @requestHash, @now, @owner) " +
            "ON CONFLICT DO NOTHING",
            new { principal, key, requestHash, now, owner }, transaction.Transaction, cancellationToken: ct));
        if (inserted == 1)
        {
            return (Claim.Started, null);
        }

        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT request_hash AS RequestHash, status_code AS StatusCode, content_type AS ContentType, headers AS Headers, body AS Body, " +
            "created_at AS CreatedAt, result_id AS ResultId FROM idempotency_records WHERE principal = @principal AND idem_key = @key",
            new { principal, key }, transaction.Transaction, cancellationToken: ct));
        if (row is null)
        {
            // Released or expired between our insert and read: try again.
            return null;
        }

        if (row.RequestHash != requestHash)
        {
            return (Claim.Mismatch, null);
        }

        return row.StatusCode is null
            ? (Claim.InProgress, null)
            : (Claim.Replay, new IdempotentReply(row.StatusCode.Value, row.ContentType, row.Headers, row.Body) { ResultId = row.ResultId });
    }

    /// <summary>Records the reply for a claimed key.</summary>
    public async Task CompleteAsync(string principal, string key, IdempotentReply reply, CancellationToken ct)
    {
        await using var transaction = await database.BeginWriteAsync(LockName(principal, key), ct);
        await CompleteAsync(transaction, principal, key, reply, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Records the reply for a claimed key inside <paramref name="transaction"/>, so that it commits with what the request
    /// changed (its audit record): after a crash either both are there, and a retry replays, or neither is, and a retry runs.
    /// </summary>
    public Task CompleteAsync(StorageTransaction transaction, string principal, string key, IdempotentReply reply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return CompleteAsync(transaction.Connection, transaction.Transaction, principal, key, reply, ct);
    }

    private static async Task CompleteAsync(
        DbConnection connection, DbTransaction transaction, string principal, string key, IdempotentReply reply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reply);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET status_code = @StatusCode, content_type = @ContentType, headers = @Headers, body = @Body, " +
            "result_id = @ResultId WHERE principal = @principal AND idem_key = @key",
            new { principal, key, reply.StatusCode, reply.ContentType, reply.Headers, reply.Body, reply.ResultId }, transaction, cancellationToken: ct));
    }

    /// <summary>Releases a claimed key so that a retry runs again (the first attempt failed on our side).</summary>
    public async Task ReleaseAsync(string principal, string key, CancellationToken ct)
    {
        await using var transaction = await database.BeginWriteAsync(LockName(principal, key), ct);
        await transaction.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE principal = @principal AND idem_key = @key AND status_code IS NULL",
            new { principal, key }, transaction.Transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }
}
