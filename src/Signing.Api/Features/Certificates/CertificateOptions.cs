namespace Signing.Api.Features.Certificates;

/// <summary>Configuration section <c>Certificates</c>: the watch's thresholds and schedule, and what requests must carry.</summary>
public sealed class CertificateOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Certificates";

    /// <summary>
    /// Days before expiry at which the holder and the cert-admins are alerted (default 60, 30, 7). The largest is when a
    /// certificate counts as expiring: Decree 130/2018 wanted a renewal request 60 days ahead.
    /// </summary>
    public List<int> ExpiryThresholdDays { get; set; } = [60, 30, 7];

    /// <summary>How often the watch runs (default daily).</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The domains an official e-mail must end with (default gov.vn: addresses such as <c>an@phutho.gov.vn</c>).</summary>
    public List<string> OfficialEmailDomains { get; set; } = ["gov.vn"];

    /// <summary>The token agency, device and service keys are generated on (default the first of Pkcs11:Tokens).</summary>
    public string? HsmTokenLabel { get; set; }

    /// <summary>The most rows a CSV or XLSX import takes at once (default 20,000).</summary>
    public int MaxImportRows { get; set; } = 20_000;

    /// <summary>
    /// Positions one person holds per agency; a merger that maps several people to one of them (or keeps one from an
    /// absorbed agency) flags them. Default: the heads of a commune.
    /// </summary>
    public List<string> SingleHolderPositions { get; set; } = ["Chủ tịch", "Bí thư", "Chủ tịch Hội đồng nhân dân", "Trưởng Công an", "Chỉ huy trưởng Quân sự"];

    /// <summary>The largest threshold, in milliseconds: within it a certificate is expiring.</summary>
    public long ExpiringWithinMs => (long)TimeSpan.FromDays(ExpiryThresholdDays.Count == 0 ? 0 : ExpiryThresholdDays.Max()).TotalMilliseconds;

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ExpiryThresholdDays.Count == 0 || ExpiryThresholdDays.Any(days => days is < 1 or > 365))
        {
            problems.Add("Certificates:ExpiryThresholdDays lists 1 to 365 days, e.g. 60, 30, 7.");
        }

        if (WatchInterval < TimeSpan.FromMinutes(1))
        {
            problems.Add("Certificates:WatchInterval must be at least a minute.");
        }

        if (OfficialEmailDomains.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Certificates:OfficialEmailDomains has an empty entry.");
        }

        if (MaxImportRows is < 1 or > 1_000_000)
        {
            problems.Add("Certificates:MaxImportRows must be between 1 and 1,000,000.");
        }

        return problems;
    }
}
