using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Asn1;

/// <summary>
/// The signature algorithms we produce and accept, mapped between OIDs and .NET calls in one place.
/// </summary>
internal static class SignatureAlgorithms
{
    internal const string RsaEncryption = "1.2.840.113549.1.1.1";
    internal const string Sha1WithRsa = "1.2.840.113549.1.1.5";
    internal const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    internal const string Sha384WithRsa = "1.2.840.113549.1.1.12";
    internal const string Sha512WithRsa = "1.2.840.113549.1.1.13";
    internal const string EcPublicKey = "1.2.840.10045.2.1";
    internal const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    internal const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    internal const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";

    internal const string Sha1 = "1.3.14.3.2.26";
    internal const string Sha256 = "2.16.840.1.101.3.4.2.1";
    internal const string Sha384 = "2.16.840.1.101.3.4.2.2";
    internal const string Sha512 = "2.16.840.1.101.3.4.2.3";

    internal static string DigestOid(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA1" => Sha1,
        "SHA256" => Sha256,
        "SHA384" => Sha384,
        "SHA512" => Sha512,
        _ => throw new CryptographicException($"Digest algorithm {hash.Name} is not supported."),
    };

    internal static HashAlgorithmName DigestFromOid(string oid) => oid switch
    {
        Sha1 => HashAlgorithmName.SHA1,
        Sha256 => HashAlgorithmName.SHA256,
        Sha384 => HashAlgorithmName.SHA384,
        Sha512 => HashAlgorithmName.SHA512,
        _ => throw new CryptographicException($"Digest algorithm OID {oid} is not supported."),
    };

    internal static bool TryDigestFromOid(string oid, out HashAlgorithmName hash)
    {
        hash = oid switch
        {
            Sha1 => HashAlgorithmName.SHA1,
            Sha256 => HashAlgorithmName.SHA256,
            Sha384 => HashAlgorithmName.SHA384,
            Sha512 => HashAlgorithmName.SHA512,
            _ => default,
        };
        return hash.Name is not null;
    }

    /// <summary>The OID of the signature algorithm that <paramref name="key"/> produces with <paramref name="hash"/>.</summary>
    internal static string SignatureOid(AsymmetricAlgorithm key, HashAlgorithmName hash) => key switch
    {
        RSA => hash.Name switch
        {
            "SHA256" => Sha256WithRsa,
            "SHA384" => Sha384WithRsa,
            "SHA512" => Sha512WithRsa,
            _ => throw new CryptographicException($"RSA with {hash.Name} is not supported."),
        },
        ECDsa => hash.Name switch
        {
            "SHA256" => EcdsaWithSha256,
            "SHA384" => EcdsaWithSha384,
            "SHA512" => EcdsaWithSha512,
            _ => throw new CryptographicException($"ECDSA with {hash.Name} is not supported."),
        },
        _ => throw new CryptographicException($"Key type {key.GetType().Name} is not supported; use RSA or ECDsa."),
    };

    /// <summary>Signs <paramref name="data"/> and returns the value as it goes into a BIT STRING or CMS OCTET STRING.</summary>
    internal static byte[] Sign(AsymmetricAlgorithm key, HashAlgorithmName hash, ReadOnlySpan<byte> data) => key switch
    {
        RSA rsa => rsa.SignData(data.ToArray(), hash, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => ecdsa.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence),
        _ => throw new CryptographicException($"Key type {key.GetType().Name} is not supported; use RSA or ECDsa."),
    };

    /// <summary>Writes <c>AlgorithmIdentifier</c> for a signature algorithm (NULL parameters for RSA, absent for ECDSA per RFC 5758).</summary>
    internal static void WriteSignatureAlgorithm(AsnWriter writer, string oid)
    {
        // AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL }
        writer.PushSequence();
        writer.WriteObjectIdentifier(oid);
        if (oid is RsaEncryption or Sha256WithRsa or Sha384WithRsa or Sha512WithRsa or Sha1WithRsa)
        {
            writer.WriteNull();
        }

        writer.PopSequence();
    }

    /// <summary>Writes <c>AlgorithmIdentifier</c> for a digest algorithm with absent parameters (RFC 5754 preferred form).</summary>
    internal static void WriteDigestAlgorithm(AsnWriter writer, HashAlgorithmName hash)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(DigestOid(hash));
        writer.PopSequence();
    }

    /// <summary>Reads <c>AlgorithmIdentifier</c> and returns its OID, skipping any parameters.</summary>
    internal static string ReadAlgorithmOid(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var oid = seq.ReadObjectIdentifier();
        if (seq.HasData)
        {
            seq.ReadEncodedValue();
        }

        seq.ThrowIfNotEmpty();
        return oid;
    }

    /// <summary>Verifies a signature made with the algorithm <paramref name="algorithmOid"/> by the key in <paramref name="signer"/>.</summary>
    internal static bool Verify(string algorithmOid, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature, X509Certificate2 signer)
    {
        using var rsa = IsRsa(algorithmOid) ? signer.GetRSAPublicKey() : null;
        using var ecdsa = IsEcdsa(algorithmOid) ? signer.GetECDsaPublicKey() : null;
        AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)rsa ?? ecdsa;
        return key is not null && Verify(algorithmOid, signedData, signature, key);
    }

    /// <summary>
    /// Verifies with a public key the caller already holds: loading a key from a certificate costs more than
    /// the verification itself, so callers that have one should not load it again.
    /// </summary>
    internal static bool Verify(string algorithmOid, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature, AsymmetricAlgorithm publicKey)
    {
        switch (publicKey)
        {
            case RSA rsa when IsRsa(algorithmOid):
                return rsa.VerifyData(signedData, signature, algorithmOid switch
                {
                    Sha1WithRsa => HashAlgorithmName.SHA1,
                    Sha256WithRsa => HashAlgorithmName.SHA256,
                    Sha384WithRsa => HashAlgorithmName.SHA384,
                    _ => HashAlgorithmName.SHA512,
                }, RSASignaturePadding.Pkcs1);
            case ECDsa ecdsa when IsEcdsa(algorithmOid):
                return ecdsa.VerifyData(signedData, signature, algorithmOid switch
                {
                    EcdsaWithSha256 => HashAlgorithmName.SHA256,
                    EcdsaWithSha384 => HashAlgorithmName.SHA384,
                    _ => HashAlgorithmName.SHA512,
                }, DSASignatureFormat.Rfc3279DerSequence);
            default:
                return false;
        }
    }

    private static bool IsRsa(string algorithmOid) => algorithmOid is Sha1WithRsa or Sha256WithRsa or Sha384WithRsa or Sha512WithRsa;

    private static bool IsEcdsa(string algorithmOid) => algorithmOid is EcdsaWithSha256 or EcdsaWithSha384 or EcdsaWithSha512;
}
