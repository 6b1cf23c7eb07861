using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80.MechanismParams;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

/// <summary>
/// A private key that stays on its token. Signing methods take a hash and write the signature
/// into a caller-provided span; they are safe to call from many threads at once (each call
/// rents its own session). The public half is read once, when the key is opened.
/// </summary>
public sealed class Pkcs11PrivateKey
{
    private readonly byte[] _id;
    private readonly RSAParameters _rsaPublic;
    private readonly ECParameters _ecPublic;
    private KeyHandle? _handle;

    private Pkcs11PrivateKey(Pkcs11Token token, string label, byte[] id, Pkcs11KeyType keyType, int keySizeInBits,
        int signatureSize, RSAParameters rsaPublic, ECParameters ecPublic, ulong handle, int generation)
    {
        Token = token;
        Label = label;
        _id = id;
        KeyType = keyType;
        KeySizeInBits = keySizeInBits;
        SignatureSize = signatureSize;
        _rsaPublic = rsaPublic;
        _ecPublic = ecPublic;
        _handle = new KeyHandle(generation, handle);
    }

    /// <summary>The token holding the key.</summary>
    public Pkcs11Token Token { get; }

    /// <summary>CKA_LABEL.</summary>
    public string Label { get; }

    /// <summary>CKA_ID.</summary>
    public ReadOnlySpan<byte> Id => _id;

    /// <summary>RSA or EC.</summary>
    public Pkcs11KeyType KeyType { get; }

    /// <summary>Modulus bits (RSA) or curve order bits (EC).</summary>
    public int KeySizeInBits { get; }

    /// <summary>Signature length in bytes: the modulus length (RSA) or r||s (EC).</summary>
    public int SignatureSize { get; }

    /// <summary>A URI naming this key.</summary>
    public Pkcs11Uri Uri => new()
    {
        Token = Token.Label,
        Serial = Token.Label is null ? Token.SerialNumber : null,
        Object = Label,
        Id = _id.Length > 0 ? _id : null,
        Type = "private",
    };

    /// <summary>The RSA public key.</summary>
    /// <exception cref="InvalidOperationException">This is not an RSA key.</exception>
    public RSAParameters ExportRsaPublicParameters() => KeyType == Pkcs11KeyType.Rsa
        ? new RSAParameters { Modulus = (byte[])_rsaPublic.Modulus!.Clone(), Exponent = (byte[])_rsaPublic.Exponent!.Clone() }
        : throw new InvalidOperationException($"Key '{Label}' is an EC key, not RSA.");

    /// <summary>The EC public key (named curve and Q).</summary>
    /// <exception cref="InvalidOperationException">This is not an EC key.</exception>
    public ECParameters ExportEcPublicParameters() => KeyType == Pkcs11KeyType.Ec
        ? new ECParameters { Curve = _ecPublic.Curve, Q = new ECPoint { X = (byte[])_ecPublic.Q.X!.Clone(), Y = (byte[])_ecPublic.Q.Y!.Clone() } }
        : throw new InvalidOperationException($"Key '{Label}' is an RSA key, not EC.");

    /// <summary>The DER SubjectPublicKeyInfo of the public half.</summary>
    public byte[] ExportSubjectPublicKeyInfo()
    {
        using var publicKey = CreatePublicKey();
        return publicKey.ExportSubjectPublicKeyInfo();
    }

    /// <summary>A software key holding only the public half, for verification.</summary>
    public AsymmetricAlgorithm CreatePublicKey() => KeyType == Pkcs11KeyType.Rsa
        ? RSA.Create(ExportRsaPublicParameters())
        : ECDsa.Create(ExportEcPublicParameters());

    /// <summary>The key as a .NET <see cref="RSA"/> (<see cref="Pkcs11Rsa"/>) or <see cref="ECDsa"/> (<see cref="Pkcs11ECDsa"/>).</summary>
    public AsymmetricAlgorithm CreateAsymmetricAlgorithm() =>
        KeyType == Pkcs11KeyType.Rsa ? new Pkcs11Rsa(this) : new Pkcs11ECDsa(this);

    /// <summary>RSASSA-PKCS1-v1_5 (CKM_RSA_PKCS over a DigestInfo) of <paramref name="hash"/>.</summary>
    /// <returns>The number of bytes written, <see cref="SignatureSize"/>.</returns>
    public int SignRsaPkcs1(ReadOnlySpan<byte> hash, HashAlgorithmName hashAlgorithm, Span<byte> destination)
    {
        RequireType(Pkcs11KeyType.Rsa);
        Span<byte> digestInfo = stackalloc byte[DigestInfoEncoder.MaxLength];
        var length = DigestInfoEncoder.Encode(hashAlgorithm, hash, digestInfo);
        return Token.Sign(this, CKM.CKM_RSA_PKCS, null, digestInfo[..length], destination);
    }

