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

    /// <summary>How long an unfinished request holds its Idempotency-Key before a retry may take over (a crashed node's claim).</summary>
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The largest reply kept for idempotent replay (it is buffered in memory and stored); larger replies are not replayable,
    /// and a retry runs again.
    /// </summary>
    public long MaxIdempotentReplyBytes { get; set; } = 32L * 1024 * 1024;

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

        if (MaxIdempotentReplyBytes is < 0 or > 1024L * 1024 * 1024)
        {
            problems.Add("Limits:MaxIdempotentReplyBytes must be between 0 and 1 GiB.");
        }

        return problems;
    }
}
