using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Asn1;

/// <summary>Checks a certificate's own signature against a candidate issuer key.</summary>
/// <remarks>
/// <code>
/// Certificate  ::=  SEQUENCE  {
///      tbsCertificate       TBSCertificate,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
/// </code>
/// </remarks>
internal static class CertificateSignature
{
    internal static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        try
        {
            var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER);
            var seq = reader.ReadSequence();
            var tbs = seq.ReadEncodedValue();
            var algorithm = SignatureAlgorithms.ReadAlgorithmOid(seq);
            var signature = seq.ReadBitString(out _);
            return SignatureAlgorithms.Verify(algorithm, tbs.Span, signature, issuer);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
