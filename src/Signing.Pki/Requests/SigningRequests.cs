using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Names;

namespace Signing.Pki.Requests;

/// <summary>
/// PKCS#10 certification requests (RFC 2986) for keys that never leave their token: the key signs the request
/// itself through the .NET <see cref="RSA"/> / <see cref="ECDsa"/> it is exposed as. RSA keys sign with SHA-256 and
/// PKCS#1 v1.5, as the GCC issues; EC keys with SHA-256, or SHA-384 above 256 bits.
/// </summary>
public static class SigningRequests
{
    /// <summary>A request for <paramref name="subject"/>'s name and <paramref name="key"/>'s public key, signed by the key.</summary>
    /// <exception cref="ArgumentException">The key is neither RSA nor EC.</exception>
    public static byte[] Create(SubjectName subject, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return RequestFor(subject.ToX500(), key).CreateSigningRequest();
    }

    /// <summary>The same request, PEM-encoded (<c>-----BEGIN CERTIFICATE REQUEST-----</c>).</summary>
    public static string CreatePem(SubjectName subject, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return RequestFor(subject.ToX500(), key).CreateSigningRequestPem();
    }

    /// <summary>Reads a PEM or DER request and checks its self-signature; returns the request.</summary>
    /// <exception cref="CryptographicException">The request is malformed or its signature does not verify.</exception>
    public static CertificateRequest Load(ReadOnlySpan<byte> pemOrDer)
    {
        var text = System.Text.Encoding.ASCII.GetString(pemOrDer.Length > 64 * 1024 ? throw new CryptographicException("A certification request is at most 64 KiB.") : pemOrDer);
        return text.Contains("-----BEGIN", StringComparison.Ordinal)
            ? CertificateRequest.LoadSigningRequestPem(text, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default)
            : CertificateRequest.LoadSigningRequest(pemOrDer, HashAlgorithmName.SHA256, out _, CertificateRequestLoadOptions.Default);
    }

    private static CertificateRequest RequestFor(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest(subject, ec, ec.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256),
        null => throw new ArgumentNullException(nameof(key)),
        _ => throw new ArgumentException($"Only RSA and EC keys can make a request, not {key.GetType().Name}.", nameof(key)),
    };
}
