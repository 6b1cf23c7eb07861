namespace Signing.Api.Features.DeskSign;

/// <summary>Configuration section <c>DeskSign</c>: signing at the desk with the GCC desk signer.</summary>
public sealed class DeskSignOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "DeskSign";

    /// <summary>How long the download and upload URLs stay usable (default 10 minutes, at most one day).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The absolute base URL the desk signer reaches this service at (e.g. <c>https://ky.phutho.gov.vn</c>); without it
    /// the URLs are built from the request's scheme and host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The largest original document kept in the database for a session (default 64 MiB).</summary>
    public long MaxDocumentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How many bytes the desk signer may append to the original (default 8 MiB: the signature, its certificates and any
    /// revocation data or time-stamp); a larger upload is refused before it is read into memory.
    /// </summary>
    public long MaxAppendedBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>How long a session (and a signed document) is kept after it expires (default 7 days).</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SessionLifetime <= TimeSpan.Zero || SessionLifetime > TimeSpan.FromDays(1))
        {
            problems.Add("DeskSign:SessionLifetime must be positive and at most one day.");
        }

        if (PublicBaseUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http")))
        {
            problems.Add($"DeskSign:PublicBaseUrl '{url}' must be an absolute http(s) URL.");
        }

        if (MaxDocumentBytes <= 0 || MaxAppendedBytes <= 0)
        {
            problems.Add("DeskSign:MaxDocumentBytes and DeskSign:MaxAppendedBytes must be positive.");
        }

        if (RetainFor < TimeSpan.Zero)
        {
            problems.Add("DeskSign:RetainFor must not be negative.");
        }

        return problems;
    }
}
