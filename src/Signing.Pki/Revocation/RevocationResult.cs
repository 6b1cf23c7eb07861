using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Revocation;

/// <summary>What a revocation source said about one certificate.</summary>
public enum RevocationStatus
{
    /// <summary>The source vouches that the certificate is not revoked.</summary>
    Good,

    /// <summary>The certificate is revoked.</summary>
    Revoked,

    /// <summary>No usable answer (unreachable, unsigned, stale, or the source does not know the certificate).</summary>
    Unknown,
}

/// <summary>The outcome of a revocation check.</summary>
/// <param name="Status">Good, revoked or unknown.</param>
/// <param name="Source">Where the answer came from, e.g. <c>OCSP http://…</c> or <c>CRL http://…</c>.</param>
/// <param name="RevocationTime">For revoked certificates, when.</param>
/// <param name="Reason">For revoked certificates, the reason code if given.</param>
/// <param name="ThisUpdate">When the source produced its statement.</param>
/// <param name="NextUpdate">Until when the statement is fresh.</param>
/// <param name="Problem">For <see cref="RevocationStatus.Unknown"/>, why no answer could be used.</param>
public sealed record RevocationResult(
    RevocationStatus Status,
    string Source,
    DateTimeOffset? RevocationTime = null,
    X509RevocationReason? Reason = null,
    DateTimeOffset? ThisUpdate = null,
    DateTimeOffset? NextUpdate = null,
    string? Problem = null)
{
    /// <summary>
    /// The signed evidence behind a Good or Revoked answer: the DER OCSPResponse, or the DER CertificateList (the full
    /// CRL) it was read from; null for Unknown. What a PDF's /DSS or a CAdES-LT signature embeds.
    /// </summary>
    public byte[]? Evidence { get; init; }

    internal static RevocationResult Unavailable(string source, string problem) => new(RevocationStatus.Unknown, source, Problem: problem);
}

/// <summary>Limits and clock for the OCSP and CRL clients.</summary>
public sealed record RevocationClientOptions
{
    /// <summary>How long to wait for one HTTP exchange.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest OCSP response read.</summary>
    public int MaxOcspResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest CRL downloaded.</summary>
    public int MaxCrlBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Tolerated clock difference with responders when checking thisUpdate / nextUpdate.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Oldest OCSP thisUpdate accepted when a response has no nextUpdate.</summary>
    public TimeSpan MaxOcspAgeWithoutNextUpdate { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The clock, replaceable in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
