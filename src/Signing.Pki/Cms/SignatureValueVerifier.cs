using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Signing.Pki.Cms;

/// <summary>How a signature value fared.</summary>
public enum SignatureValueStatus
{
    /// <summary>The value verifies with the signer's public key.</summary>
    Valid,

    /// <summary>The value does not verify with the signer's public key (EN 319 102-1 SIG_CRYPTO_FAILURE).</summary>
    Invalid,

    /// <summary>
    /// The algorithm, its parameters or its pairing with the digest is unknown or forbidden, so nothing can be said
    /// about the value (EN 319 102-1 INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE).
    /// </summary>
    Unsupported,
}

/// <summary>The outcome of checking a signature value.</summary>
/// <param name="Status">Valid, invalid or not checkable.</param>
/// <param name="Detail">What was checked, or why it failed, naming the algorithm.</param>
public sealed record SignatureValueResult(SignatureValueStatus Status, string Detail);

/// <summary>
/// Verifies the signature value of a CMS SignerInfo (RFC 5652 5.6) for every algorithm family met in signed PDFs:
/// RSA PKCS#1 v1.5 and RSASSA-PSS (RFC 4055, any salt length and MGF1 hash), ECDSA in DER and in the "plain" r‖s form
/// of BSI TR-03111, DSA, each with SHA-1, SHA-2 or SHA-3, and EdDSA (RFC 8419: Ed25519 with SHA-512, Ed448 with
/// SHAKE256). .NET does the RSA, ECDSA and DSA work; BouncyCastle does EdDSA and the PSS variants .NET cannot express.
/// </summary>
public static class SignatureValueVerifier
{
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string RsaPss = "1.2.840.113549.1.1.10";
    private const string Mgf1 = "1.2.840.113549.1.1.8";
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string Dsa = "1.2.840.10040.4.1";
    private const string Ed25519 = "1.3.101.112";
    private const string Ed448 = "1.3.101.113";
    private const string PlainEcdsaArc = "0.4.0.127.0.7.1.1.4.1.";

    // The content of a pure EdDSA signature is fed to the verifier this many bytes at a time.
    private const int ContentChunkBytes = 64 * 1024;

    private enum Family
    {
        RsaPkcs1,
        RsaPss,
        Ecdsa,
        PlainEcdsa,
        Dsa,
        Ed25519,
        Ed448,
    }

    /// <summary>
    /// Verifies <paramref name="signature"/>. With signed attributes the value signs their DER (re-tagged as a SET OF,
    /// RFC 5652 5.4); without them it signs the content, of which the caller passes the <paramref name="contentDigest"/>
    /// computed with <paramref name="digest"/>, or, for EdDSA (which signs the content itself, RFC 8419 3.1), the
    /// <paramref name="content"/> (see <see cref="SignsContentItself"/>).
    /// </summary>
    /// <param name="signer">The signer's certificate.</param>
    /// <param name="digest">The SignerInfo's digestAlgorithm.</param>
    /// <param name="signatureAlgorithmOid">The SignerInfo's signatureAlgorithm OID.</param>
    /// <param name="signatureParameters">Its DER parameters, if any (RSASSA-PSS-params).</param>
    /// <param name="signedAttributes">The DER SET OF signed attributes, or null.</param>
    /// <param name="contentDigest">The content digest, used when there are no signed attributes.</param>
    /// <param name="signature">The signature value.</param>
    /// <param name="content">
    /// The signed content, read once from its position in bounded chunks; needed only when
    /// <see cref="SignsContentItself"/> holds and there are no signed attributes.
    /// </param>
    public static SignatureValueResult Verify(
        X509Certificate2 signer,
        CmsDigest digest,
        string signatureAlgorithmOid,
        ReadOnlyMemory<byte>? signatureParameters,
        byte[]? signedAttributes,
        ReadOnlySpan<byte> contentDigest,
        byte[] signature,
        Stream? content = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(signature);
        if (Classify(signatureAlgorithmOid) is not { } scheme)
        {
            return Unsupported($"signature algorithm {signatureAlgorithmOid} is not known to this validator");
        }

        var (family, hashOid) = scheme;
        try
        {
            return family switch
            {
                Family.Ed25519 or Family.Ed448 => VerifyEdDsa(signer, family, digest, signedAttributes, content, signature),
                Family.RsaPss => VerifyPss(signer, digest, signatureParameters, signedAttributes, contentDigest, signature),
                _ => VerifyWithHash(signer, family, hashOid is null ? digest : CmsDigest.FromOid(hashOid), hashOid, digest, signedAttributes, contentDigest, signature),
            };
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException or InvalidOperationException
            or CryptoException or SecurityUtilityException)
        {
            // A malformed key or signature encoding is a signature that does not verify, not a fault of the validator.
            return new(SignatureValueStatus.Invalid, $"the {family} signature value could not be verified: {e.Message}");
        }
    }

