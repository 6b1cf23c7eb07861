using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pdf.Signatures;

/// <summary>What a PAdES signature needs besides the document and the key.</summary>
public sealed record PadesSignOptions
{
    /// <summary>The bytes reserved for a signature-time-stamp token: a token with a three-certificate RSA-4096 TSA chain fits.</summary>
    public const int DefaultTimestampAllowance = 16 * 1024;

    /// <summary>The signer's certificate (the key is passed separately, so a token key works).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>The CA certificates to embed in the CMS (issuing CA first); empty embeds only the signer's certificate.</summary>
    public X509Certificate2Collection Chain { get; init; } = [];

    /// <summary>The level to produce.</summary>
    public PadesLevel Level { get; init; } = PadesLevel.BaselineB;

    /// <summary>The TSA for B-T and above (signature-time-stamp) and for B-LTA (document timestamp).</summary>
    public ITimestampClient? Timestamper { get; init; }

    /// <summary>Where B-LT and B-LTA fetch revocation data (OCSP first, then CRL).</summary>
    public RevocationChecker? Revocation { get; init; }

    /// <summary>Certificates for B-LT that the CMS does not embed (e.g. the root), so every path can be completed in /DSS.</summary>
    public X509Certificate2Collection ValidationCertificates { get; init; } = [];

    /// <summary>The digest algorithm for the byte range and the signed attributes.</summary>
    public HashAlgorithmName DigestAlgorithm { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>
    /// The PDF side: field name, /Reason, /Location, /M (the PAdES signing time), certification, appearance.
    /// <see cref="PdfSignatureOptions.Format"/>, <see cref="PdfSignatureOptions.ContentsCapacity"/> and
    /// <see cref="PdfSignatureOptions.DigestAlgorithm"/> are set by the PAdES signer.
    /// </summary>
    public PdfSignatureOptions Pdf { get; init; } = new();

    /// <summary>Bytes reserved for the signature-time-stamp token when the level asks for one.</summary>
    public int TimestampAllowance { get; init; } = DefaultTimestampAllowance;

    /// <summary>
    /// At B-LT and B-LTA, completes <see cref="Chain"/> through the certificates' AIA caIssuers URLs when it lacks the
    /// signer's issuers (a token key that holds only its leaf); the completed chain is embedded in the CMS and used for
    /// the /DSS. Null: the chain is taken as given.
    /// </summary>
    public IssuerCertificateFetcher? IssuerFetcher { get; init; }
}
