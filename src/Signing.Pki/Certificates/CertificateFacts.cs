using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Names;

namespace Signing.Pki.Certificates;

/// <summary>
/// What an inventory keeps about a certificate: the parsed subject (CN, OU, O, L, E and the personal ID), the issuer,
/// serial, validity, key algorithm, and two digests that match it to other things: the certificate's SHA-256
/// thumbprint, and the SHA-256 of its SubjectPublicKeyInfo, which a renewed or re-issued certificate for the same key
/// (and the CSR it answers) shares.
/// </summary>
/// <param name="Subject">The parsed subject.</param>
/// <param name="SubjectText">The subject as people read it, most specific first.</param>
/// <param name="Issuer">The issuer's name as .NET formats it.</param>
/// <param name="SerialHex">The serial number, upper-case hex without leading zero bytes.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="KeyAlgorithm">E.g. <c>RSA-2048</c>, <c>EC-P256</c>.</param>
/// <param name="PublicKeySha256">Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo.</param>
/// <param name="Thumbprint">Lower-case hex SHA-256 of the certificate.</param>
public sealed record CertificateFacts(
    SubjectName Subject, string SubjectText, string Issuer, string SerialHex, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string KeyAlgorithm, string PublicKeySha256, string Thumbprint)
{
    /// <summary>Reads the facts of <paramref name="certificate"/>.</summary>
    public static CertificateFacts Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var subject = SubjectName.FromX500(certificate.SubjectName);
        return new CertificateFacts(subject, subject.ToString(), certificate.Issuer, NormaliseSerial(certificate.SerialNumber),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
            KeyAlgorithmOf(certificate.PublicKey), PublicKeyDigest(certificate.PublicKey), CertificateThumbprint.Sha256Hex(certificate));
    }

    /// <summary>Lower-case hex SHA-256 of a public key's DER SubjectPublicKeyInfo (of a certificate, a CSR or a token key).</summary>
    public static string PublicKeyDigest(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return PublicKeyDigest(publicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Lower-case hex SHA-256 of DER SubjectPublicKeyInfo bytes.</summary>
    public static string PublicKeyDigest(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>A key's algorithm and size as the inventory shows it: <c>RSA-2048</c>, <c>EC-P256</c>, or the OID.</summary>
    public static string KeyAlgorithmOf(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (publicKey.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return $"RSA-{rsa.KeySize}";
            }
        }

        if (publicKey.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                var curve = ec.ExportParameters(false).Curve;
                return curve.Oid.FriendlyName switch
                {
                    "nistP256" or "ECDSA_P256" => "EC-P256",
                    "nistP384" or "ECDSA_P384" => "EC-P384",
                    "nistP521" or "ECDSA_P521" => "EC-P521",
                    _ => $"EC-{curve.Oid.FriendlyName ?? curve.Oid.Value}",
                };
            }
        }

        return publicKey.Oid.FriendlyName ?? publicKey.Oid.Value ?? "unknown";
    }

    /// <summary>A serial number as the inventory keys it: upper-case hex, leading zero bytes dropped (so 00AB and AB match).</summary>
    public static string NormaliseSerial(string serialHex)
    {
        ArgumentNullException.ThrowIfNull(serialHex);
        var hex = serialHex.Replace(" ", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
        var trimmed = hex.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed.Length % 2 == 1 ? "0" + trimmed : trimmed;
    }
}
