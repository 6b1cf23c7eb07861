using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;

namespace Signing.Pki.Cms;

/// <summary>
/// The first half of a two-step CAdES signature: the signed attributes for a content digest. Give
/// <see cref="SignedAttributes"/> (or <see cref="DigestToSign"/>) to the external signer, then call
/// <see cref="Assemble"/> with what it returns.
/// </summary>
public sealed class CadesSignatureRequest
{
    private readonly CadesSignOptions _options;

    internal CadesSignatureRequest(byte[] signedAttributes, CadesSignOptions options)
    {
        SignedAttributes = signedAttributes;
        _options = options;
    }

    /// <summary>
    /// Rebuilds a request from <see cref="SignedAttributes"/> kept between the two steps (e.g. in a database, so any
    /// stateless API node can finish the signature). The attributes are checked to be a DER SET OF Attribute holding a
    /// message-digest and an ESS signing-certificate-v2 that names <see cref="CadesSignOptions.Certificate"/>.
    /// </summary>
    /// <exception cref="MalformedPkiDataException">The bytes are not such a set of attributes.</exception>
    public static CadesSignatureRequest FromSignedAttributes(byte[] signedAttributes, CadesSignOptions options)
    {
        var found = DerInputGuard.Decode(signedAttributes, "SignedAttributes", der =>
        {
            // SignedAttributes ::= SET SIZE (1..MAX) OF Attribute
            // Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var set = reader.ReadSetOf();
            reader.ThrowIfNotEmpty();
            var hasDigest = false;
            var essMatches = false;
            for (var count = 0; set.HasData; count++)
            {
                if (count == 32)
                {
                    throw new AsnContentException("more than 32 signed attributes");
                }

                var attribute = set.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                var values = attribute.ReadSetOf();
                var first = values.ReadEncodedValue();
                hasDigest |= type == SignedDataAssembler.MessageDigestAttributeOid;
                essMatches |= type == EssSigningCertificateV2.Oid && EssSigningCertificateV2.Matches(first, options.Certificate);
            }

            return (hasDigest, essMatches);
        });
        if (!found.hasDigest || !found.essMatches)
        {
            throw new MalformedPkiDataException("SignedAttributes", found.hasDigest
                ? "the signing-certificate-v2 attribute does not name the given certificate"
                : "no message-digest attribute");
        }

        return new CadesSignatureRequest(signedAttributes, options);
    }

    /// <summary>The DER <c>SET OF Attribute</c> to be signed, exactly as RFC 5652 5.4 prescribes.</summary>
    public byte[] SignedAttributes { get; }

    /// <summary>The digest algorithm the external signer must use.</summary>
    public HashAlgorithmName DigestAlgorithm => _options.DigestAlgorithm;

    /// <summary>The signer's certificate.</summary>
    public X509Certificate2 Certificate => _options.Certificate;

    /// <summary>The digest of <see cref="SignedAttributes"/>, for signers that take a precomputed hash.</summary>
    public byte[] DigestToSign() => DigestAlgorithm.Name switch
    {
        "SHA256" => SHA256.HashData(SignedAttributes),
        "SHA384" => SHA384.HashData(SignedAttributes),
        "SHA512" => SHA512.HashData(SignedAttributes),
        _ => throw new CryptographicException($"Digest {DigestAlgorithm.Name} is not supported."),
    };

    /// <summary>
    /// Signs the signed attributes with a key the caller holds (software or token: PKCS#1 v1.5 for RSA, DER ECDSA for EC)
    /// and assembles the CMS, detached.
    /// </summary>
    /// <exception cref="CryptographicException">The key is neither RSA nor ECDsa, or does not match the certificate.</exception>
    public byte[] SignWith(AsymmetricAlgorithm key)
        => Assemble(SignatureAlgorithms.Sign(key, DigestAlgorithm, SignedAttributes));

    /// <summary>
    /// Builds the CMS from the external signature value: PKCS#1 v1.5 for RSA, DER <c>ECDSA-Sig-Value</c> for ECDSA
    /// (convert raw r||s with <see cref="DerSignatureConverter"/>). Pass <paramref name="encapsulatedContent"/> for an
    /// enveloping signature, null for detached. The signature is checked against the certificate before assembly.
    /// </summary>
    /// <exception cref="CryptographicException">The signature does not verify with the certificate's public key.</exception>
    public byte[] Assemble(ReadOnlySpan<byte> signatureValue, ReadOnlyMemory<byte>? encapsulatedContent = null)
    {
        var certificate = _options.Certificate;
        var key = CertificatePublicKeys.For(certificate);
        var algorithm = SignatureAlgorithms.SignatureOid(key, DigestAlgorithm);
        if (!SignatureAlgorithms.Verify(algorithm, SignedAttributes, signatureValue, key))
        {
            throw new CryptographicException($"The external signature does not verify with the key of '{certificate.Subject}'; wrong key, digest or signature format.");
        }

        // RSA SignerInfos name rsaEncryption, as SignedCms and most verifiers expect.
        var signatureOid = key is RSA ? SignatureAlgorithms.RsaEncryption : algorithm;

        return SignedDataAssembler.Assemble(
            SignedAttributes, DigestAlgorithm, signatureOid, signatureValue, certificate, _options.Chain.Cast<X509Certificate2>(), encapsulatedContent);
    }
}
