using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pdf.Validation;

/// <summary>
/// The parts of the first SignerInfo that <see cref="System.Security.Cryptography.Pkcs.SignedCms"/> does not expose and
/// that a streamed check needs: the DER signed attributes, the signature algorithm with its parameters, the signature.
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
internal sealed record CmsSignerInfoFields(byte[]? SignedAttributes, string SignatureAlgorithm, ReadOnlyMemory<byte>? SignatureParameters, byte[] Signature)
{
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string RsaPss = "1.2.840.113549.1.1.10";
    private const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>Reads the first SignerInfo of a BER or DER SignedData; throws <see cref="AsnContentException"/> or <see cref="CryptographicException"/> when malformed.</summary>
    public static CmsSignerInfoFields ReadFirst(ReadOnlyMemory<byte> cms)
    {
        var contentInfo = new AsnReader(cms, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadEncodedValue();
        signedData.ReadEncodedValue();
        while (signedData.HasData && signedData.PeekTag().TagClass == TagClass.ContextSpecific)
        {
            signedData.ReadEncodedValue();
        }

        var signerInfos = signedData.ReadSetOf(skipSortOrderValidation: true);
        var signerInfo = signerInfos.ReadSequence();
        signerInfo.ReadInteger();
        signerInfo.ReadEncodedValue();
        signerInfo.ReadEncodedValue();
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
        return new CmsSignerInfoFields(signedAttributes, oid, parameters, signature);
    }

    /// <summary>The digest algorithm named by an OID, or null when unsupported.</summary>
    public static HashAlgorithmName? DigestFromOid(string? oid) => oid switch
    {
        "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>
    /// Verifies the signature value with <paramref name="certificate"/>'s key: over the signed attributes when present,
    /// else over <paramref name="contentDigest"/>. Returns null on success, else why it failed.
    /// </summary>
    public string? Verify(X509Certificate2 certificate, HashAlgorithmName digestAlgorithm, byte[] contentDigest)
    {
        var hash = SignatureAlgorithm switch
        {
            "1.2.840.113549.1.1.5" or "1.2.840.10045.4.1" => HashAlgorithmName.SHA1,
            "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => digestAlgorithm,
        };
        var isRsaPkcs1 = SignatureAlgorithm is RsaEncryption or "1.2.840.113549.1.1.5" or "1.2.840.113549.1.1.11" or "1.2.840.113549.1.1.12" or "1.2.840.113549.1.1.13";
        var isEcdsa = SignatureAlgorithm is EcPublicKey or "1.2.840.10045.4.1" or "1.2.840.10045.4.3.2" or "1.2.840.10045.4.3.3" or "1.2.840.10045.4.3.4";
        if (SignatureAlgorithm == RsaPss)
        {
            var (pssHash, saltLength) = ReadPssParameters();
            if (pssHash is not { } h)
            {
                return "RSA-PSS with an unsupported hash algorithm";
            }

            hash = h;
            if (saltLength != HashLength(h))
            {
                return $"RSA-PSS with salt length {saltLength} is not supported (only the hash length)";
            }
        }

        if (isRsaPkcs1 || SignatureAlgorithm == RsaPss)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null)
            {
                return $"the signature algorithm is RSA but the certificate's key is {certificate.PublicKey.Oid.FriendlyName}";
            }

            var padding = isRsaPkcs1 ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss;
            var ok = SignedAttributes is { } data
                ? rsa.VerifyData(data, Signature, hash, padding)
                : rsa.VerifyHash(contentDigest, Signature, hash, padding);
            return ok ? null : "the RSA signature value does not verify with the signer's public key";
        }

        if (isEcdsa)
        {
            using var ecdsa = certificate.GetECDsaPublicKey();
            if (ecdsa is null)
            {
                return $"the signature algorithm is ECDSA but the certificate's key is {certificate.PublicKey.Oid.FriendlyName}";
            }

            var ok = SignedAttributes is { } data
                ? ecdsa.VerifyData(data, Signature, hash, DSASignatureFormat.Rfc3279DerSequence)
                : ecdsa.VerifyHash(contentDigest, Signature, DSASignatureFormat.Rfc3279DerSequence);
            return ok ? null : "the ECDSA signature value does not verify with the signer's public key";
        }

        return $"unsupported signature algorithm {SignatureAlgorithm}";
    }

    private static int HashLength(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA1" => 20,
        "SHA256" => 32,
        "SHA384" => 48,
        _ => 64,
    };

    private (HashAlgorithmName? Hash, int SaltLength) ReadPssParameters()
    {
        HashAlgorithmName? hash = HashAlgorithmName.SHA1;
        var salt = 20;
        if (SignatureParameters is not { } parameters)
        {
            return (hash, salt);
        }

        var sequence = new AsnReader(parameters, AsnEncodingRules.BER).ReadSequence();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            var field = sequence.ReadSequence(tag);
            switch (tag.TagValue)
            {
                case 0:
                    hash = DigestFromOid(field.ReadSequence().ReadObjectIdentifier());
                    break;
                case 2:
                    salt = field.TryReadInt32(out var s) ? s : -1;
                    break;
            }
        }

        return (hash, salt);
    }
}
