using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>What a <see cref="PdfSignatureValidator"/> trusts and where it looks for revocation data.</summary>
public sealed record PdfValidationOptions
{
    /// <summary>The trust anchors (e.g. the GCC G2 roots, or the dev roots in Development).</summary>
    public required X509Certificate2Collection TrustAnchors { get; init; }

    /// <summary>
    /// Online OCSP / CRL checking, asked only when neither the document's DSS nor <see cref="Crls"/> answers.
    /// Null means offline: a certificate with no embedded or configured revocation data is reported as not checked.
    /// </summary>
    public RevocationChecker? OnlineRevocation { get; init; }

    /// <summary>
    /// For online validation: completes a path the document leaves short (a missing intermediate CA) through the AIA
    /// caIssuers URLs, bounded and cached. Null: only embedded and DSS certificates build paths.
    /// </summary>
    public IssuerCertificateFetcher? IssuerFetcher { get; init; }

    /// <summary>CRLs the caller supplies (DER or PEM), used like CRLs found in the DSS.</summary>
    public IReadOnlyList<byte[]> Crls { get; init; } = [];

    /// <summary>The clock for "now".</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Limits for reading the document.</summary>
    public PdfReaderLimits ReaderLimits { get; init; } = PdfReaderLimits.Default;

    /// <summary>The most signature fields examined; more gives a FORMAT_FAILURE report.</summary>
    public int MaxSignatures { get; init; } = 256;
}
