using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Asn1;

/// <summary>The ESS signing-certificate-v2 attribute (RFC 5035) binding the signer's certificate into the signature.</summary>
/// <remarks>
/// <code>
/// id-aa-signingCertificateV2 OBJECT IDENTIFIER ::= { iso(1) member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9) smime(16) id-aa(2) 47 }
///
/// SigningCertificateV2 ::=  SEQUENCE {
///     certs        SEQUENCE OF ESSCertIDv2,
///     policies     SEQUENCE OF PolicyInformation OPTIONAL }
///
/// ESSCertIDv2 ::=  SEQUENCE {
///     hashAlgorithm           AlgorithmIdentifier DEFAULT {algorithm id-sha256},
///     certHash                 Hash,
///     issuerSerial             IssuerSerial OPTIONAL }
///
/// Hash ::= OCTET STRING
///
/// IssuerSerial ::= SEQUENCE {
///     issuer                   GeneralNames,
///     serialNumber             CertificateSerialNumber }
///
/// GeneralName ::= CHOICE { ... directoryName [4] Name, ... }
/// </code>
/// </remarks>
internal static class EssSigningCertificateV2
{
    internal const string Oid = "1.2.840.113549.1.9.16.2.47";

    /// <summary>The DER of the attribute value for <paramref name="certificate"/>, hashed with SHA-256.</summary>
    internal static byte[] Encode(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PushSequence();
        writer.PushSequence();

        // hashAlgorithm is omitted: DER leaves out a DEFAULT value, and the default is SHA-256.
        writer.WriteOctetString(SHA256.HashData(certificate.RawData));
        writer.PushSequence();
        writer.PushSequence();
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true));
        writer.WriteEncodedValue(certificate.IssuerName.RawData);
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true));
        writer.PopSequence();
        writer.WriteInteger(certificate.SerialNumberBytes.Span);
        writer.PopSequence();
        writer.PopSequence();
        writer.PopSequence();
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>True if the first ESSCertIDv2 in <paramref name="attributeValue"/> names <paramref name="certificate"/>.</summary>
    internal static bool Matches(ReadOnlyMemory<byte> attributeValue, X509Certificate2 certificate)
    {
        var reader = new AsnReader(attributeValue, AsnEncodingRules.DER);
        var signingCertificate = reader.ReadSequence();
        var certs = signingCertificate.ReadSequence();
        var first = certs.ReadSequence();
        var hash = HashAlgorithmName.SHA256;
        if (first.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            hash = SignatureAlgorithms.DigestFromOid(SignatureAlgorithms.ReadAlgorithmOid(first));
        }

        var certHash = first.ReadOctetString();
        var expected = hash.Name switch
        {
            "SHA256" => SHA256.HashData(certificate.RawData),
            "SHA384" => SHA384.HashData(certificate.RawData),
            "SHA512" => SHA512.HashData(certificate.RawData),
            _ => SHA1.HashData(certificate.RawData),
        };
        return certHash.AsSpan().SequenceEqual(expected);
    }
}