    /// <summary>RSASSA-PSS (CKM_RSA_PKCS_PSS) of <paramref name="hash"/>, MGF1 with the same hash, salt as long as the hash.</summary>
    /// <returns>The number of bytes written, <see cref="SignatureSize"/>.</returns>
    public int SignRsaPss(ReadOnlySpan<byte> hash, HashAlgorithmName hashAlgorithm, Span<byte> destination)
    {
        RequireType(Pkcs11KeyType.Rsa);
        var (_, hashLength) = DigestInfoEncoder.Describe(hashAlgorithm);
        if (hash.Length != hashLength)
        {
            throw new CryptographicException($"A {hashAlgorithm.Name} hash is {hashLength} bytes; {hash.Length} were given.");
        }

        var (hashMechanism, mgf) = hashAlgorithm.Name switch
        {
            "SHA256" => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256),
            "SHA384" => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384),
            _ => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512),
        };
        var parameters = new CK_RSA_PKCS_PSS_PARAMS
        {
            HashAlg = (ulong)hashMechanism,
            Mgf = (ulong)mgf,
            Len = (ulong)hashLength,
        };
        return Token.Sign(this, CKM.CKM_RSA_PKCS_PSS, parameters, hash, destination);
    }

    /// <summary>ECDSA (CKM_ECDSA) of <paramref name="hash"/>; writes r||s (IEEE P1363 format).</summary>
    /// <returns>The number of bytes written, <see cref="SignatureSize"/>.</returns>
    public int SignEcdsa(ReadOnlySpan<byte> hash, Span<byte> destination)
    {
        RequireType(Pkcs11KeyType.Ec);
        if (hash.Length is < 20 or > 64)
        {
            throw new CryptographicException($"An ECDSA input hash has 20 to 64 bytes; {hash.Length} were given.");
        }

        return Token.Sign(this, CKM.CKM_ECDSA, null, hash, destination);
    }

    /// <summary>ECDSA of <paramref name="hash"/> as a DER Ecdsa-Sig-Value (RFC 3279), the form CMS and X.509 use.</summary>
    public byte[] SignEcdsaDer(ReadOnlySpan<byte> hash)
    {
        Span<byte> raw = stackalloc byte[SignatureSize];
        var written = SignEcdsa(hash, raw);
        return EcdsaSignatureConverter.RawToDer(raw[..written]);
    }

    internal static Pkcs11PrivateKey ForRsa(Pkcs11Token token, string label, byte[] id, RSAParameters publicKey, ulong handle, int generation) =>
        new(token, label, id, Pkcs11KeyType.Rsa, publicKey.Modulus!.Length * 8, publicKey.Modulus.Length, publicKey, default, handle, generation);

    internal static Pkcs11PrivateKey ForEc(Pkcs11Token token, string label, byte[] id, ECParameters publicKey, ulong handle, int generation)
    {
        var fieldBytes = publicKey.Q.X!.Length;
        var bits = publicKey.Curve.Oid.Value == EcCurves.P521 ? 521 : fieldBytes * 8;
        return new(token, label, id, Pkcs11KeyType.Ec, bits, 2 * fieldBytes, default, publicKey, handle, generation);
    }

    // Object handles die with the module generation (and with the token's store); the key
    // is found again by class, label and CKA_ID.
    internal ulong ResolveHandle(CryptokiLibrary native, ulong session, int generation)
    {
        var cached = Volatile.Read(ref _handle);
        if (cached is not null && cached.Generation == generation)
        {
            return cached.Handle;
        }

        using var template = Pkcs11Token.TemplateFor(CKO.CKO_PRIVATE_KEY, Label, _id.Length > 0 ? _id : null);
        var handle = Pkcs11Token.FindSingle(native, session, template, $"private key {Uri}");
        Volatile.Write(ref _handle, new KeyHandle(generation, handle));
        return handle;
    }

    internal void ForgetHandle() => Volatile.Write(ref _handle, null);

    private void RequireType(Pkcs11KeyType type)
    {
        if (KeyType != type)
        {
            throw new CryptographicException($"Key '{Label}' is a {KeyType} key; this operation needs a {type} key.");
        }
    }

    private sealed record KeyHandle(int Generation, ulong Handle);
}
