namespace Signing.Api.Features.Signing;

/// <summary>Configuration section <c>Signing</c>.</summary>
public sealed class SigningOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Signing";

    /// <summary>An RFC 3161 time-stamping authority; when set, level B-T is offered (e.g. <c>http://ca.gov.vn/tsa</c>).</summary>
    public string? TsaUrl { get; set; }

    /// <summary>How long a prepared two-step signature waits for its completion (default 10 minutes).</summary>
    public TimeSpan OperationLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest prepared document kept in the database for two-step signing (default 64 MiB).</summary>
    public long MaxPreparedDocumentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(TsaUrl) && !Uri.TryCreate(TsaUrl, UriKind.Absolute, out _))
        {
            problems.Add($"Signing:TsaUrl '{TsaUrl}' is not an absolute URL.");
        }

        if (OperationLifetime <= TimeSpan.Zero || OperationLifetime > TimeSpan.FromDays(1))
        {
            problems.Add("Signing:OperationLifetime must be positive and at most one day.");
        }

        if (MaxPreparedDocumentBytes < 1024)
        {
            problems.Add("Signing:MaxPreparedDocumentBytes must be at least 1 KiB.");
        }

        return problems;
    }
}
