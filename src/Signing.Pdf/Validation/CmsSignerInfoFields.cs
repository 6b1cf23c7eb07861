using System.Security.Cryptography;
using Signing.Pki.Cms;

namespace Signing.Pdf.Validation;

/// <summary>
/// The first SignerInfo of a signature's CMS, read by <see cref="SignerInfoParts"/> (shared with the CMS verifier in
/// Signing.Pki), and the digest names the PDF side needs.
/// </summary>
internal static class CmsSignerInfoFields
{
    /// <summary>Reads the first SignerInfo of a BER or DER SignedData; throws <see cref="System.Formats.Asn1.AsnContentException"/> or <see cref="CryptographicException"/> when malformed.</summary>
    public static SignerInfoParts ReadFirst(ReadOnlyMemory<byte> cms) => SignerInfoParts.ReadFirst(cms);

    /// <summary>The .NET hash named by an OID (SHA-1, SHA-2, SHA-3), or null when unknown or not offered by the platform.</summary>
    public static HashAlgorithmName? DigestFromOid(string? oid) => CmsDigest.FromOid(oid)?.HashAlgorithm;
}
