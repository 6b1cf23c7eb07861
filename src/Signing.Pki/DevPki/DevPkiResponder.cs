using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;

namespace Signing.Pki.DevPki;

/// <summary>An HTTP answer from <see cref="DevPkiResponder.Handle"/>, independent of any server framework.</summary>
/// <param name="StatusCode">HTTP status code.</param>
/// <param name="ContentType">Media type of <paramref name="Body"/>.</param>
/// <param name="Body">Response body.</param>
public sealed record DevPkiHttpResponse(int StatusCode, string ContentType, byte[] Body);

/// <summary>
/// The dev PKI's OCSP responder, RFC 3161 TSA and CRL publisher as byte-in / byte-out methods, so any
/// host (the CLI's HttpListener, the ASP.NET API under /dev-pki/) can mount the same logic.
/// </summary>
public sealed class DevPkiResponder
{
    /// <summary>Largest OCSP request or timestamp query accepted.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    private const string TstInfoContentType = "1.2.840.113549.1.9.16.1.4";
    private readonly DevCertificateAuthority _authority;
    private readonly TimeProvider _time;

    /// <summary>Creates a responder for <paramref name="authority"/>.</summary>
    public DevPkiResponder(DevCertificateAuthority authority, TimeProvider? time = null)
    {
        _authority = authority;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Routes a request relative to the mount point: <c>POST /tsa</c>, <c>POST /ocsp</c>, <c>GET /ocsp/{base64}</c>,
    /// <c>GET /crl</c>, <c>GET /root.crl</c>, <c>GET /ca.cer</c>, <c>GET /root.cer</c>.
    /// </summary>
    public DevPkiHttpResponse Handle(string method, string path, ReadOnlySpan<byte> body)
    {
        var isGet = string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase);
        var isPost = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase);
        if (body.Length > MaxRequestBytes)
        {
            return Text(413, $"request body above {MaxRequestBytes} bytes");
        }

        switch (path)
        {
            case "/tsa" when isPost:
                return new(200, "application/timestamp-reply", RespondToTimestampQuery(body));
            case "/ocsp" when isPost:
                return new(200, "application/ocsp-response", RespondToOcsp(body));
            case "/crl" when isGet:
                return new(200, "application/pkix-crl", _authority.BuildCrl(rootCrl: false, _time));
            case "/root.crl" when isGet:
                return new(200, "application/pkix-crl", _authority.BuildCrl(rootCrl: true, _time));
            case "/ca.cer" when isGet:
                return new(200, "application/pkix-cert", _authority.SubCa.RawData);
            case "/root.cer" when isGet:
                return new(200, "application/pkix-cert", _authority.Root.RawData);
            case "/tsa" or "/ocsp" or "/crl" or "/root.crl" or "/ca.cer" or "/root.cer":
                return Text(405, $"{method} is not allowed on {path}");
        }

        if (isGet && path.StartsWith("/ocsp/", StringComparison.Ordinal))
        {
            // RFC 6960 appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER encoding of the OCSPRequest}
            var encoded = Uri.UnescapeDataString(path["/ocsp/".Length..]);
            if (encoded.Length > MaxRequestBytes * 2)
            {
                return Text(414, "OCSP GET request too long");
            }

            var request = new byte[encoded.Length];
            return Convert.TryFromBase64String(encoded, request, out var length)
                ? new(200, "application/ocsp-response", RespondToOcsp(request.AsSpan(0, length)))
                : new(200, "application/ocsp-response", OcspBasicResponse.EncodeErrorResponse(OcspResponseStatus.MalformedRequest));
        }

