using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;

namespace Signing.Pdf.Validation;

/// <summary>An OCSP response found in a DSS, checked offline against a certificate and its issuer.</summary>
/// <remarks>
/// <code>
/// OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
/// ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
///                                  signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
///                             producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
///                             responseExtensions [1] EXPLICIT Extensions OPTIONAL }
/// SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
///                               nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
/// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
///                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
/// CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }
/// RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }   -- RFC 6960
/// </code>
/// </remarks>
internal sealed class EmbeddedOcspResponse
{
    private const string BasicResponseType = "1.3.6.1.5.5.7.48.1.1";
    private const string OcspSigningEku = "1.3.6.1.5.5.7.3.9";

    private readonly byte[] tbsResponseData;
    private readonly string signatureAlgorithm;
    private readonly byte[] signature;
    private readonly X509Certificate2Collection certificates;
    private readonly List<SingleResponse> responses;
    private readonly List<(X509Certificate2 Issuer, bool Signed)> signedFor = [];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Verified = new(StringComparer.Ordinal);

    private EmbeddedOcspResponse(byte[] tbsResponseData, string signatureAlgorithm, byte[] signature, X509Certificate2Collection certificates, List<SingleResponse> responses)
    {
        this.tbsResponseData = tbsResponseData;
        this.signatureAlgorithm = signatureAlgorithm;
        this.signature = signature;
        this.certificates = certificates;
        this.responses = responses;
    }

    /// <summary>Decodes an OCSPResponse or a bare BasicOCSPResponse; throws <see cref="AsnContentException"/> or <see cref="CryptographicException"/> when malformed.</summary>
    public static EmbeddedOcspResponse Decode(byte[] data)
    {
        var outer = new AsnReader(data, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> basic = data;
        if (outer.PeekTag().HasSameClassAndValue(Asn1Tag.Enumerated))
        {
            if (!outer.ReadEnumeratedBytes().Span.SequenceEqual(new byte[] { 0 }))
            {
                throw new CryptographicException("the OCSP response status is not successful");
            }

            var bytes = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            if (bytes.ReadObjectIdentifier() != BasicResponseType)
            {
                throw new CryptographicException("not a basic OCSP response");
            }

            basic = bytes.ReadOctetString();
        }

        var response = new AsnReader(basic, AsnEncodingRules.DER).ReadSequence();
        var tbs = response.ReadEncodedValue().ToArray();
        var algorithm = response.ReadSequence().ReadObjectIdentifier();
        var signature = response.ReadBitString(out _);
        var certificates = new X509Certificate2Collection();
        if (response.HasData)
        {
            var certs = response.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            while (certs.HasData && certificates.Count < 16)
            {
                certificates.Add(SharedCertificates.Load(certs.ReadEncodedValue().Span));
            }
        }

        var responseData = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (responseData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            responseData.ReadEncodedValue();
        }

        responseData.ReadEncodedValue();
        responseData.ReadGeneralizedTime();
        var list = responseData.ReadSequence();
        var responses = new List<SingleResponse>();
        while (list.HasData && responses.Count < 64)
        {
            responses.Add(SingleResponse.Read(list.ReadSequence()));
        }

        return new EmbeddedOcspResponse(tbs, algorithm, signature, certificates, responses);
    }

    /// <summary>The status of <paramref name="certificate"/>, or null when this response does not cover it or is not signed by its issuer or the issuer's delegate.</summary>
    public RevocationResult? Check(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true);
        var single = responses.FirstOrDefault(r => r.Matches(serial, issuer));
        if (single is null || !IsSignedFor(issuer))
        {
            return null;
        }

        const string source = "OCSP response in the DSS";
        return single.Status switch
        {
            0 => new RevocationResult(RevocationStatus.Good, source, ThisUpdate: single.ThisUpdate, NextUpdate: single.NextUpdate),
            1 => new RevocationResult(RevocationStatus.Revoked, source, single.RevocationTime, single.Reason, single.ThisUpdate, single.NextUpdate),
            _ => null,
        };
    }

    /// <summary>Memoised: one validation asks the same response about the same issuer several times (revocation, level).</summary>
    private bool IsSignedFor(X509Certificate2 issuer)
    {
        foreach (var (known, signed) in signedFor)
        {
            if (known.RawData.AsSpan().SequenceEqual(issuer.RawData))
            {
                return signed;
            }
        }

        var result = IsSignedForUncached(issuer);
        signedFor.Add((issuer, result));
        return result;
    }

