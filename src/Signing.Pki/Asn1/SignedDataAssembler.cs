using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Asn1;

/// <summary>
/// Builds the CMS SignedData for a signature value produced outside .NET's key objects (desk token,
/// remote signer). <see cref="System.Security.Cryptography.Pkcs.SignedCms"/> can only sign with a key it
/// holds, so this is the one place that writes SignerInfo itself.
/// </summary>
/// <remarks>
/// <code>
/// ContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   content [0] EXPLICIT ANY DEFINED BY contentType }
///
/// SignedData ::= SEQUENCE {
///   version CMSVersion,
///   digestAlgorithms DigestAlgorithmIdentifiers,
///   encapContentInfo EncapsulatedContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL,
///   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///   signerInfos SignerInfos }
///
/// EncapsulatedContentInfo ::= SEQUENCE {
///   eContentType ContentType,
///   eContent [0] EXPLICIT OCTET STRING OPTIONAL }
///
/// SignerInfo ::= SEQUENCE {
///   version CMSVersion,
///   sid SignerIdentifier,
///   digestAlgorithm DigestAlgorithmIdentifier,
///   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
///   signatureAlgorithm SignatureAlgorithmIdentifier,
///   signature SignatureValue,
///   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
///
/// SignerIdentifier ::= CHOICE {
///   issuerAndSerialNumber IssuerAndSerialNumber,
///   subjectKeyIdentifier [0] SubjectKeyIdentifier }
///
/// IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
///
/// SignedAttributes ::= SET SIZE (1..MAX) OF Attribute
/// Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
/// </code>
/// </remarks>
internal static class SignedDataAssembler
{
    internal const string SignedDataOid = "1.2.840.113549.1.7.2";
    internal const string DataOid = "1.2.840.113549.1.7.1";
    internal const string ContentTypeAttributeOid = "1.2.840.113549.1.9.3";
    internal const string MessageDigestAttributeOid = "1.2.840.113549.1.9.4";
    internal const string SigningTimeAttributeOid = "1.2.840.113549.1.9.5";

    /// <summary>
    /// The DER <c>SET OF Attribute</c> (universal SET tag) that the signer signs: RFC 5652 5.4 says the
    /// signature covers this encoding, while SignerInfo carries the same content under [0].
    /// </summary>
    internal static byte[] EncodeSignedAttributes(ReadOnlySpan<byte> contentDigest, X509Certificate2 signer, DateTimeOffset? signingTime)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSetOf();
        WriteAttribute(writer, ContentTypeAttributeOid, w => w.WriteObjectIdentifier(DataOid));
        var digest = contentDigest.ToArray();
        WriteAttribute(writer, MessageDigestAttributeOid, w => w.WriteOctetString(digest));
        if (signingTime is { } time)
        {
            // RFC 5652 11.3: UTCTime for dates between 1950 and 2049.
            WriteAttribute(writer, SigningTimeAttributeOid, w => w.WriteUtcTime(time.ToUniversalTime()));
        }

        var ess = EssSigningCertificateV2.Encode(signer);
        WriteAttribute(writer, EssSigningCertificateV2.Oid, w => w.WriteEncodedValue(ess));
        writer.PopSetOf();
        return writer.Encode();
    }

    /// <summary>Assembles a ContentInfo(SignedData) with one SignerInfo.</summary>
    internal static byte[] Assemble(
        byte[] signedAttributes,
        HashAlgorithmName digestAlgorithm,
        string signatureAlgorithmOid,
        ReadOnlySpan<byte> signatureValue,
        X509Certificate2 signer,
        IEnumerable<X509Certificate2> certificates,
        ReadOnlyMemory<byte>? encapsulatedContent)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(SignedDataOid);
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        writer.PushSequence();
        writer.WriteInteger(1);
        writer.PushSetOf();
        SignatureAlgorithms.WriteDigestAlgorithm(writer, digestAlgorithm);
        writer.PopSetOf();

        writer.PushSequence();
        writer.WriteObjectIdentifier(DataOid);
        if (encapsulatedContent is { } content)
        {
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
            writer.WriteOctetString(content.Span);
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        }

        writer.PopSequence();

        writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        var seen = new HashSet<string>();
        foreach (var certificate in certificates.Prepend(signer))
        {
            if (seen.Add(certificate.Thumbprint))
            {
                writer.WriteEncodedValue(certificate.RawData);
            }
        }

        writer.PopSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));

        writer.PushSetOf();
        writer.PushSequence();
        writer.WriteInteger(1);
        writer.PushSequence();
        writer.WriteEncodedValue(signer.IssuerName.RawData);
        writer.WriteInteger(signer.SerialNumberBytes.Span);
        writer.PopSequence();
        SignatureAlgorithms.WriteDigestAlgorithm(writer, digestAlgorithm);
        WriteImplicitSignedAttributes(writer, signedAttributes);
        SignatureAlgorithms.WriteSignatureAlgorithm(writer, signatureAlgorithmOid);
        writer.WriteOctetString(signatureValue);
        writer.PopSequence();
        writer.PopSetOf();

        writer.PopSequence();
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        writer.PopSequence();
        return writer.Encode();
    }

    private static void WriteImplicitSignedAttributes(AsnWriter writer, byte[] signedAttributes)
    {
        var reader = new AsnReader(signedAttributes, AsnEncodingRules.DER);
        var set = reader.ReadSetOf();
        reader.ThrowIfNotEmpty();
        writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        while (set.HasData)
        {
            writer.WriteEncodedValue(set.ReadEncodedValue().Span);
        }

        writer.PopSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
    }

    private static void WriteAttribute(AsnWriter writer, string oid, Action<AsnWriter> writeValue)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(oid);
        writer.PushSetOf();
        writeValue(writer);
        writer.PopSetOf();
        writer.PopSequence();
    }
}
