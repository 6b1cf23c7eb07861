using Dapper;

namespace Signing.Storage.Idempotency;

/// <summary>A reply recorded for an idempotency key.</summary>
public sealed record IdempotentReply(long StatusCode, string? ContentType, string? Headers, byte[]? Body);

/// <summary>Stores the first reply to each (principal, Idempotency-Key) pair.</summary>
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

    private sealed record Row(string RequestHash, long? StatusCode, string? ContentType, string? Headers, byte[]? Body, long CreatedAt);

    /// <summary>Claims the key for this request, or says why not.</summary>
    /// <param name="principal">Who sends the request.</param>
    /// <param name="key">The client's Idempotency-Key.</param>
    /// <param name="requestHash">The request's fingerprint.</param>
    /// <param name="window">How long a finished reply is replayed.</param>
    /// <param name="lease">How long an unfinished claim blocks retries; after that the first attempt is presumed dead.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<(Claim Claim, IdempotentReply? Reply)> ClaimAsync(
        string principal, string key, string requestHash, TimeSpan window, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var result = await TryClaimAsync(connection, principal, key, requestHash, window, lease, ct);
            if (result is not null)
            {
                return result.Value;
            }
        }

        // The record keeps appearing and vanishing under us: another attempt is racing this one.
        return (Claim.InProgress, null);
    }

    private async Task<(Claim Claim, IdempotentReply? Reply)?> TryClaimAsync(
        System.Data.Common.DbConnection connection, string principal, string key, string requestHash, TimeSpan window, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE principal = @principal AND idem_key = @key " +
            "AND (created_at < @oldest OR (status_code IS NULL AND created_at < @leaseExpired))",
            new { principal, key, oldest = now - (long)window.TotalMilliseconds, leaseExpired = now - (long)lease.TotalMilliseconds },
            cancellationToken: ct));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO idempotency_records (principal, idem_key, request_hash, created_at) VALUES (@principal, @key, @requestHash, @now) " +
            "ON CONFLICT DO NOTHING",
            new { principal, key, requestHash, now }, cancellationToken: ct));
        if (inserted == 1)
        {
            return (Claim.Started, null);
        }

        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT request_hash AS RequestHash, status_code AS StatusCode, content_type AS ContentType, headers AS Headers, body AS Body, created_at AS CreatedAt " +
            "FROM idempotency_records WHERE principal = @principal AND idem_key = @key",
            new { principal, key }, cancellationToken: ct));
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
            : (Claim.Replay, new IdempotentReply(row.StatusCode.Value, row.ContentType, row.Headers, row.Body));
    }

    /// <summary>Records the reply for a claimed key.</summary>
    public async Task CompleteAsync(string principal, string key, IdempotentReply reply, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET status_code = @StatusCode, content_type = @ContentType, headers = @Headers, body = @Body " +
            "WHERE principal = @principal AND idem_key = @key",
            new { principal, key, reply.StatusCode, reply.ContentType, reply.Headers, reply.Body }, cancellationToken: ct));
    }

    /// <summary>Releases a claimed key so that a retry runs again (the first attempt failed on our side).</summary>
    public async Task ReleaseAsync(string principal, string key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE principal = @principal AND idem_key = @key AND status_code IS NULL",
            new { principal, key }, cancellationToken: ct));
    }
}