        return Text(404, "dev PKI endpoints: POST /tsa, POST /ocsp, GET /ocsp/{base64}, GET /crl, GET /root.crl, GET /ca.cer, GET /root.cer");
    }

    /// <summary>Answers a DER OCSPRequest with a DER OCSPResponse; malformed input gets malformedRequest, never an exception.</summary>
    public byte[] RespondToOcsp(ReadOnlySpan<byte> request)
    {
        OcspRequestMessage parsed;
        try
        {
            parsed = DerInputGuard.Decode(request.ToArray(), "OCSPRequest", OcspRequestMessage.Decode, MaxRequestBytes);
        }
        catch (MalformedPkiDataException)
        {
            return OcspBasicResponse.EncodeErrorResponse(OcspResponseStatus.MalformedRequest);
        }

        var first = parsed.Certificates[0];
        (string Tag, X509Certificate2 Issuer, X509Certificate2 Signer, RSA Key)? authority =
            first.IsIssuedBy(_authority.SubCa) ? ("ca", _authority.SubCa, _authority.Ocsp, _authority.OcspKey)
            : first.IsIssuedBy(_authority.Root) ? ("root", _authority.Root, _authority.Root, _authority.RootKey)
            : null;
        if (authority is not { } a)
        {
            return OcspBasicResponse.EncodeErrorResponse(OcspResponseStatus.Unauthorized);
        }

        var now = TruncateToSeconds(_time.GetUtcNow());
        var responses = new List<OcspSingleResponse>();
        foreach (var certId in parsed.Certificates)
        {
            var (issued, revocation) = certId.IsIssuedBy(a.Issuer) ? _authority.Lookup(a.Tag, certId.SerialNumber) : (false, null);
            responses.Add(revocation is not null
                ? new OcspSingleResponse(certId, OcspCertStatus.Revoked, revocation.RevokedAt, Enum.Parse<X509RevocationReason>(revocation.Reason), now, now.AddHours(1))
                : new OcspSingleResponse(certId, issued ? OcspCertStatus.Good : OcspCertStatus.Unknown, null, null, now, now.AddHours(1)));
        }

        var responseData = OcspBasicResponse.EncodeResponseData(SHA1.HashData(OcspCertificateId.IssuerKeyBits(a.Signer)), now, responses, parsed.Nonce);
        var signature = SignatureAlgorithms.Sign(a.Key, HashAlgorithmName.SHA256, responseData);
        return OcspBasicResponse.EncodeSuccessfulResponse(responseData, SignatureAlgorithms.Sha256WithRsa, signature, [a.Signer]);
    }

    /// <summary>Answers a DER TimeStampReq with a DER TimeStampResp; bad queries get status rejection, never an exception.</summary>
    public byte[] RespondToTimestampQuery(ReadOnlySpan<byte> query)
    {
        try
        {
            DerInputGuard.Check(query, "TimeStampReq", MaxRequestBytes);
        }
        catch (MalformedPkiDataException e)
        {
            return Reject(TimestampReply.BadDataFormat, e.Message);
        }

        if (!Rfc3161TimestampRequest.TryDecode(query.ToArray(), out var request, out var consumed) || consumed != query.Length)
        {
            return Reject(TimestampReply.BadDataFormat, "not a TimeStampReq");
        }

        var hashOid = request.HashAlgorithmId.Value ?? "";
        var expectedLength = hashOid switch
        {
            SignatureAlgorithms.Sha256 => 32,
            SignatureAlgorithms.Sha384 => 48,
            SignatureAlgorithms.Sha512 => 64,
            _ => -1,
        };
        if (expectedLength < 0 || request.GetMessageHash().Length != expectedLength)
        {
            return Reject(TimestampReply.BadAlg, $"hash algorithm {hashOid} with a {request.GetMessageHash().Length}-byte imprint is not accepted (SHA-256/384/512)");
        }

        var policy = _authority.TsaPolicyOid;
        if (request.RequestedPolicyId is { } requested && requested.Value != policy)
        {
            return Reject(TimestampReply.UnacceptedPolicy, $"policy {requested.Value} is not offered; this TSA uses {policy}");
        }

        if (request.HasExtensions)
        {
            return Reject(TimestampReply.UnacceptedExtension, "extensions are not accepted");
        }

        var now = _time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)(serial[0] & 0x7F | 0x01);
        var tokenInfo = new Rfc3161TimestampTokenInfo(
            new Oid(policy), request.HashAlgorithmId, request.GetMessageHash(), serial, now,
            accuracyInMicroseconds: 1_000_000, isOrdering: false, nonce: request.GetNonce());

        var signedCms = new SignedCms(new ContentInfo(new Oid(TstInfoContentType), tokenInfo.Encode()));
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _authority.Tsa, _authority.TsaKey)
        {
            DigestAlgorithm = new Oid(SignatureAlgorithms.Sha256),
            IncludeOption = request.RequestSignerCertificate ? X509IncludeOption.EndCertOnly : X509IncludeOption.None,
        };

        if (request.RequestSignerCertificate)
        {
            // The issuing CA too, so verifiers holding only the root can build the TSA's path.
            signer.Certificates.Add(_authority.SubCa);
        }

        // RFC 3161 / RFC 5816: the token must bind the TSA certificate through ESS signing-certificate(-v2).
        signer.SignedAttributes.Add(new AsnEncodedData(EssSigningCertificateV2.Oid, EssSigningCertificateV2.Encode(_authority.Tsa)));
        signedCms.ComputeSignature(signer, silent: true);
        return new TimestampReply(TimestampReply.Granted, null, null, signedCms.Encode()).Encode();
    }

    private static byte[] Reject(int failureBit, string text) =>
        new TimestampReply(TimestampReply.Rejection, text, failureBit, null).Encode();

    private static DevPkiHttpResponse Text(int status, string text) => new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text + "\n"));

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
