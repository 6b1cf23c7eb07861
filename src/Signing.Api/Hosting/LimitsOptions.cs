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

    /// <summary>The largest reply that is kept for idempotent replay; larger replies are not replayable.</summary>
    public long MaxIdempotentReplyBytes { get; set; } = 128L * 1024 * 1024;

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

        return problems;
    }
}
