using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Cms;

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
/// <param name="ContentType">eContentType.</param>
/// <param name="EncapsulatedContent">eContent, when the SignedData carries its content.</param>
/// <param name="Certificates">The DER certificates of the CertificateSet (other choices left out; at most 256).</param>
/// <param name="Signer">The SignerIdentifier.</param>
/// <param name="DigestAlgorithm">The digestAlgorithm OID.</param>
/// <param name="DigestParameters">Its DER parameters, if any.</param>
/// <param name="SignedAttributes">The signed attributes as the signature covers them (a DER SET OF), or null.</param>
/// <param name="SignatureAlgorithm">The signatureAlgorithm OID.</param>
/// <param name="SignatureParameters">Its DER parameters, if any (RSASSA-PSS-params).</param>
/// <param name="Signature">The signature value.</param>
public sealed record SignerInfoParts(
    string ContentType,
    ReadOnlyMemory<byte>? EncapsulatedContent,
    IReadOnlyList<ReadOnlyMemory<byte>> Certificates,
    SignerIdentity Signer,
    string DigestAlgorithm,
    ReadOnlyMemory<byte>? DigestParameters,
    byte[]? SignedAttributes,
    string SignatureAlgorithm,
    ReadOnlyMemory<byte>? SignatureParameters,
    byte[] Signature)
{
    private const int MaxCertificates = 256;

    /// <summary>Reads the first SignerInfo of a BER or DER SignedData (<paramref name="cms"/> is a ContentInfo); throws <see cref="AsnContentException"/> or <see cref="CryptographicException"/> when malformed.</summary>
    public static SignerInfoParts ReadFirst(ReadOnlyMemory<byte> cms)
    {
        var contentInfo = new AsnReader(cms, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadEncodedValue();

        // EncapsulatedContentInfo ::= SEQUENCE { eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
        var encapsulated = signedData.ReadSequence();
        var contentType = encapsulated.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? content = null;
        if (encapsulated.HasData)
        {
            var explicitContent = encapsulated.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            content = explicitContent.ReadOctetString();
        }

        var certificates = new List<ReadOnlyMemory<byte>>();
        while (signedData.HasData && signedData.PeekTag().TagClass == TagClass.ContextSpecific)
        {
            // CertificateChoices ::= CHOICE { certificate Certificate, extendedCertificate [0], v1AttrCert [1], v2AttrCert [2], other [3] }
            if (signedData.PeekTag().TagValue == 0)
            {
                var set = signedData.ReadSetOf(skipSortOrderValidation: true, expectedTag: new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                while (set.HasData && certificates.Count < MaxCertificates)
                {
                    var choice = set.ReadEncodedValue();
                    if (new AsnReader(choice, AsnEncodingRules.BER).PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                    {
                        certificates.Add(choice);
                    }
                }
            }
            else
            {
                signedData.ReadEncodedValue();
            }
        }

        var signerInfos = signedData.ReadSetOf(skipSortOrderValidation: true);
        var signerInfo = signerInfos.ReadSequence();
        signerInfo.ReadInteger();
        var signer = SignerIdentity.Read(signerInfo);
        var digestAlgorithm = signerInfo.ReadSequence();
        var digestOid = digestAlgorithm.ReadObjectIdentifier();
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
        return new SignerInfoParts(contentType, content, certificates, signer, digestOid, digestParameters, signedAttributes, oid, parameters, signature);
    }

    /// <summary>Whether the SignedData carries its content (enveloping) rather than being detached.</summary>
    public bool HasEncapsulatedContent => EncapsulatedContent is not null;

    /// <summary>
    /// The first value of the signed attribute <paramref name="oid"/>, as DER; null when there are no signed attributes
    /// or no such attribute. <c>Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }</c>
    /// </summary>
    /// <param name="oid">The attribute type.</param>
    public ReadOnlyMemory<byte>? SignedAttribute(string oid)
    {
        if (SignedAttributes is null)
        {
            return null;
        }

        var attributes = new AsnReader(SignedAttributes, AsnEncodingRules.BER).ReadSetOf(skipSortOrderValidation: true);
        while (attributes.HasData)
        {
            var attribute = attributes.ReadSequence();
            if (attribute.ReadObjectIdentifier() == oid)
            {
                var values = attribute.ReadSetOf(skipSortOrderValidation: true);
                return values.HasData ? values.ReadEncodedValue() : null;
            }
        }

        return null;
    }

    /// <summary>
    /// The CMS's certificates as shared objects (see <see cref="SharedCertificates"/>); entries that are not
    /// certificates are left out.
    /// </summary>
    public List<X509Certificate2> LoadCertificates()
    {
        var loaded = new List<X509Certificate2>(Certificates.Count);
        foreach (var der in Certificates)
        {
            try
            {
                loaded.Add(SharedCertificates.Load(der.Span));
            }
            catch (CryptographicException)
            {
            }
        }

        return loaded;
    }

    /// <summary>
    /// Verifies the signature value with <paramref name="certificate"/>'s key: over the signed attributes when present,
    /// else over <paramref name="contentDigest"/>, or over <paramref name="content"/> itself for EdDSA
    /// (<see cref="SignsContentItself"/>).
    /// </summary>
    /// <param name="certificate">The signer's certificate.</param>
    /// <param name="digestAlgorithm">The SignerInfo's digest algorithm.</param>
    /// <param name="contentDigest">The content's digest, used when there are no signed attributes.</param>
    /// <param name="content">The content, read once, when <see cref="SignsContentItself"/>; else null.</param>
    public SignatureValueResult Verify(X509Certificate2 certificate, CmsDigest digestAlgorithm, byte[] contentDigest, Stream? content = null) =>
        SignatureValueVerifier.Verify(certificate, digestAlgorithm, SignatureAlgorithm, SignatureParameters, SignedAttributes, contentDigest, Signature, content);

    /// <summary>
    /// Whether the signature value is over the content itself rather than over a digest the caller computes: no signed
    /// attributes and an EdDSA algorithm (RFC 8419 3.1).
    /// </summary>
    public bool SignsContentItself => SignedAttributes is null && SignatureValueVerifier.SignsContentItself(SignatureAlgorithm);
}

/// <summary>
/// Which certificate signed: <c>SignerIdentifier ::= CHOICE { issuerAndSerialNumber IssuerAndSerialNumber,
/// subjectKeyIdentifier [0] SubjectKeyIdentifier }</c> (RFC 5652 5.3).
/// </summary>
public sealed record SignerIdentity(byte[]? Issuer, byte[]? SerialNumber, byte[]? SubjectKeyIdentifier)
{
    /// <summary>Reads the SignerIdentifier at the reader's position.</summary>
    public static SignerIdentity Read(AsnReader signerInfo)
    {
        if (signerInfo.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            return new(null, null, signerInfo.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)));
        }

        var issuerAndSerial = signerInfo.ReadSequence();
        var issuer = issuerAndSerial.ReadEncodedValue().ToArray();
        var serial = issuerAndSerial.ReadIntegerBytes().ToArray();
        return new(issuer, serial, null);
    }

    /// <summary>The certificate this identifier names, or null.</summary>
    public X509Certificate2? Find(IEnumerable<X509Certificate2> certificates) => certificates.FirstOrDefault(Matches);

    private bool Matches(X509Certificate2 certificate)
    {
        if (SubjectKeyIdentifier is { } keyId)
        {
            return certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is { } extension
                && extension.SubjectKeyIdentifierBytes.Span.SequenceEqual(keyId);
        }

        return certificate.IssuerName.RawData.AsSpan().SequenceEqual(Issuer)
            && certificate.SerialNumberBytes.Span.TrimStart((byte)0).SequenceEqual(SerialNumber.AsSpan().TrimStart((byte)0));
    }
}
