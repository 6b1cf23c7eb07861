using System.Security.Cryptography;

namespace Signing.Pkcs11;

/// <summary>
/// An <see cref="RSA"/> whose private operations run on the token, so a token key plugs into
/// CmsSigner, CertificateRequest and anything else that takes an RSA. The public key is the
/// one read from the token. The private key cannot be exported or imported.
/// </summary>
public sealed class Pkcs11Rsa : RSA
{
    private readonly RSA _publicKey;

    /// <summary>Wraps an RSA token key.</summary>
    public Pkcs11Rsa(Pkcs11PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeyType != Pkcs11KeyType.Rsa)
        {
            throw new ArgumentException($"Key '{key.Label}' is not an RSA key.", nameof(key));
        }

        Key = key;
        _publicKey = RSA.Create(key.ExportRsaPublicParameters());
        KeySizeValue = key.KeySizeInBits;
        LegalKeySizesValue = [new KeySizes(key.KeySizeInBits, key.KeySizeInBits, 0)];
    }

    /// <summary>The token key behind this instance.</summary>
    public Pkcs11PrivateKey Key { get; }

    /// <inheritdoc/>
    public override RSAParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException($"The private key '{Key.Label}' stays on the token (CKA_SENSITIVE, not extractable); only the public key can be exported.")
        : _publicKey.ExportParameters(false);

    /// <inheritdoc/>
    public override void ImportParameters(RSAParameters parameters) =>
        throw new CryptographicException($"Pkcs11Rsa is bound to token key '{Key.Label}'; importing other parameters is not possible.");

    /// <inheritdoc/>
    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var signature = new byte[Key.SignatureSize];
        TrySignHash(hash, signature, hashAlgorithm, padding, out var written);
        return written == signature.Length ? signature : signature[..written];
    }

    /// <inheritdoc/>
    public override bool TrySignHash(ReadOnlySpan<byte> hash, Span<byte> destination, HashAlgorithmName hashAlgorithm,
        RSASignaturePadding padding, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (destination.Length < Key.SignatureSize)
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = padding.Mode switch
        {
            RSASignaturePaddingMode.Pkcs1 => Key.SignRsaPkcs1(hash, hashAlgorithm, destination),
            RSASignaturePaddingMode.Pss => Key.SignRsaPss(hash, hashAlgorithm, destination),
            _ => throw new CryptographicException($"RSA signature padding {padding} is not supported by token keys."),
        };
        return true;
    }

    /// <inheritdoc/>
    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _publicKey.VerifyHash(hash, signature, hashAlgorithm, padding);

    /// <inheritdoc/>
    public override bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _publicKey.VerifyHash(hash, signature, hashAlgorithm, padding);

    /// <inheritdoc/>
    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding) => _publicKey.Encrypt(data, padding);

    /// <inheritdoc/>
    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding) =>
        throw new CryptographicException($"Token key '{Key.Label}' is a signing key (CKA_DECRYPT false); decryption is not offered.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _publicKey.Dispose();
        }

        base.Dispose(disposing);
    }
}
