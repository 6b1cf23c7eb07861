using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Signing.Pki.Cms;

/// <summary>
/// A message-digest algorithm of a CMS SignerInfo (RFC 5652 <c>DigestAlgorithmIdentifier</c>) that this service can
/// compute: SHA-1, the SHA-2 family from SHA-256 up, SHA-3 (FIPS 202) and SHAKE256 with a 512-bit output, which
/// RFC 8419 prescribes for Ed448. SHA-224, SHA3-224, RIPEMD-160 and others are not offered by the platform and stay
/// unknown; a validator reports them as a cryptographic constraint it cannot judge, never as a wrong signature.
/// </summary>
public sealed class CmsDigest
{
    /// <summary>id-sha1.</summary>
    public const string Sha1Oid = "1.3.14.3.2.26";

    /// <summary>id-sha256.</summary>
    public const string Sha256Oid = "2.16.840.1.101.3.4.2.1";

    /// <summary>id-sha384.</summary>
    public const string Sha384Oid = "2.16.840.1.101.3.4.2.2";

    /// <summary>id-sha512.</summary>
    public const string Sha512Oid = "2.16.840.1.101.3.4.2.3";

    /// <summary>id-sha3-256.</summary>
    public const string Sha3_256Oid = "2.16.840.1.101.3.4.2.8";

    /// <summary>id-sha3-384.</summary>
    public const string Sha3_384Oid = "2.16.840.1.101.3.4.2.9";

    /// <summary>id-sha3-512.</summary>
    public const string Sha3_512Oid = "2.16.840.1.101.3.4.2.10";

    /// <summary>id-shake256 (RFC 8702), used with a 512-bit output.</summary>
    public const string Shake256Oid = "2.16.840.1.101.3.4.2.12";

    /// <summary>id-shake256-len (RFC 8419): SHAKE256 whose output length in bits is the parameter.</summary>
    public const string Shake256LenOid = "2.16.840.1.101.3.4.2.18";

    private const int Shake256OutputBytes = 64;

    private CmsDigest(string oid, string name, int length, HashAlgorithmName? hashAlgorithm)
    {
        Oid = oid;
        Name = name;
        Length = length;
        HashAlgorithm = hashAlgorithm;
    }

    /// <summary>The OID as it appears in the SignerInfo.</summary>
    public string Oid { get; }

    /// <summary>A readable name, e.g. <c>SHA3-256</c>.</summary>
    public string Name { get; }

    /// <summary>The output length in bytes.</summary>
    public int Length { get; }

    /// <summary>The .NET name for RSA/ECDSA/DSA calls; null for SHAKE256, which no .NET signature API takes.</summary>
    public HashAlgorithmName? HashAlgorithm { get; }

    /// <summary>Whether this is SHAKE256 (the only digest Ed448 may be used with).</summary>
    public bool IsShake256 => HashAlgorithm is null;

    /// <summary>
    /// The digest algorithm named by <paramref name="oid"/> (with its <paramref name="parameters"/>, which only
    /// id-shake256-len reads), or null when unknown or not offered by the platform's cryptography.
    /// </summary>
    /// <param name="oid">The digest algorithm OID.</param>
    /// <param name="parameters">The DER parameters of the AlgorithmIdentifier, if any.</param>
    public static CmsDigest? FromOid(string? oid, ReadOnlyMemory<byte>? parameters = null) => oid switch
    {
        Sha1Oid => new(Sha1Oid, "SHA-1", 20, HashAlgorithmName.SHA1),
        Sha256Oid => new(Sha256Oid, "SHA-256", 32, HashAlgorithmName.SHA256),
        Sha384Oid => new(Sha384Oid, "SHA-384", 48, HashAlgorithmName.SHA384),
        Sha512Oid => new(Sha512Oid, "SHA-512", 64, HashAlgorithmName.SHA512),
        Sha3_256Oid when SHA3_256.IsSupported => new(Sha3_256Oid, "SHA3-256", 32, HashAlgorithmName.SHA3_256),
        Sha3_384Oid when SHA3_384.IsSupported => new(Sha3_384Oid, "SHA3-384", 48, HashAlgorithmName.SHA3_384),
        Sha3_512Oid when SHA3_512.IsSupported => new(Sha3_512Oid, "SHA3-512", 64, HashAlgorithmName.SHA3_512),
        Shake256Oid when Shake256.IsSupported => new(Shake256Oid, "SHAKE256", Shake256OutputBytes, null),
        Shake256LenOid when Shake256.IsSupported && ShakeOutputBits(parameters) == Shake256OutputBytes * 8 =>
            new(Shake256LenOid, "SHAKE256", Shake256OutputBytes, null),
        _ => null,
    };

    /// <summary>The digest algorithm for a .NET hash name (SHA-1, SHA-2 or SHA-3).</summary>
    /// <param name="hash">The hash.</param>
    public static CmsDigest? FromHashAlgorithm(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA1" => FromOid(Sha1Oid),
        "SHA256" => FromOid(Sha256Oid),
        "SHA384" => FromOid(Sha384Oid),
        "SHA512" => FromOid(Sha512Oid),
        "SHA3-256" => FromOid(Sha3_256Oid),
        "SHA3-384" => FromOid(Sha3_384Oid),
        "SHA3-512" => FromOid(Sha3_512Oid),
        _ => null,
    };

    /// <summary>Digests <paramref name="data"/> in one call.</summary>
    /// <param name="data">The data.</param>
    public byte[] Hash(ReadOnlySpan<byte> data) => HashAlgorithm is { } hash
        ? CryptographicOperations.HashData(hash, data)
        : Shake256.HashData(data, Length);

    /// <summary>Starts an incremental digest, for content that is streamed.</summary>
    public IncrementalDigest CreateIncremental() => new(this);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>ShakeOutputLen ::= INTEGER -- output length in bits (RFC 8419 section 2.3); -1 when absent or malformed.</summary>
    private static int ShakeOutputBits(ReadOnlyMemory<byte>? parameters)
    {
        if (parameters is not { } encoded)
        {
            return -1;
        }

        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.DER);
            return reader.TryReadInt32(out var bits) && !reader.HasData ? bits : -1;
        }
        catch (AsnContentException)
        {
            return -1;
        }
    }

    /// <summary>An incremental digest over streamed data; SHAKE256 has no <see cref="IncrementalHash"/>, hence this wrapper.</summary>
    public sealed class IncrementalDigest : IDisposable
    {
        private readonly CmsDigest algorithm;
        private readonly IncrementalHash? hash;
        private readonly Shake256? shake;

        internal IncrementalDigest(CmsDigest algorithm)
        {
            this.algorithm = algorithm;
            if (algorithm.HashAlgorithm is { } name)
            {
                hash = IncrementalHash.CreateHash(name);
            }
            else
            {
                shake = new Shake256();
            }
        }

        /// <summary>Adds data.</summary>
        /// <param name="data">The next bytes.</param>
        public void Append(ReadOnlySpan<byte> data)
        {
            if (hash is not null)
            {
                hash.AppendData(data);
            }
            else
            {
                shake!.AppendData(data);
            }
        }

        /// <summary>The digest of everything appended; the object then starts over.</summary>
        public byte[] Finish() => hash is not null ? hash.GetHashAndReset() : shake!.GetHashAndReset(algorithm.Length);

        /// <inheritdoc/>
        public void Dispose()
        {
            hash?.Dispose();
            shake?.Dispose();
        }
    }
}
