using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Signing.Pki.Asn1;
using BcOcspRequest = Org.BouncyCastle.Asn1.Ocsp.OcspRequest;
using BcOcspResponseStatus = Org.BouncyCastle.Asn1.Ocsp.OcspResponseStatus;

namespace Signing.Pki.Revocation;

// OCSP messages (RFC 6960) as small records. BouncyCastle's Org.BouncyCastle.Asn1.Ocsp types do
// the encoding and parsing; these records keep what the client and the dev responder decide on.
// Untrusted bytes pass DerInputGuard before BouncyCastle sees them.

/// <summary>Identifies a certificate to an OCSP responder (RFC 6960 CertID).</summary>
internal sealed record OcspCertificateId(string HashAlgorithmOid, byte[] IssuerNameHash, byte[] IssuerKeyHash, byte[] SerialNumber)
{
    /// <summary>Builds the CertID of <paramref name="serialNumber"/> under <paramref name="issuer"/>.</summary>
    internal static OcspCertificateId For(X509Certificate2 issuer, byte[] serialNumber, HashAlgorithmName hash) => new(
        SignatureAlgorithms.DigestOid(hash),
        HashData(hash, issuer.SubjectName.RawData),
        HashData(hash, IssuerKeyBits(issuer)),
        serialNumber);

    /// <summary>True if this CertID names a certificate issued by <paramref name="issuer"/>.</summary>
    internal bool IsIssuedBy(X509Certificate2 issuer) =>
        SignatureAlgorithms.TryDigestFromOid(HashAlgorithmOid, out var hash)
        && IssuerNameHash.AsSpan().SequenceEqual(HashData(hash, issuer.SubjectName.RawData))
        && IssuerKeyHash.AsSpan().SequenceEqual(HashData(hash, IssuerKeyBits(issuer)));

    /// <summary>Same issuer and serial under the same hash algorithm.</summary>
    internal bool Matches(OcspCertificateId other) =>
        HashAlgorithmOid == other.HashAlgorithmOid
        && IssuerNameHash.AsSpan().SequenceEqual(other.IssuerNameHash)
        && IssuerKeyHash.AsSpan().SequenceEqual(other.IssuerKeyHash)
        && new BigInteger(SerialNumber, isBigEndian: true) == new BigInteger(other.SerialNumber, isBigEndian: true);

    /// <summary>The subjectPublicKey BIT STRING contents, which RFC 6960 hashes for issuerKeyHash and byKey.</summary>
    internal static byte[] IssuerKeyBits(X509Certificate2 issuer) => issuer.PublicKey.EncodedKeyValue.RawData;

    internal CertID ToAsn1() => new(
        new AlgorithmIdentifier(new DerObjectIdentifier(HashAlgorithmOid), DerNull.Instance),
        new DerOctetString(IssuerNameHash),
        new DerOctetString(IssuerKeyHash),
        new DerInteger(SerialNumber));

    internal static OcspCertificateId FromAsn1(CertID id) => new(
        id.HashAlgorithm.Algorithm.Id,
        id.IssuerNameHash.GetOctets(),
        id.IssuerKeyHash.GetOctets(),
        id.SerialNumber.Value.ToByteArray());

    private static byte[] HashData(HashAlgorithmName hash, byte[] data) => hash.Name switch
    {
        "SHA1" => SHA1.HashData(data),
        "SHA256" => SHA256.HashData(data),
        "SHA384" => SHA384.HashData(data),
        "SHA512" => SHA512.HashData(data),
        _ => throw new CryptographicException($"Digest {hash.Name} is not supported for OCSP."),
    };
}

/// <summary>An OCSP request: the certificates asked about and the nonce. Requests are not signed.</summary>
internal sealed record OcspRequestMessage(IReadOnlyList<OcspCertificateId> Certificates, byte[]? Nonce)
{
    /// <summary>Most CertIDs the dev responder answers in one request.</summary>
    internal const int MaxRequests = 32;

