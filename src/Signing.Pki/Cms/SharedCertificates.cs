using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Cms;

/// <summary>
/// Certificates and their public keys decoded once per process. A validator meets the same few CA, TSA and OCSP
/// certificates in every document; decoding them through OpenSSL 3 (X509 and SubjectPublicKeyInfo decoders) and
/// finalizing the handles afterwards cost more than the RSA verifications themselves (profile of issue 15). The
/// objects are shared between threads and callers: they are only read, and must never be disposed by a caller.
/// The cache is bounded: past <see cref="Capacity"/> entries it starts over.
/// </summary>
public static class SharedCertificates
{
    /// <summary>How many distinct certificates are kept.</summary>
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, X509Certificate2> Certificates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, AsymmetricAlgorithm> Keys = new(StringComparer.Ordinal);

    /// <summary>The shared certificate for <paramref name="der"/>; throws <see cref="CryptographicException"/> when it is not a certificate.</summary>
    /// <param name="der">The DER encoding.</param>
    public static X509Certificate2 Load(ReadOnlySpan<byte> der)
    {
        var key = Convert.ToBase64String(SHA256.HashData(der));
        if (Certificates.TryGetValue(key, out var known))
        {
            return known;
        }

        var certificate = X509CertificateLoader.LoadCertificate(der);
        if (Certificates.Count >= Capacity)
        {
            Certificates.Clear();
        }

        return Certificates.GetOrAdd(key, certificate);
    }

    /// <summary>The shared instance equal to <paramref name="certificate"/> (same DER).</summary>
    /// <param name="certificate">Any certificate object.</param>
    public static X509Certificate2 Share(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Load(certificate.RawData);
    }

    /// <summary>
    /// The RSA, ECDSA or DSA public key of <paramref name="certificate"/>, decoded once per distinct key; null for other
    /// key types (EdDSA goes through BouncyCastle). Do not dispose it.
    /// </summary>
    /// <param name="certificate">The certificate.</param>
    public static AsymmetricAlgorithm? PublicKey(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var key = Convert.ToBase64String(SHA256.HashData(spki));
        if (Keys.TryGetValue(key, out var known))
        {
            return known;
        }

        AsymmetricAlgorithm? decoded = (AsymmetricAlgorithm?)certificate.GetRSAPublicKey() ?? (AsymmetricAlgorithm?)certificate.GetECDsaPublicKey() ?? certificate.GetDSAPublicKey();
        if (decoded is null)
        {
            return null;
        }

        if (Keys.Count >= Capacity)
        {
            Keys.Clear();
        }

        return Keys.GetOrAdd(key, decoded);
    }
}
