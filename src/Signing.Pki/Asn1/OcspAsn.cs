using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Asn1;

// ASN.1 for OCSP, from RFC 6960 appendix B.1 (module OCSP-2013-88, DEFINITIONS EXPLICIT TAGS).

/// <summary>Identifies a certificate to an OCSP responder.</summary>
/// <remarks>
/// <code>
/// CertID          ::=     SEQUENCE {
///     hashAlgorithm       AlgorithmIdentifier,
///     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///     serialNumber        CertificateSerialNumber }
/// </code>
/// </remarks>
internal sealed record CertIdAsn(string HashAlgorithmOid, byte[] IssuerNameHash, byte[] IssuerKeyHash, byte[] SerialNumber)
{
    /// <summary>Builds the CertID of <paramref name="serialNumber"/> under <paramref name="issuer"/>.</summary>
    internal static CertIdAsn For(X509Certificate2 issuer, byte[] serialNumber, HashAlgorithmName hash)
    {
        return new CertIdAsn(
            SignatureAlgorithms.DigestOid(hash),
            HashData(hash, issuer.SubjectName.RawData),
            HashData(hash, IssuerKeyBits(issuer)),
            serialNumber);
    }

    /// <summary>True if this CertID names a certificate issued by <paramref name="issuer"/>.</summary>
    internal bool IsIssuedBy(X509Certificate2 issuer)
    {
        if (!SignatureAlgorithms.TryDigestFromOid(HashAlgorithmOid, out var hash))
        {
            return false;
        }

        return IssuerNameHash.AsSpan().SequenceEqual(HashData(hash, issuer.SubjectName.RawData))
            && IssuerKeyHash.AsSpan().SequenceEqual(HashData(hash, IssuerKeyBits(issuer)));
    }

    /// <summary>Compares issuer and serial, ignoring the hash algorithm only when both use the same one.</summary>
    internal bool Matches(CertIdAsn other) =>
        HashAlgorithmOid == other.HashAlgorithmOid
        && IssuerNameHash.AsSpan().SequenceEqual(other.IssuerNameHash)
        && IssuerKeyHash.AsSpan().SequenceEqual(other.IssuerKeyHash)
        && new BigInteger(SerialNumber, isBigEndian: true) == new BigInteger(other.SerialNumber, isBigEndian: true);

    internal void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.PushSequence();
        writer.WriteObjectIdentifier(HashAlgorithmOid);
        writer.WriteNull();
        writer.PopSequence();
        writer.WriteOctetString(IssuerNameHash);
        writer.WriteOctetString(IssuerKeyHash);
        writer.WriteInteger(SerialNumber);
        writer.PopSequence();
    }

    internal static CertIdAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var hashOid = SignatureAlgorithms.ReadAlgorithmOid(seq);
        var nameHash = seq.ReadOctetString();
        var keyHash = seq.ReadOctetString();
        var serial = seq.ReadIntegerBytes().ToArray();
        seq.ThrowIfNotEmpty();
        return new CertIdAsn(hashOid, nameHash, keyHash, serial);
    }

    /// <summary>The subjectPublicKey BIT STRING contents, which RFC 6960 hashes for issuerKeyHash.</summary>
    internal static byte[] IssuerKeyBits(X509Certificate2 issuer) => issuer.PublicKey.EncodedKeyValue.RawData;

    private static byte[] HashData(HashAlgorithmName hash, byte[] data) => hash.Name switch
    {
        "SHA1" => SHA1.HashData(data),
        "SHA256" => SHA256.HashData(data),
        "SHA384" => SHA384.HashData(data),
        "SHA512" => SHA512.HashData(data),
        _ => throw new CryptographicException($"Digest {hash.Name} is not supported for OCSP."),
    };
}

/// <summary>An OCSP request: only what we send and what the dev responder reads.</summary>
/// <remarks>
/// <code>
/// OCSPRequest     ::=     SEQUENCE {
///     tbsRequest                  TBSRequest,
///     optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
///
/// TBSRequest      ::=     SEQUENCE {
///     version             [0]     EXPLICIT Version DEFAULT v1,
///     requestorName       [1]     EXPLICIT GeneralName OPTIONAL,
///     requestList                 SEQUENCE OF Request,
///     requestExtensions   [2]     EXPLICIT Extensions OPTIONAL }
///
/// Request         ::=     SEQUENCE {
///     reqCert                     CertID,
///     singleRequestExtensions     [0] EXPLICIT Extensions OPTIONAL }
/// </code>
/// </remarks>
internal sealed record OcspRequestAsn(IReadOnlyList<CertIdAsn> Certificates, byte[]? Nonce)
{
    /// <summary>Most CertIDs the dev responder answers in one request.</summary>
    internal const int MaxRequests = 32;

