using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pdf.Signatures;

/// <summary>How to lift a signed PDF to B-LT or B-LTA.</summary>
public sealed record PadesExtendOptions
{
    /// <summary>The target level: <see cref="PadesLevel.BaselineLT"/> or <see cref="PadesLevel.BaselineLta"/>.</summary>
    public PadesLevel Level { get; init; } = PadesLevel.BaselineLT;

    /// <summary>Where revocation data comes from (OCSP first, then CRL).</summary>
    public required RevocationChecker Revocation { get; init; }

    /// <summary>The TSA for the B-LTA document timestamp.</summary>
    public ITimestampClient? Timestamper { get; init; }

    /// <summary>Certificates to complete paths the signatures do not carry (e.g. the root, the OCSP responder).</summary>
    public X509Certificate2Collection ExtraCertificates { get; init; } = [];

    /// <summary>Bytes first reserved for the document timestamp token; a larger token makes a second attempt.</summary>
    public int DocumentTimestampCapacity { get; init; } = 16 * 1024;

    /// <summary>
    /// Completes a path the signature and <see cref="ExtraCertificates"/> leave short through the AIA caIssuers URLs
    /// (bounded, cached); null means a missing issuer is an <see cref="LtvDataUnavailableException"/>.
    /// </summary>
    public IssuerCertificateFetcher? IssuerFetcher { get; init; }

    /// <summary>Limits for reading the input document.</summary>
    public PdfReaderLimits ReaderLimits { get; init; } = PdfReaderLimits.Default;
}