    /// <summary>
    /// Whether <paramref name="signatureAlgorithmOid"/> signs the content itself, not a digest of it, when a SignerInfo
    /// has no signed attributes: PureEdDSA (RFC 8419 3.1; HashEdDSA is not used with CMS). The caller then passes the
    /// content to <see cref="Verify"/> instead of digesting it.
    /// </summary>
    /// <param name="signatureAlgorithmOid">The SignerInfo's signatureAlgorithm OID.</param>
    public static bool SignsContentItself(string signatureAlgorithmOid) => signatureAlgorithmOid is Ed25519 or Ed448;

    /// <summary>The family of a signature algorithm and the hash OID it names, if it names one.</summary>
    private static (Family Family, string? HashOid)? Classify(string oid) => oid switch
    {
        RsaEncryption => (Family.RsaPkcs1, null),
        "1.2.840.113549.1.1.5" => (Family.RsaPkcs1, CmsDigest.Sha1Oid),
        "1.2.840.113549.1.1.11" => (Family.RsaPkcs1, CmsDigest.Sha256Oid),
        "1.2.840.113549.1.1.12" => (Family.RsaPkcs1, CmsDigest.Sha384Oid),
        "1.2.840.113549.1.1.13" => (Family.RsaPkcs1, CmsDigest.Sha512Oid),
        "1.2.840.113549.1.1.14" => (Family.RsaPkcs1, "2.16.840.1.101.3.4.2.4"), // SHA-224: named, then reported unsupported
        "2.16.840.1.101.3.4.3.13" => (Family.RsaPkcs1, "2.16.840.1.101.3.4.2.7"),
        "2.16.840.1.101.3.4.3.14" => (Family.RsaPkcs1, CmsDigest.Sha3_256Oid),
        "2.16.840.1.101.3.4.3.15" => (Family.RsaPkcs1, CmsDigest.Sha3_384Oid),
        "2.16.840.1.101.3.4.3.16" => (Family.RsaPkcs1, CmsDigest.Sha3_512Oid),
        RsaPss => (Family.RsaPss, null),
        EcPublicKey => (Family.Ecdsa, null),
        "1.2.840.10045.4.1" => (Family.Ecdsa, CmsDigest.Sha1Oid),
        "1.2.840.10045.4.3.1" => (Family.Ecdsa, "2.16.840.1.101.3.4.2.4"),
        "1.2.840.10045.4.3.2" => (Family.Ecdsa, CmsDigest.Sha256Oid),
        "1.2.840.10045.4.3.3" => (Family.Ecdsa, CmsDigest.Sha384Oid),
        "1.2.840.10045.4.3.4" => (Family.Ecdsa, CmsDigest.Sha512Oid),
        "2.16.840.1.101.3.4.3.9" => (Family.Ecdsa, "2.16.840.1.101.3.4.2.7"),
        "2.16.840.1.101.3.4.3.10" => (Family.Ecdsa, CmsDigest.Sha3_256Oid),
        "2.16.840.1.101.3.4.3.11" => (Family.Ecdsa, CmsDigest.Sha3_384Oid),
        "2.16.840.1.101.3.4.3.12" => (Family.Ecdsa, CmsDigest.Sha3_512Oid),

        // BSI TR-03111 ecdsa-plain-signatures: the value is r‖s, which .NET calls IEEE P1363.
        PlainEcdsaArc + "1" => (Family.PlainEcdsa, CmsDigest.Sha1Oid),
        PlainEcdsaArc + "2" => (Family.PlainEcdsa, "2.16.840.1.101.3.4.2.4"),
        PlainEcdsaArc + "3" => (Family.PlainEcdsa, CmsDigest.Sha256Oid),
        PlainEcdsaArc + "4" => (Family.PlainEcdsa, CmsDigest.Sha384Oid),
        PlainEcdsaArc + "5" => (Family.PlainEcdsa, CmsDigest.Sha512Oid),
        PlainEcdsaArc + "9" => (Family.PlainEcdsa, CmsDigest.Sha3_256Oid),
        PlainEcdsaArc + "10" => (Family.PlainEcdsa, CmsDigest.Sha3_384Oid),
        PlainEcdsaArc + "11" => (Family.PlainEcdsa, CmsDigest.Sha3_512Oid),
        Dsa => (Family.Dsa, null),
        "1.2.840.10040.4.3" => (Family.Dsa, CmsDigest.Sha1Oid),
        "2.16.840.1.101.3.4.3.1" => (Family.Dsa, "2.16.840.1.101.3.4.2.4"),
        "2.16.840.1.101.3.4.3.2" => (Family.Dsa, CmsDigest.Sha256Oid),
        "2.16.840.1.101.3.4.3.3" => (Family.Dsa, CmsDigest.Sha384Oid),
        "2.16.840.1.101.3.4.3.4" => (Family.Dsa, CmsDigest.Sha512Oid),
        "2.16.840.1.101.3.4.3.6" => (Family.Dsa, CmsDigest.Sha3_256Oid),
        "2.16.840.1.101.3.4.3.7" => (Family.Dsa, CmsDigest.Sha3_384Oid),
        "2.16.840.1.101.3.4.3.8" => (Family.Dsa, CmsDigest.Sha3_512Oid),
        Ed25519 => (Family.Ed25519, null),
        Ed448 => (Family.Ed448, null),
        _ => null,
    };