    internal const string NonceOid = "1.3.6.1.5.5.7.48.1.2";

    internal byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PushSequence();
        writer.PushSequence();
        foreach (var certId in Certificates)
        {
            writer.PushSequence();
            certId.Encode(writer);
            writer.PopSequence();
        }

        writer.PopSequence();
        if (Nonce is not null)
        {
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
            ExtensionAsn.EncodeAll(writer, [new ExtensionAsn(NonceOid, false, EncodeNonceValue(Nonce))]);
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        }

        writer.PopSequence();
        writer.PopSequence();
        return writer.Encode();
    }

    internal static OcspRequestAsn Decode(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var request = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = request.ReadSequence();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            var version = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            if (!version.TryReadInt32(out var v) || v != 0)
            {
                throw new AsnContentException("unsupported OCSP request version");
            }
        }

        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            tbs.ReadEncodedValue();
        }

        var list = tbs.ReadSequence();
        var certIds = new List<CertIdAsn>();
        while (list.HasData)
        {
            if (certIds.Count == MaxRequests)
            {
                throw new AsnContentException($"more than {MaxRequests} certificates in one request");
            }

            var single = list.ReadSequence();
            certIds.Add(CertIdAsn.Decode(single));
            if (single.HasData)
            {
                single.ReadEncodedValue();
            }

            single.ThrowIfNotEmpty();
        }

        if (certIds.Count == 0)
        {
            throw new AsnContentException("requestList is empty");
        }

        byte[]? nonce = null;
        if (tbs.HasData)
        {
            var extensionsWrapper = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
            foreach (var extension in ExtensionAsn.DecodeAll(extensionsWrapper))
            {
                if (extension.Oid == NonceOid)
                {
                    nonce = DecodeNonceValue(extension.Value);
                }
            }
        }

        tbs.ThrowIfNotEmpty();

        // optionalSignature is accepted but not checked: the dev responder does not require signed requests.
        return new OcspRequestAsn(certIds, nonce);
    }

    /// <summary>RFC 8954: <c>Nonce ::= OCTET STRING(SIZE(1..32))</c>, carried DER-encoded in extnValue.</summary>
    internal static byte[] EncodeNonceValue(byte[] nonce)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(nonce);
        return writer.Encode();
    }

    internal static byte[] DecodeNonceValue(ReadOnlyMemory<byte> extensionValue)
    {
        // Some old responders put the raw nonce in extnValue without the inner OCTET STRING; accept both.
        try
        {
            var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
            var nonce = reader.ReadOctetString();
            if (!reader.HasData)
            {
                return nonce;
            }
        }
        catch (AsnContentException)
        {
        }

        return extensionValue.ToArray();
    }
}

/// <summary>The status of one certificate in an OCSP response.</summary>
internal enum OcspCertStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>One certificate's status in a BasicOCSPResponse.</summary>
/// <remarks>
/// <code>
/// SingleResponse ::= SEQUENCE {
///    certID                       CertID,
///    certStatus                   CertStatus,
///    thisUpdate                   GeneralizedTime,
///    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
///
/// CertStatus ::= CHOICE {
///     good        [0]     IMPLICIT NULL,
///     revoked     [1]     IMPLICIT RevokedInfo,
///     unknown     [2]     IMPLICIT UnknownInfo }
///
/// RevokedInfo ::= SEQUENCE {
///     revocationTime              GeneralizedTime,
///     revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
///
/// UnknownInfo ::= NULL
/// </code>
/// </remarks>
internal sealed record SingleResponseAsn(
    CertIdAsn CertId,
    OcspCertStatus Status,
    DateTimeOffset? RevocationTime,
    X509RevocationReason? RevocationReason,
    DateTimeOffset ThisUpdate,
    DateTimeOffset? NextUpdate)
{
    internal void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        CertId.Encode(writer);
        switch (Status)
        {
            case OcspCertStatus.Good:
                writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 0));
                break;
            case OcspCertStatus.Revoked:
                writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
                writer.WriteGeneralizedTime(RevocationTime!.Value, omitFractionalSeconds: true);
                if (RevocationReason is { } reason)
                {
                    writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                    writer.WriteEnumeratedValue(reason);
                    writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                }

                writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
                break;
            default:
                writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 2));
                break;
        }

        writer.WriteGeneralizedTime(ThisUpdate, omitFractionalSeconds: true);
        if (NextUpdate is { } next)
        {
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
            writer.WriteGeneralizedTime(next, omitFractionalSeconds: true);
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        }

        writer.PopSequence();
    }

    internal static SingleResponseAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var certId = CertIdAsn.Decode(seq);
        var statusTag = seq.PeekTag();
        OcspCertStatus status;
        DateTimeOffset? revocationTime = null;
        X509RevocationReason? reason = null;
        if (statusTag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            seq.ReadNull(new Asn1Tag(TagClass.ContextSpecific, 0));
            status = OcspCertStatus.Good;
        }
        else if (statusTag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            var revoked = seq.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
            revocationTime = revoked.ReadGeneralizedTime();
            if (revoked.HasData)
            {
                var reasonWrapper = revoked.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                reason = reasonWrapper.ReadEnumeratedValue<X509RevocationReason>();
                reasonWrapper.ThrowIfNotEmpty();
            }

            revoked.ThrowIfNotEmpty();
            status = OcspCertStatus.Revoked;
        }
        else if (statusTag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 2)))
        {
            seq.ReadNull(new Asn1Tag(TagClass.ContextSpecific, 2));
            status = OcspCertStatus.Unknown;
        }
        else
        {
            throw new AsnContentException($"unexpected certStatus tag {statusTag}");
        }

        var thisUpdate = seq.ReadGeneralizedTime();
        DateTimeOffset? nextUpdate = null;
        if (seq.HasData && seq.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            var wrapper = seq.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            nextUpdate = wrapper.ReadGeneralizedTime();
            wrapper.ThrowIfNotEmpty();
        }

        if (seq.HasData)
        {
            seq.ReadEncodedValue();
        }

        seq.ThrowIfNotEmpty();
        return new SingleResponseAsn(certId, status, revocationTime, reason, thisUpdate, nextUpdate);
    }
}