    internal byte[] Encode()
    {
        var requests = Certificates.Select(id => (Asn1Encodable)new Request(id.ToAsn1(), null)).ToArray();
        return new BcOcspRequest(new TbsRequest(null, new DerSequence(requests), OcspNonce.Extensions(Nonce)), null)
            .GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Parses a DER OCSPRequest; the caller runs <see cref="DerInputGuard"/> first.</summary>
    internal static OcspRequestMessage Decode(ReadOnlyMemory<byte> der)
    {
        var tbs = BcOcspRequest.GetInstance(Asn1Object.FromByteArray(der.ToArray())).TbsRequest;
        if (!tbs.Version.HasValue(0))
        {
            throw new MalformedPkiDataException("OCSPRequest", $"unsupported version {tbs.Version.Value}");
        }

        var list = tbs.RequestList;
        if (list.Count == 0)
        {
            throw new MalformedPkiDataException("OCSPRequest", "requestList is empty");
        }

        if (list.Count > MaxRequests)
        {
            throw new MalformedPkiDataException("OCSPRequest", $"more than {MaxRequests} certificates in one request");
        }

        // optionalSignature is accepted but not checked: the dev responder does not require signed requests.
        var certificates = list.Select(item => OcspCertificateId.FromAsn1(Request.GetInstance(item).ReqCert)).ToList();
        return new OcspRequestMessage(certificates, OcspNonce.From(tbs.RequestExtensions));
    }
}

/// <summary>The status of one certificate in an OCSP response.</summary>
internal enum OcspCertStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary><c>OCSPResponseStatus</c> from RFC 6960.</summary>
internal enum OcspResponseStatus
{
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// <summary>One certificate's status in a BasicOCSPResponse (RFC 6960 SingleResponse).</summary>
internal sealed record OcspSingleResponse(
    OcspCertificateId CertId,
    OcspCertStatus Status,
    DateTimeOffset? RevocationTime,
    X509RevocationReason? RevocationReason,
    DateTimeOffset ThisUpdate,
    DateTimeOffset? NextUpdate)
{
    internal SingleResponse ToAsn1()
    {
        var status = Status switch
        {
            OcspCertStatus.Good => new CertStatus(),
            OcspCertStatus.Revoked => new CertStatus(RevocationReason is { } reason
                ? new RevokedInfo(OcspTime.Encode(RevocationTime!.Value), new CrlReason((int)reason))
                : new RevokedInfo(OcspTime.Encode(RevocationTime!.Value))),
            _ => new CertStatus(2, DerNull.Instance),
        };
        return new SingleResponse(CertId.ToAsn1(), status, OcspTime.Encode(ThisUpdate),
            NextUpdate is { } next ? OcspTime.Encode(next) : null, null);
    }

    internal static OcspSingleResponse FromAsn1(SingleResponse response)
    {
        var certId = OcspCertificateId.FromAsn1(response.CertId);
        var thisUpdate = OcspTime.Decode(response.ThisUpdate);
        var nextUpdate = response.NextUpdate is { } next ? OcspTime.Decode(next) : (DateTimeOffset?)null;
        var status = response.CertStatus;
        switch (status.TagNo)
        {
            case 0:
                return new(certId, OcspCertStatus.Good, null, null, thisUpdate, nextUpdate);
            case 1:
                var revoked = RevokedInfo.GetInstance(status.Status);
                X509RevocationReason? reason = revoked.RevocationReason is { } crlReason
                    ? (X509RevocationReason)crlReason.IntValueExact
                    : null;
                return new(certId, OcspCertStatus.Revoked, OcspTime.Decode(revoked.RevocationTime), reason, thisUpdate, nextUpdate);
            case 2:
                return new(certId, OcspCertStatus.Unknown, null, null, thisUpdate, nextUpdate);
            default:
                throw new MalformedPkiDataException("OCSPResponse", $"unexpected certStatus tag [{status.TagNo}]");
        }
    }
}

/// <summary>
/// A successful OCSP response's BasicOCSPResponse: the signed ResponseData bytes and what they say,
/// the signature, and the certificates the responder included.
/// </summary>
internal sealed record OcspBasicResponse(
    ReadOnlyMemory<byte> TbsResponseData,
    byte[]? ResponderKeyHash,
    ReadOnlyMemory<byte>? ResponderName,
    DateTimeOffset ProducedAt,
    IReadOnlyList<OcspSingleResponse> Responses,
    byte[]? Nonce,
    string SignatureAlgorithmOid,
    byte[] Signature,
    IReadOnlyList<byte[]> Certificates)
{
    /// <summary>Most single responses or embedded certificates we read from one response.</summary>
    internal const int MaxItems = 64;

    /// <summary>Encodes <c>ResponseData</c> (responder by key hash), the bytes the responder signs.</summary>
    internal static byte[] EncodeResponseData(byte[] responderKeyHash, DateTimeOffset producedAt, IReadOnlyList<OcspSingleResponse> responses, byte[]? nonce) =>
        new ResponseData(
                new ResponderID(new DerOctetString(responderKeyHash)),
                OcspTime.Encode(producedAt),
                new DerSequence(responses.Select(response => (Asn1Encodable)response.ToAsn1()).ToArray()),
                OcspNonce.Extensions(nonce))
            .GetEncoded(Asn1Encodable.Der);

    /// <summary>Wraps signed ResponseData into a successful <c>OCSPResponse</c>.</summary>
    internal static byte[] EncodeSuccessfulResponse(byte[] responseData, string signatureAlgorithmOid, byte[] signature, IEnumerable<X509Certificate2> certificates)
    {
        var algorithm = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        SignatureAlgorithms.WriteSignatureAlgorithm(algorithm, signatureAlgorithmOid);
        var basic = new BasicOcspResponse(
            ResponseData.GetInstance(Asn1Object.FromByteArray(responseData)),
            AlgorithmIdentifier.GetInstance(Asn1Object.FromByteArray(algorithm.Encode())),
            new DerBitString(signature),
            new DerSequence(certificates.Select(certificate => (Asn1Encodable)Asn1Object.FromByteArray(certificate.RawData)).ToArray()));
        return new OcspResponse(
                new BcOcspResponseStatus(BcOcspResponseStatus.Successful),
                new ResponseBytes(OcspObjectIdentifiers.PkixOcspBasic, new DerOctetString(basic.GetEncoded(Asn1Encodable.Der))))
            .GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>An <c>OCSPResponse</c> without responseBytes, for every status but successful.</summary>
    internal static byte[] EncodeErrorResponse(OcspResponseStatus status) =>
        new OcspResponse(new BcOcspResponseStatus((int)status), null).GetEncoded(Asn1Encodable.Der);

    /// <summary>
    /// Decodes an <c>OCSPResponse</c>; returns the status, and the basic response when successful.
    /// The caller runs <see cref="DerInputGuard"/> on the outer bytes; the inner BasicOCSPResponse is checked here.
    /// </summary>
    internal static (OcspResponseStatus Status, OcspBasicResponse? Basic) DecodeResponse(ReadOnlyMemory<byte> der)
    {
        var response = OcspResponse.GetInstance(Asn1Object.FromByteArray(der.ToArray()));
        var status = (OcspResponseStatus)response.ResponseStatus.IntValueExact;
        if (status != OcspResponseStatus.Successful)
        {
            return (status, null);
        }

        var bytes = response.ResponseBytes
            ?? throw new MalformedPkiDataException("OCSPResponse", "status successful but no responseBytes");
        if (!bytes.ResponseType.Equals(OcspObjectIdentifiers.PkixOcspBasic))
        {
            throw new MalformedPkiDataException("OCSPResponse", $"responseType {bytes.ResponseType.Id} is not id-pkix-ocsp-basic");
        }

        var basicDer = bytes.Response.GetOctets();
        DerInputGuard.Check(basicDer, "BasicOCSPResponse");
        return (status, DecodeBasic(BasicOcspResponse.GetInstance(Asn1Object.FromByteArray(basicDer))));
    }

    private static OcspBasicResponse DecodeBasic(BasicOcspResponse basic)
    {
        var tbs = basic.TbsResponseData;
        if (!tbs.Version.HasValue(0))
        {
            throw new MalformedPkiDataException("OCSPResponse", $"unsupported ResponseData version {tbs.Version.Value}");
        }

        var responder = tbs.ResponderID;
        var keyHash = responder.GetKeyHash();
        ReadOnlyMemory<byte>? name = keyHash is null ? responder.Name.GetEncoded(Asn1Encodable.Der) : null;
        if (tbs.Responses.Count > MaxItems)
        {
            throw new MalformedPkiDataException("OCSPResponse", $"more than {MaxItems} single responses");
        }

        var responses = tbs.Responses.Select(item => OcspSingleResponse.FromAsn1(SingleResponse.GetInstance(item))).ToList();
        if (basic.Signature.PadBits != 0)
        {
            throw new MalformedPkiDataException("OCSPResponse", "signature BIT STRING has unused bits");
        }

        var certificates = basic.Certs ?? new DerSequence();
        if (certificates.Count > MaxItems)
        {
            throw new MalformedPkiDataException("OCSPResponse", $"more than {MaxItems} certificates");
        }

        return new OcspBasicResponse(
            tbs.GetEncoded(Asn1Encodable.Der),
            keyHash,
            name,
            OcspTime.Decode(tbs.ProducedAt),
            responses,
            OcspNonce.From(tbs.ResponseExtensions),
            basic.SignatureAlgorithm.Algorithm.Id,
            basic.Signature.GetOctets(),
            certificates.Select(certificate => certificate.GetEncoded(Asn1Encodable.Der)).ToList());
    }
}

/// <summary>The nonce extension (RFC 8954: <c>Nonce ::= OCTET STRING(SIZE(1..32))</c>, DER-encoded in extnValue).</summary>
internal static class OcspNonce
{
    internal static X509Extensions? Extensions(byte[]? nonce)
    {
        if (nonce is null)
        {
            return null;
        }

        var generator = new X509ExtensionsGenerator();
        generator.AddExtension(OcspObjectIdentifiers.PkixOcspNonce, false, new DerOctetString(nonce));
        return generator.Generate();
    }

    internal static byte[]? From(X509Extensions? extensions)
    {
        var value = extensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce)?.Value.GetOctets();
        if (value is null)
        {
            return null;
        }

        // Some old responders put the raw nonce in extnValue without the inner OCTET STRING; accept both.
        try
        {
            return Asn1Object.FromByteArray(value) is Asn1OctetString inner ? inner.GetOctets() : value;
        }
        catch (IOException)
        {
            return value;
        }
    }
}

/// <summary>GeneralizedTime in OCSP: UTC, whole seconds (DER has no trailing fraction zeros).</summary>
internal static class OcspTime
{
    internal static Asn1GeneralizedTime Encode(DateTimeOffset time) =>
        new DerGeneralizedTime(new DateTime(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc));

    internal static DateTimeOffset Decode(Asn1GeneralizedTime time) =>
        new(DateTime.SpecifyKind(time.ToDateTime().ToUniversalTime(), DateTimeKind.Utc));
}
