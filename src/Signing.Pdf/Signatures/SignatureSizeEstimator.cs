using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pdf.Signatures;

/// <summary>Estimates how many bytes to reserve in /Contents for a CMS, erring on the large side.</summary>
public static class SignatureSizeEstimator
{
    // SignedData/SignerInfo framing, algorithm identifiers, and the signed attributes (content type, signing time,
    // message digest up to SHA-512, ESS signing-certificate-v2) fit well inside this.
    private const int FixedOverhead = 4096;

    /// <summary>Estimates from the certificates the CMS will carry (signer first).</summary>
    /// <param name="certificates">The signer's certificate first, then the rest of the chain to embed.</param>
    /// <param name="timestampTokenBytes">Expected size of an RFC 3161 token in the unsigned attributes (0 when none).</param>
    /// <param name="revocationDataBytes">Expected size of CRLs or OCSP responses embedded in the CMS (0 when none).</param>
    public static int EstimateContentsBytes(IReadOnlyList<X509Certificate2> certificates, int timestampTokenBytes = 0, int revocationDataBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if (certificates.Count == 0)
        {
            throw new ArgumentException("At least the signer's certificate is needed", nameof(certificates));
        }

        var signer = certificates[0];

        // The signer's issuer name and serial appear again in the SignerInfo and the ESS attribute.
        var signerIdentifiers = 2 * (signer.IssuerName.RawData.Length + signer.SerialNumberBytes.Length);
        return EstimateContentsBytes(
            certificates.Sum(c => c.RawData.Length) + signerIdentifiers,
            SignatureValueBytes(signer),
            timestampTokenBytes,
            revocationDataBytes);
    }

    /// <summary>Estimates from sizes.</summary>
    /// <param name="certificateBytes">Total DER size of the certificates to embed (plus signer identifiers).</param>
    /// <param name="signatureValueBytes">Size of the signature value (256 for RSA-2048).</param>
    /// <param name="timestampTokenBytes">Expected size of an RFC 3161 token (0 when none).</param>
    /// <param name="revocationDataBytes">Expected size of embedded revocation data (0 when none).</param>
    public static int EstimateContentsBytes(int certificateBytes, int signatureValueBytes, int timestampTokenBytes = 0, int revocationDataBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(certificateBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(signatureValueBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(timestampTokenBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(revocationDataBytes);
        var sum = (long)certificateBytes + signatureValueBytes + timestampTokenBytes + revocationDataBytes + FixedOverhead;

        // A 25% margin absorbs DER length growth and attributes a future profile adds; round to whole KiB.
        var withMargin = sum + (sum / 4);
        var rounded = (withMargin + 1023) / 1024 * 1024;
        return (int)Math.Min(rounded, int.MaxValue / 2);
    }

    private static int SignatureValueBytes(X509Certificate2 signer)
    {
        // Read the sizes from the SubjectPublicKeyInfo: loading the key object would cost more than the signature.
        var publicKey = signer.PublicKey;
        switch (publicKey.Oid.Value)
        {
            case "1.2.840.113549.1.1.1":
                {
                    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
                    var sequence = new AsnReader(publicKey.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
                    var modulus = sequence.ReadIntegerBytes().Span;
                    return modulus.Length - (modulus[0] == 0 ? 1 : 0);
                }

            case "1.2.840.10045.2.1":
                {
                    // An uncompressed point is 04 || X || Y; the DER ECDSA-Sig-Value holds two INTEGERs of up to
                    // field size + 1 byte, plus headers.
                    var fieldBytes = (publicKey.EncodedKeyValue.RawData.Length - 1) / 2;
                    return (2 * (fieldBytes + 1)) + 8;
                }

            default:
                return 1024;
        }
    }
}