/// <summary>The signed body of an OCSP response.</summary>
/// <remarks>
/// <code>
/// OCSPResponse ::= SEQUENCE {
///    responseStatus         OCSPResponseStatus,
///    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
///
/// OCSPResponseStatus ::= ENUMERATED {
///     successful            (0),  -- Response has valid confirmations
///     malformedRequest      (1),  -- Illegal confirmation request
///     internalError         (2),  -- Internal error in issuer
///     tryLater              (3),  -- Try again later
///                                 -- (4) is not used
///     sigRequired           (5),  -- Must sign the request
///     unauthorized          (6)   -- Request unauthorized }
///
/// ResponseBytes ::=       SEQUENCE {
///     responseType   OBJECT IDENTIFIER,
///     response       OCTET STRING }
///
/// BasicOCSPResponse       ::= SEQUENCE {
///    tbsResponseData      ResponseData,
///    signatureAlgorithm   AlgorithmIdentifier,
///    signature            BIT STRING,
///    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
///
/// ResponseData ::= SEQUENCE {
///    version              [0] EXPLICIT Version DEFAULT v1,
///    responderID              ResponderID,
///    producedAt               GeneralizedTime,
///    responses                SEQUENCE OF SingleResponse,
///    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
///
/// ResponderID ::= CHOICE {
///    byName   [1] Name,
///    byKey    [2] KeyHash }
///
/// KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
/// </code>
/// </remarks>
internal sealed record BasicOcspResponseAsn(
    ReadOnlyMemory<byte> TbsResponseData,
    byte[]? ResponderKeyHash,
    ReadOnlyMemory<byte>? ResponderName,
    DateTimeOffset ProducedAt,
    IReadOnlyList<SingleResponseAsn> Responses,
    byte[]? Nonce,
    string SignatureAlgorithmOid,
    byte[] Signature,
    IReadOnlyList<byte[]> Certificates)
{
    internal const string BasicResponseType = "1.3.6.1.5.5.7.48.1.1";

    /// <summary>Most single responses or embedded certificates we read from one response.</summary>
    internal const int MaxItems = 64;

    /// <summary>Encodes <c>ResponseData</c>, the bytes the responder signs.</summary>
    internal static byte[] EncodeResponseData(byte[] responderKeyHash, DateTimeOffset producedAt, IReadOnlyList<SingleResponseAsn> responses, byte[]? nonce)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true));
        writer.WriteOctetString(responderKeyHash);
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true));
        writer.WriteGeneralizedTime(producedAt, omitFractionalSeconds: true);
        writer.PushSequence();
        foreach (var response in responses)
        {
            response.Encode(writer);
        }

        writer.PopSequence();
        if (nonce is not null)
        {
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
            ExtensionAsn.EncodeAll(writer, [new ExtensionAsn(OcspRequestAsn.NonceOid, false, OcspRequestAsn.EncodeNonceValue(nonce))]);
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
        }

        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>Wraps signed ResponseData into a successful <c>OCSPResponse</c>.</summary>
    internal static byte[] EncodeSuccessfulResponse(byte[] responseData, string signatureAlgorithmOid, byte[] signature, IEnumerable<X509Certificate2> certificates)
    {
        var basic = new AsnWriter(AsnEncodingRules.DER);
        basic.PushSequence();
        basic.WriteEncodedValue(responseData);
        SignatureAlgorithms.WriteSignatureAlgorithm(basic, signatureAlgorithmOid);
        basic.WriteBitString(signature);
        basic.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        basic.PushSequence();
        foreach (var certificate in certificates)
        {
            basic.WriteEncodedValue(certificate.RawData);
        }

        basic.PopSequence();
        basic.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        basic.PopSequence();

        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteEnumeratedValue(OcspResponseStatus.Successful);
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        writer.PushSequence();
        writer.WriteObjectIdentifier(BasicResponseType);
        writer.WriteOctetString(basic.Encode());
        writer.PopSequence();
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>An <c>OCSPResponse</c> without responseBytes, for every status but successful.</summary>
    internal static byte[] EncodeErrorResponse(OcspResponseStatus status)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteEnumeratedValue(status);
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>Decodes an <c>OCSPResponse</c>; returns the status, and the basic response when successful.</summary>
    internal static (OcspResponseStatus Status, BasicOcspResponseAsn? Basic) DecodeResponse(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var response = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var status = response.ReadEnumeratedValue<OcspResponseStatus>();
        if (status != OcspResponseStatus.Successful)
        {
            return (status, null);
        }

        var bytesWrapper = response.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        response.ThrowIfNotEmpty();
        var responseBytes = bytesWrapper.ReadSequence();
        bytesWrapper.ThrowIfNotEmpty();
        var type = responseBytes.ReadObjectIdentifier();
        if (type != BasicResponseType)
        {
            throw new AsnContentException($"responseType {type} is not id-pkix-ocsp-basic");
        }

        var basicDer = responseBytes.ReadOctetString();
        responseBytes.ThrowIfNotEmpty();
        DerInputGuard.Check(basicDer, "BasicOCSPResponse");
        return (status, DecodeBasic(basicDer));
    }

    private static BasicOcspResponseAsn DecodeBasic(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var basic = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbsBytes = basic.PeekEncodedValue();
        var tbs = basic.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            var version = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            if (!version.TryReadInt32(out var v) || v != 0)
            {
                throw new AsnContentException("unsupported ResponseData version");
            }
        }

        byte[]? keyHash = null;
        ReadOnlyMemory<byte>? name = null;
        var responderTag = tbs.PeekTag();
        if (responderTag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            var byName = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
            name = byName.ReadEncodedValue();
            byName.ThrowIfNotEmpty();
        }
        else if (responderTag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 2)))
        {
            var byKey = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
            keyHash = byKey.ReadOctetString();
            byKey.ThrowIfNotEmpty();
        }
        else
        {
            throw new AsnContentException($"unexpected ResponderID tag {responderTag}");
        }

        var producedAt = tbs.ReadGeneralizedTime();
        var list = tbs.ReadSequence();
        var responses = new List<SingleResponseAsn>();
        while (list.HasData)
        {
            if (responses.Count == MaxItems)
            {
                throw new AsnContentException($"more than {MaxItems} single responses");
            }

            responses.Add(SingleResponseAsn.Decode(list));
        }

        byte[]? nonce = null;
        if (tbs.HasData)
        {
            var extensionsWrapper = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
            foreach (var extension in ExtensionAsn.DecodeAll(extensionsWrapper))
            {
                if (extension.Oid == OcspRequestAsn.NonceOid)
                {
                    nonce = OcspRequestAsn.DecodeNonceValue(extension.Value);
                }
            }
        }

        tbs.ThrowIfNotEmpty();
        var algorithm = SignatureAlgorithms.ReadAlgorithmOid(basic);
        var signature = basic.ReadBitString(out var unused);
        if (unused != 0)
        {
            throw new AsnContentException("signature BIT STRING has unused bits");
        }

        var certificates = new List<byte[]>();
        if (basic.HasData)
        {
            var certsWrapper = basic.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            var certs = certsWrapper.ReadSequence();
            while (certs.HasData)
            {
                if (certificates.Count == MaxItems)
                {
                    throw new AsnContentException($"more than {MaxItems} certificates");
                }

                certificates.Add(certs.ReadEncodedValue().ToArray());
            }
        }

        basic.ThrowIfNotEmpty();
        return new BasicOcspResponseAsn(tbsBytes, keyHash, name, producedAt, responses, nonce, algorithm, signature, certificates);
    }
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
