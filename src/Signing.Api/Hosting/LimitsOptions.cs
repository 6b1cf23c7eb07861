namespace Signing.Api.Hosting;

/// <summary>Configuration section <c>Limits</c>.</summary>
public sealed class LimitsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Limits";

    /// <summary>The largest request body accepted, in bytes (default 100 MB). Larger uploads get 413.</summary>
    public long MaxDocumentBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>How long a stored idempotent reply is replayed for.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The longest an unfinished request holds its Idempotency-Key before a retry may take over, even while its node lives (a
    /// hung request). A crashed node's keys are free much sooner: see <see cref="NodeDeadAfter"/>.
    /// </summary>
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The largest reply replayed from its idempotency record (default 32 MiB). A larger reply is stored by id instead, and a
    /// retry gets 409 naming where to fetch it (<c>GET /api/v1/results/{id}</c>): it is never signed again.
    /// </summary>
    public long MaxIdempotentReplyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// A node that has not renewed its heartbeat for this long (default 6 s; it renews every third of it) is dead, and the
    /// Idempotency-Keys it held in flight are free.
    /// </summary>
    public TimeSpan NodeDeadAfter { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxDocumentBytes is < 1024 or > 4L * 1024 * 1024 * 1024)
        {
            problems.Add("Limits:MaxDocumentBytes must be between 1 KiB and 4 GiB.");
        }

        if (IdempotencyWindow <= TimeSpan.Zero)
        {
            problems.Add("Limits:IdempotencyWindow must be positive.");
        }

        if (IdempotencyLease <= TimeSpan.Zero || IdempotencyLease > IdempotencyWindow)
        {
            problems.Add("Limits:IdempotencyLease must be positive and no longer than Limits:IdempotencyWindow.");
        }

        if (NodeDeadAfter < TimeSpan.FromSeconds(1) || NodeDeadAfter > TimeSpan.FromMinutes(10))
        {
            problems.Add("Limits:NodeDeadAfter must be between 00:00:01 and 00:10:00.");
        }

        if (MaxIdempotentReplyBytes is < 0 or > 1024L * 1024 * 1024)
        {
            problems.Add("Limits:MaxIdempotentReplyBytes must be between 0 and 1 GiB.");
        }

        return problems;
    }
}
