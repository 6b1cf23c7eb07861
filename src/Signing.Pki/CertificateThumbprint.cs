using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki;

/// <summary>
/// The one way the service names a certificate: the lower-case hex SHA-256 of its DER encoding. Keys, client
/// certificates and desk-signer uploads are all matched by it (SHA-1 thumbprints are not used anywhere).
/// </summary>
public static class CertificateThumbprint
{
    /// <summary>The lower-case hex SHA-256 of <paramref name="certificate"/>'s DER encoding.</summary>
    public static string Sha256Hex(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }
}
