using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Revocation;

/// <summary>Reads the URLs a certificate publishes for its CRLs, OCSP responder and issuer.</summary>
internal static class CertificateLocations
{
    /// <summary>HTTP CRL distribution point URLs.</summary>
    internal static IReadOnlyList<Uri> CrlUrls(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[RevocationSources.CrlDistributionPointsOid];
        return extension is null ? [] : DecodeDistributionPointUris(extension.RawData);
    }

    /// <summary>HTTP OCSP responder URLs from the AIA extension.</summary>
    internal static IReadOnlyList<Uri> OcspUrls(X509Certificate2 certificate) => AiaUris(certificate, ocsp: true);

    /// <summary>HTTP caIssuers URLs from the AIA extension.</summary>
    internal static IReadOnlyList<Uri> CaIssuerUrls(X509Certificate2 certificate) => AiaUris(certificate, ocsp: false);

    private static List<Uri> AiaUris(X509Certificate2 certificate, bool ocsp)
    {
        var result = new List<Uri>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509AuthorityInformationAccessExtension aia)
            {
                foreach (var uri in ocsp ? aia.EnumerateOcspUris() : aia.EnumerateCAIssuersUris())
                {
                    AddHttp(result, uri);
                }
            }
        }

        return result;
    }

    /// <summary>Decodes CRLDistributionPoints / FreshestCRL and returns the HTTP fullName URIs.</summary>
    /// <remarks>
    /// <code>
    /// CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
    /// DistributionPoint ::= SEQUENCE {
    ///      distributionPoint       [0]     DistributionPointName OPTIONAL,
    ///      reasons                 [1]     ReasonFlags OPTIONAL,
    ///      cRLIssuer               [2]     GeneralNames OPTIONAL }
    /// DistributionPointName ::= CHOICE {
    ///      fullName                [0]     GeneralNames,
    ///      nameRelativeToCRLIssuer [1]     RelativeDistinguishedName }
    /// GeneralName ::= CHOICE { ... uniformResourceIdentifier [6] IA5String, ... }   -- IMPLICIT TAGS
    /// </code>
    /// </remarks>
    internal static IReadOnlyList<Uri> DecodeDistributionPointUris(ReadOnlyMemory<byte> extensionValue)
    {
        var result = new List<Uri>();
        var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
        var points = reader.ReadSequence();
        for (var count = 0; points.HasData && count < 16; count++)
        {
            var point = points.ReadSequence();
            if (!point.HasData || !point.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                continue;
            }

            var name = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            if (!name.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                continue;
            }

            var fullName = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            for (var n = 0; fullName.HasData && n < 16; n++)
            {
                var tag = fullName.PeekTag();
                if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
                {
                    AddHttp(result, fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
                }
                else
                {
                    fullName.ReadEncodedValue();
                }
            }
        }

        return result;
    }

    private static void AddHttp(List<Uri> result, string uri)
    {
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            result.Add(parsed);
        }
    }
}