    private static SignatureValueResult VerifyWithHash(
        X509Certificate2 signer,
        Family family,
        CmsDigest? hash,
        string? hashOid,
        CmsDigest digest,
        byte[]? signedAttributes,
        ReadOnlySpan<byte> contentDigest,
        byte[] signature)
    {
        if (hash?.HashAlgorithm is not { } hashName)
        {
            return Unsupported($"{family} with the hash {hashOid ?? digest.Oid} is not supported");
        }

        byte[] toVerify;
        if (signedAttributes is not null)
        {
            toVerify = hash.Hash(signedAttributes);
        }
        else if (hash.Oid == digest.Oid)
        {
            toVerify = contentDigest.ToArray();
        }
        else
        {
            return Unsupported($"{family} with {hash.Name} over content digested with {digest.Name} (no signed attributes) cannot be checked");
        }

        // Keys come from the process-wide cache: decoding them costs more than verifying, and they must not be disposed.
        AsymmetricAlgorithm? key;
        try
        {
            key = SharedCertificates.PublicKey(signer);
        }
        catch (CryptographicException e)
        {
            // E.g. an EC key on a curve the platform does not know: nothing can be said about the value.
            return Unsupported($"the signer's public key ({signer.PublicKey.Oid.FriendlyName ?? signer.PublicKey.Oid.Value}) cannot be used here: {e.Message}");
        }

        bool ok;
        switch (family)
        {
            case Family.RsaPkcs1:
                if (key is not RSA rsa)
                {
                    return KeyMismatch("RSA", signer);
                }

                ok = rsa.VerifyHash(toVerify, signature, hashName, RSASignaturePadding.Pkcs1);
                break;
            case Family.Ecdsa or Family.PlainEcdsa:
                if (key is not ECDsa ecdsa)
                {
                    return KeyMismatch("ECDSA", signer);
                }

                ok = ecdsa.VerifyHash(toVerify, signature, family == Family.PlainEcdsa
                    ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation
                    : DSASignatureFormat.Rfc3279DerSequence);
                break;
            default:
                if (key is not DSA dsa)
                {
                    return KeyMismatch("DSA", signer);
                }

                ok = dsa.VerifySignature(toVerify, signature, DSASignatureFormat.Rfc3279DerSequence);
                break;
        }

        var name = family switch
        {
            Family.RsaPkcs1 => "RSA PKCS#1 v1.5",
            Family.PlainEcdsa => "plain ECDSA (r‖s)",
            _ => family.ToString().ToUpperInvariant(),
        };
        return ok
            ? new(SignatureValueStatus.Valid, $"{name} with {hash.Name}")
            : new(SignatureValueStatus.Invalid, $"the {name} signature value with {hash.Name} does not verify with the signer's public key");
    }

