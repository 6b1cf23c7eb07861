using System.Security.Cryptography;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

/// <summary>
/// An <see cref="ECDsa"/> whose signatures are made on the token (CKM_ECDSA), so a token key
/// plugs into CmsSigner and CertificateRequest. DER output comes from the raw r||s through
/// one converter. The private key cannot be exported, imported or generated here.
/// </summary>
public sealed class Pkcs11ECDsa : ECDsa
{
    private readonly ECDsa _publicKey;

    /// <summary>Wraps an EC token key.</summary>
    public Pkcs11ECDsa(Pkcs11PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeyType != Pkcs11KeyType.Ec)
        {
            throw new ArgumentException($"Key '{key.Label}' is not an EC key.", nameof(key));
        }

        Key = key;
        _publicKey = ECDsa.Create(key.ExportEcPublicParameters());
        KeySizeValue = key.KeySizeInBits;
        LegalKeySizesValue = [new KeySizes(key.KeySizeInBits, key.KeySizeInBits, 0)];
    }

    /// <summary>The token key behind this instance.</summary>
    public Pkcs11PrivateKey Key { get; }

    /// <inheritdoc/>
    public override ECParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException($"The private key '{Key.Label}' stays on the token (CKA_SENSITIVE, not extractable); only the public key can be exported.")
        : _publicKey.ExportParameters(false);

    /// <inheritdoc/>
    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException($"The private key '{Key.Label}' stays on the token; only the public key can be exported.")
        : _publicKey.ExportExplicitParameters(false);

    /// <inheritdoc/>
    public override void ImportParameters(ECParameters parameters) =>
        throw new CryptographicException($"Pkcs11ECDsa is bound to token key '{Key.Label}'; importing other parameters is not possible.");

    /// <inheritdoc/>
    public override void GenerateKey(ECCurve curve) =>
        throw new CryptographicException("Token keys are generated with Pkcs11Token.GenerateKeyPair, not through ECDsa.GenerateKey.");

    /// <inheritdoc/>
    public override byte[] SignHash(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var signature = new byte[Key.SignatureSize];
        var written = Key.SignEcdsa(hash, signature);
        return written == signature.Length ? signature : signature[..written];
    }

    /// <inheritdoc/>
    public override bool TrySignHash(ReadOnlySpan<byte> hash, Span<byte> destination, out int bytesWritten) =>
        TrySignHashCore(hash, destination, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out bytesWritten);

    /// <inheritdoc/>
    protected override bool TrySignHashCore(ReadOnlySpan<byte> hash, Span<byte> destination,
        DSASignatureFormat signatureFormat, out int bytesWritten)
    {
        if (signatureFormat == DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        {
            if (destination.Length < Key.SignatureSize)
            {
                bytesWritten = 0;
                return false;
            }

            bytesWritten = Key.SignEcdsa(hash, destination);
            return true;
        }

        if (signatureFormat != DSASignatureFormat.Rfc3279DerSequence)
        {
            throw new CryptographicException($"Signature format {signatureFormat} is not supported.");
        }

        Span<byte> raw = stackalloc byte[Key.SignatureSize];
        var rawLength = Key.SignEcdsa(hash, raw);
        return EcdsaSignatureConverter.TryRawToDer(raw[..rawLength], destination, out bytesWritten);
    }

    /// <inheritdoc/>
    public override bool VerifyHash(byte[] hash, byte[] signature) => _publicKey.VerifyHash(hash, signature);

    /// <inheritdoc/>
    public override bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature) => _publicKey.VerifyHash(hash, signature);

    /// <inheritdoc/>
    protected override bool VerifyHashCore(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, DSASignatureFormat signatureFormat) =>
        _publicKey.VerifyHash(hash, signature, signatureFormat);

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
