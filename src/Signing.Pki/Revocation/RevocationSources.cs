using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;

namespace Signing.Pki.Revocation;

/// <summary>Where a certificate's revocation status can be learned, and which candidate issued it.</summary>
public static class RevocationSources
{
    /// <summary>The Authority Information Access extension (RFC 5280 §4.2.2.1): OCSP responders and caIssuers.</summary>
    public const string AuthorityInformationAccessOid = "1.3.6.1.5.5.7.1.1";

    /// <summary>The CRL Distribution Points extension (RFC 5280 §4.2.1.13).</summary>
    public const string CrlDistributionPointsOid = "2.5.29.31";

    /// <summary>
    /// Whether <paramref name="certificate"/> names an OCSP responder or a CRL. A self-issued or test certificate that
    /// names neither cannot be revoked by anyone, so there is nothing to check.
    /// </summary>
    public static bool AreNamedBy(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Extensions.Any(extension => extension.Oid?.Value is AuthorityInformationAccessOid or CrlDistributionPointsOid);
    }

    /// <summary>
    /// The candidate that issued <paramref name="certificate"/>: its subject is the certificate's issuer name and its key
    /// verifies the certificate's signature (a name alone is not enough across a CA key rollover). Null when none did.
    /// </summary>
    public static X509Certificate2? FindIssuer(X509Certificate2 certificate, IEnumerable<X509Certificate2> candidates)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates.FirstOrDefault(candidate =>
            candidate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData)
            && CertificateSignature.IsIssuedBy(certificate, candidate));
    }
}