    private bool IsSignedForUncached(X509Certificate2 issuer)
    {
        if (Verifies(issuer))
        {
            return true;
        }

        // A delegated responder: issued by the same CA and marked for OCSP signing (RFC 6960 4.2.2.2).
        foreach (var responder in certificates)
        {
            var eku = responder.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
            if (eku is null || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == OcspSigningEku) || !IssuedBy(responder, issuer))
            {
                continue;
            }

            if (Verifies(responder))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }  -- RFC 5280
    /// </summary>
    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
        {
            return false;
        }

        var sequence = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = sequence.ReadEncodedValue().ToArray();
        var algorithm = sequence.ReadSequence().ReadObjectIdentifier();
        var value = sequence.ReadBitString(out _);
        return VerifySignature(algorithm, tbs, value, issuer);
    }

    private bool Verifies(X509Certificate2 signer) => VerifySignature(signatureAlgorithm, tbsResponseData, signature, signer);

    /// <summary>
    /// Memoised per process: one OCSP response serves every document its signer signs while it is fresh, and a delegated
    /// responder's certificate comes back in each of them. The outcome depends only on the bytes, which are the key.
    /// </summary>
    private static bool VerifySignature(string algorithm, byte[] data, byte[] value, X509Certificate2 signer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes(algorithm));
        hash.AppendData(SHA256.HashData(data));
        hash.AppendData(SHA256.HashData(value));
        hash.AppendData(SHA256.HashData(signer.RawData));
        var key = Convert.ToBase64String(hash.GetHashAndReset());
        if (Verified.TryGetValue(key, out var known))
        {
            return known;
        }

        var result = VerifySignatureUncached(algorithm, data, value, signer);
        if (Verified.Count >= 4096)
        {
            Verified.Clear();
        }

        Verified[key] = result;
        return result;
    }

    private static bool VerifySignatureUncached(string algorithm, byte[] data, byte[] value, X509Certificate2 signer)
    {
        var (hash, ecdsa) = algorithm switch
        {
            "1.2.840.113549.1.1.5" => (HashAlgorithmName.SHA1, false),
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, false),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, false),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, false),
            "1.2.840.10045.4.3.2" => (HashAlgorithmName.SHA256, true),
            "1.2.840.10045.4.3.3" => (HashAlgorithmName.SHA384, true),
            "1.2.840.10045.4.3.4" => (HashAlgorithmName.SHA512, true),
            _ => (default(HashAlgorithmName), false),
        };
        if (hash.Name is null)
        {
            return false;
        }

        // Shared, cached keys: the same responder key checks every response it signed, and is never disposed here.
        return SharedCertificates.PublicKey(signer) switch
        {
            ECDsa key when ecdsa => key.VerifyData(data, value, hash, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa when !ecdsa => rsa.VerifyData(data, value, hash, RSASignaturePadding.Pkcs1),
            _ => false,
        };
    }

    private sealed record SingleResponse(
        HashAlgorithmName HashAlgorithm, byte[] IssuerNameHash, byte[] IssuerKeyHash, BigInteger Serial,
        int Status, DateTimeOffset? RevocationTime, X509RevocationReason? Reason, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate)
    {
        public static SingleResponse Read(AsnReader single)
        {
            var certId = single.ReadSequence();
            var hash = CmsSignerInfoFields.DigestFromOid(certId.ReadSequence().ReadObjectIdentifier()) ?? throw new CryptographicException("unsupported CertID hash");
            var nameHash = certId.ReadOctetString();
            var keyHash = certId.ReadOctetString();
            var serial = certId.ReadInteger();
            var statusTag = single.PeekTag();
            DateTimeOffset? revokedAt = null;
            X509RevocationReason? reason = null;
            if (statusTag.TagValue == 1)
            {
                var revoked = single.ReadSequence(statusTag);
                revokedAt = revoked.ReadGeneralizedTime();
                if (revoked.HasData)
                {
                    var code = revoked.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadEnumeratedBytes().Span;
                    reason = code.Length == 1 ? (X509RevocationReason)code[0] : null;
                }
            }
            else
            {
                single.ReadEncodedValue();
            }

            var thisUpdate = single.ReadGeneralizedTime();
            DateTimeOffset? nextUpdate = single.HasData && single.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))
                ? single.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadGeneralizedTime()
                : null;
            return new SingleResponse(hash, nameHash, keyHash, serial, statusTag.TagValue, revokedAt, reason, thisUpdate, nextUpdate);
        }

        public bool Matches(BigInteger serial, X509Certificate2 issuer) =>
            serial == Serial
            && CryptographicOperations.HashData(HashAlgorithm, issuer.SubjectName.RawData).AsSpan().SequenceEqual(IssuerNameHash)
            && CryptographicOperations.HashData(HashAlgorithm, issuer.PublicKey.EncodedKeyValue.RawData).AsSpan().SequenceEqual(IssuerKeyHash);
    }
}
