using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Cms;

/// <summary>
/// A certificate's public key, decoded once per certificate object. Every signature is checked against its
/// certificate before it is assembled, and decoding the SubjectPublicKeyInfo through OpenSSL 3's decoders cost about
/// a tenth of a whole PAdES signature when done each time. The keys only verify: .NET's OpenSSL-backed RSA and ECDsa
/// never modify the key in an operation (each one gets its own EVP_PKEY_CTX), so threads can share them. A key lives
/// as long as its certificate object and must not be disposed by callers.
/// </summary>
internal static class CertificatePublicKeys
{
    private static readonly ConditionalWeakTable<X509Certificate2, AsymmetricAlgorithm> Keys = new();

    /// <summary>The RSA or ECDSA public key of <paramref name="certificate"/>.</summary>
    /// <exception cref="CryptographicException">The certificate has neither an RSA nor an ECDSA key.</exception>
    public static AsymmetricAlgorithm For(X509Certificate2 certificate) => Keys.GetValue(certificate, Decode);

    private static AsymmetricAlgorithm Decode(X509Certificate2 certificate)
        => (AsymmetricAlgorithm?)certificate.GetRSAPublicKey() ?? certificate.GetECDsaPublicKey()
            ?? throw new CryptographicException($"Certificate '{certificate.Subject}' has neither an RSA nor an ECDSA key.");
}