    /// <summary>
    /// RFC 8419 section 3: Ed25519 is used with SHA-512 and Ed448 with SHAKE256 (512-bit output) as the message digest;
    /// any other pairing is refused rather than guessed at. With signed attributes the signature is over their DER;
    /// without them (3.1) it is PureEdDSA over the content itself, so the content is streamed to the verifier. The
    /// pure mode needs the whole message before it can decide (k = H(R || A || M) is over all of it, and the library
    /// keeps what it is fed), so the content is held once in the verifier's buffer; it is never read into a second
    /// copy first. Ed448 hashes with SHAKE256 internally, with the empty context RFC 8419 prescribes.
    /// </summary>
    private static SignatureValueResult VerifyEdDsa(
        X509Certificate2 signer, Family family, CmsDigest digest, byte[]? signedAttributes, Stream? content, byte[] signature)
    {
        var name = family == Family.Ed25519 ? "Ed25519" : "Ed448";
        var allowed = family == Family.Ed25519 ? digest.Oid == CmsDigest.Sha512Oid : digest.IsShake256;
        if (!allowed)
        {
            return Unsupported($"{name} with the message digest {digest.Name} is forbidden (RFC 8419: {(family == Family.Ed25519 ? "SHA-512" : "SHAKE256")})");
        }

        if (signedAttributes is null && content is null)
        {
            return Unsupported($"{name} without signed attributes signs the whole content, which was not given to the verifier");
        }

        var key = PublicKeyFactory.CreateKey(signer.PublicKey.ExportSubjectPublicKeyInfo());
        ISigner? verifier = key switch
        {
            Ed25519PublicKeyParameters when family == Family.Ed25519 => new Ed25519Signer(),
            Ed448PublicKeyParameters when family == Family.Ed448 => new Ed448Signer([]),
            _ => null,
        };
        if (verifier is null)
        {
            return KeyMismatch(name, signer);
        }

        verifier.Init(false, key);
        if (signedAttributes is not null)
        {
            verifier.BlockUpdate(signedAttributes, 0, signedAttributes.Length);
        }
        else
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ContentChunkBytes);
            try
            {
                int read;
                while ((read = content!.Read(buffer, 0, ContentChunkBytes)) > 0)
                {
                    verifier.BlockUpdate(buffer, 0, read);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        var over = signedAttributes is null ? "over the content (no signed attributes)" : $"with {digest.Name}";
        return verifier.VerifySignature(signature)
            ? new(SignatureValueStatus.Valid, $"{name} {over}")
            : new(SignatureValueStatus.Invalid, $"the {name} signature value {over} does not verify with the signer's public key");
    }

    /// <summary>
    /// RSASSA-PSS (RFC 4055): .NET verifies only the pairing MGF1 hash = message hash with salt = hash length; any
    /// other salt length or MGF1 hash goes through BouncyCastle's PSS verifier over the same message hash.
    /// </summary>
    private static SignatureValueResult VerifyPss(
        X509Certificate2 signer,
        CmsDigest digest,
        ReadOnlyMemory<byte>? parameters,
        byte[]? signedAttributes,
        ReadOnlySpan<byte> contentDigest,
        byte[] signature)
    {
        var pss = PssParameters.Read(parameters);
        if (pss.Problem is { } problem)
        {
            return Unsupported("RSASSA-PSS " + problem);
        }

        if (CmsDigest.FromOid(pss.HashOid) is not { HashAlgorithm: { } hashName } hash || CmsDigest.FromOid(pss.MgfHashOid) is not { HashAlgorithm: not null } mgfHash)
        {
            return Unsupported($"RSASSA-PSS with the hash {pss.HashOid} and MGF1 hash {pss.MgfHashOid} is not supported");
        }

        byte[] messageHash;
        if (signedAttributes is not null)
        {
            messageHash = hash.Hash(signedAttributes);
        }
        else if (hash.Oid == digest.Oid)
        {
            messageHash = contentDigest.ToArray();
        }
        else
        {
            return Unsupported($"RSASSA-PSS with {hash.Name} over content digested with {digest.Name} (no signed attributes) cannot be checked");
        }

        if (SharedCertificates.PublicKey(signer) is not RSA rsa)
        {
            return KeyMismatch("RSASSA-PSS", signer);
        }

        var description = $"RSASSA-PSS with {hash.Name}, MGF1 {mgfHash.Name}, salt {pss.SaltLength}";
        bool ok;
        if (mgfHash.Oid == hash.Oid && pss.SaltLength == hash.Length)
        {
            ok = rsa.VerifyHash(messageHash, signature, hashName, RSASignaturePadding.Pss);
        }
        else
        {
            var publicKey = rsa.ExportParameters(false);
            var key = new RsaKeyParameters(false, new Org.BouncyCastle.Math.BigInteger(1, publicKey.Modulus), new Org.BouncyCastle.Math.BigInteger(1, publicKey.Exponent));
            var verifier = PssSigner.CreateRawSigner(new RsaEngine(), BouncyDigest(hash), BouncyDigest(mgfHash), pss.SaltLength, PssSigner.TrailerImplicit);
            verifier.Init(false, key);
            verifier.BlockUpdate(messageHash, 0, messageHash.Length);
            ok = verifier.VerifySignature(signature);
        }

        return ok
            ? new(SignatureValueStatus.Valid, description)
            : new(SignatureValueStatus.Invalid, $"the {description} signature value does not verify with the signer's public key");
    }

    /// <summary>BouncyCastle names digests as we do ("SHA-256", "SHA3-256").</summary>
    private static IDigest BouncyDigest(CmsDigest digest) => DigestUtilities.GetDigest(digest.Name);

    private static SignatureValueResult KeyMismatch(string algorithm, X509Certificate2 signer) =>
        new(SignatureValueStatus.Invalid, $"the signature algorithm is {algorithm} but the signer's certificate holds a {signer.PublicKey.Oid.FriendlyName ?? signer.PublicKey.Oid.Value} key");

    private static SignatureValueResult Unsupported(string detail) => new(SignatureValueStatus.Unsupported, detail);

    /// <summary>
    /// <code>
    /// RSASSA-PSS-params ::= SEQUENCE {
    ///   hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
    ///   saltLength [2] INTEGER DEFAULT 20, trailerField [3] TrailerField DEFAULT trailerFieldBC }   -- RFC 4055
    /// </code>
    /// </summary>
    private sealed record PssParameters(string HashOid, string MgfHashOid, int SaltLength, string? Problem)
    {
        public static PssParameters Read(ReadOnlyMemory<byte>? encoded)
        {
            var hash = CmsDigest.Sha1Oid;
            var mgfHash = CmsDigest.Sha1Oid;
            var salt = 20;
            if (encoded is not { } parameters || IsNull(parameters))
            {
                return new(hash, mgfHash, salt, null);
            }

            var sequence = new AsnReader(parameters, AsnEncodingRules.BER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                var field = sequence.ReadSequence(tag);
                switch (tag.TagValue)
                {
                    case 0:
                        hash = field.ReadSequence().ReadObjectIdentifier();
                        break;
                    case 1:
                        var mgf = field.ReadSequence();
                        if (mgf.ReadObjectIdentifier() != Mgf1)
                        {
                            return new(hash, mgfHash, salt, "with a mask generation function other than MGF1");
                        }

                        mgfHash = mgf.ReadSequence().ReadObjectIdentifier();
                        break;
                    case 2:
                        if (!field.TryReadInt32(out salt) || salt < 0 || salt > 1024)
                        {
                            return new(hash, mgfHash, salt, "with an unreasonable salt length");
                        }

                        break;
                    case 3:
                        if (!field.TryReadInt32(out var trailer) || trailer != 1)
                        {
                            return new(hash, mgfHash, salt, "with a trailer field other than 0xBC");
                        }

                        break;
                }
            }

            return new(hash, mgfHash, salt, null);
        }

        private static bool IsNull(ReadOnlyMemory<byte> parameters) => parameters.Length == 2 && parameters.Span[0] == 0x05 && parameters.Span[1] == 0;
    }
}
