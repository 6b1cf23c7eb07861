using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;

namespace Signing.Pdf.Validation;

/// <summary>
/// The parts of the first SignerInfo that <see cref="System.Security.Cryptography.Pkcs.SignedCms"/> does not expose and
/// that a streamed check needs: whether content is encapsulated, the digest algorithm's parameters, the DER signed
/// attributes, the signature algorithm with its parameters, the signature.
/// </summary>
/// <remarks>
/// <code>
/// ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY DEFINED BY contentType }
/// SignedData ::= SEQUENCE {
///   version CMSVersion, digestAlgorithms DigestAlgorithmIdentifiers, encapContentInfo EncapsulatedContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///   signerInfos SignerInfos }
/// SignerInfo ::= SEQUENCE {
///   version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
///   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL, signatureAlgorithm SignatureAlgorithmIdentifier,
///   signature SignatureValue, unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }   -- RFC 5652
/// RSASSA-PSS-params ::= SEQUENCE {
///   hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
///   saltLength [2] INTEGER DEFAULT 20, trailerField [3] TrailerField DEFAULT trailerFieldBC }   -- RFC 4055
/// </code>
/// </remarks>
internal sealed record CmsSignerInfoFields(
    bool HasEncapsulatedContent,
    ReadOnlyMemory<byte>? DigestParameters,
    byte[]? SignedAttributes,
    string SignatureAlgorithm,
    ReadOnlyMemory<byte>? SignatureParameters,
    byte[] Signature)
{
    /// <summary>Reads the first SignerInfo of a BER or DER SignedData; throws <see cref="AsnContentException"/> or <see cref="CryptographicException"/> when malformed.</summary>
    public static CmsSignerInfoFields ReadFirst(ReadOnlyMemory<byte> cms)
    {
        var contentInfo = new AsnReader(cms, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadEncodedValue();

        // EncapsulatedContentInfo ::= SEQUENCE { eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
        var encapsulated = signedData.ReadSequence();
        encapsulated.ReadObjectIdentifier();
        var hasContent = encapsulated.HasData;
        while (signedData.HasData && signedData.PeekTag().TagClass == TagClass.ContextSpecific)
        {
            signedData.ReadEncodedValue();
        }

        var signerInfos = signedData.ReadSetOf(skipSortOrderValidation: true);
        var signerInfo = signerInfos.ReadSequence();
        signerInfo.ReadInteger();
        signerInfo.ReadEncodedValue();
        var digestAlgorithm = signerInfo.ReadSequence();
        digestAlgorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? digestParameters = digestAlgorithm.HasData ? digestAlgorithm.ReadEncodedValue() : null;
        byte[]? signedAttributes = null;
        if (signerInfo.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            // The signature covers the attributes re-tagged as a universal SET OF (RFC 5652 5.4).
            signedAttributes = signerInfo.ReadEncodedValue().ToArray();
            signedAttributes[0] = 0x31;
        }

        var algorithm = signerInfo.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : null;
        var signature = signerInfo.ReadOctetString();
        return new CmsSignerInfoFields(hasContent, digestParameters, signedAttributes, oid, parameters, signature);
    }

    /// <summary>The .NET hash named by an OID (SHA-1, SHA-2, SHA-3), or null when unknown or not offered by the platform.</summary>
    public static HashAlgorithmName? DigestFromOid(string? oid) => CmsDigest.FromOid(oid)?.HashAlgorithm;

    /// <summary>
    /// Verifies the signature value with <paramref name="certificate"/>'s key: over the signed attributes when present,
    /// else over <paramref name="contentDigest"/>.
    /// </summary>
    public SignatureValueResult Verify(X509Certificate2 certificate, CmsDigest digestAlgorithm, byte[] contentDigest) =>
        SignatureValueVerifier.Verify(certificate, digestAlgorithm, SignatureAlgorithm, SignatureParameters, SignedAttributes, contentDigest, Signature);
}
