using System.Security.Cryptography;
using Signing.Pdf.Drawing;

namespace Signing.Pdf.Signatures;

/// <summary>What to put in the signature field and dictionary, and how much room to reserve for the CMS.</summary>
public sealed record PdfSignatureOptions
{
    /// <summary>Bytes reserved for the DER CMS when the caller gives no estimate; enough for an RSA-2048 chain of three certificates without a timestamp.</summary>
    public const int DefaultContentsCapacity = 16 * 1024;

    /// <summary>The signature format (/Type and /SubFilter).</summary>
    public PdfSignatureFormat Format { get; init; } = PdfSignatureFormat.CadesDetached;

    /// <summary>
    /// The field name (/T). An existing unsigned signature field with this name (a template's pre-placed field) is filled;
    /// otherwise a new invisible field is added to page 1. Null picks an unused name "SignatureN".
    /// </summary>
    public string? FieldName { get; init; }

    /// <summary>The signing time written as /M; null writes the current time. PAdES relies on the CMS signing time, /M is informative.</summary>
    public DateTimeOffset? SigningTime { get; init; }

    /// <summary>The /Reason entry, if any.</summary>
    public string? Reason { get; init; }

    /// <summary>The /Location entry, if any.</summary>
    public string? Location { get; init; }

    /// <summary>The /Name entry (the signer's name), if any.</summary>
    public string? SignerName { get; init; }

    /// <summary>The /ContactInfo entry, if any.</summary>
    public string? ContactInfo { get; init; }

    /// <summary>Bytes reserved for the DER CMS in /Contents; use <see cref="SignatureSizeEstimator"/>.</summary>
    public int ContentsCapacity { get; init; } = DefaultContentsCapacity;

    /// <summary>The digest algorithm for the byte-range digest: SHA-256, SHA-384 or SHA-512.</summary>
    public HashAlgorithmName DigestAlgorithm { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>
    /// When set, the signature certifies the document (DocMDP: /Reference in the signature dictionary, /Perms in the catalog)
    /// with these permissions; null makes an approval signature. Only a document's first signature may certify.
    /// </summary>
    public CertificationPermissions? Certification { get; init; }

    /// <summary>A visible appearance (page, rectangle, images, text); null makes an invisible signature on page 1.</summary>
    public SignatureAppearance? Appearance { get; init; }

    /// <summary>Lines of text written onto pages in the same revision, covered by this signature (at most 8).</summary>
    public IReadOnlyList<PdfTextOverlay> TextOverlays { get; init; } = [];

    /// <summary>Limits for reading the input document.</summary>
    public PdfReaderLimits ReaderLimits { get; init; } = PdfReaderLimits.Default;
}
