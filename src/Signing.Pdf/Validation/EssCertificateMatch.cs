using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pdf.Validation;

/// <summary>Checks the ESS signing-certificate (v1, SHA-1) and signing-certificate-v2 attributes against the signer's certificate.</summary>
/// <remarks>
/// <code>
/// SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies SEQUENCE OF PolicyInformation OPTIONAL }
/// ESSCertID ::= SEQUENCE { certHash Hash, issuerSerial IssuerSerial OPTIONAL }           -- RFC 2634, Hash is SHA-1
/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies SEQUENCE OF PolicyInformation OPTIONAL }
/// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
///                            certHash Hash, issuerSerial IssuerSerial OPTIONAL }          -- RFC 5035
/// </code>
/// </remarks>
internal static class EssCertificateMatch
{
    /// <summary>id-aa-signingCertificate.</summary>
    public const string V1Oid = "1.2.840.113549.1.9.16.2.12";

    /// <summary>id-aa-signingCertificateV2.</summary>
    public const string V2Oid = "1.2.840.113549.1.9.16.2.47";

    /// <summary>True if the first certificate identifier in the attribute value names <paramref name="certificate"/>.</summary>
    public static bool Matches(byte[] attributeValue, bool version2, X509Certificate2 certificate)
    {
        var certs = new AsnReader(attributeValue, AsnEncodingRules.BER).ReadSequence().ReadSequence();
        var id = certs.ReadSequence();
        var hash = HashAlgorithmName.SHA1;
        if (version2)
        {
            hash = HashAlgorithmName.SHA256;
            if (id.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                hash = CmsSignerInfoFields.DigestFromOid(id.ReadSequence().ReadObjectIdentifier())
                    ?? throw new CryptographicException("unsupported hash algorithm in ESSCertIDv2");
            }
        }

        var certHash = id.ReadOctetString();
        return CryptographicOperations.FixedTimeEquals(certHash, CryptographicOperations.HashData(hash, certificate.RawData));
    }
}
