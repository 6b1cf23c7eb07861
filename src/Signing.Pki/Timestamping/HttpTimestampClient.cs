using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Signing.Pki.Asn1;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Pki.Timestamping;

/// <summary>
/// RFC 3161 client over HTTP: sends a TimeStampReq with a random nonce and certReq, checks the
/// PKIStatus, the nonce and message imprint echo, the token signature, and the TSA certificate.
/// </summary>
public sealed class HttpTimestampClient : ITimestampClient
{
    private const int MaxResponseBytes = 256 * 1024;
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly CertificatePathValidator? _pathValidator;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client for the TSA at <paramref name="url"/>.</summary>
    /// <param name="http">The HTTP client to send through.</param>
    /// <param name="url">The TSA's address.</param>
    /// <param name="pathValidator">Validates the TSA certificate's path; null checks only its EKU.</param>
    /// <param name="timeout">How long to wait; 15 s when null.</param>
    public HttpTimestampClient(HttpClient http, Uri url, CertificatePathValidator? pathValidator = null, TimeSpan? timeout = null)
    {
        _http = http;
        _url = url;
        _pathValidator = pathValidator;
        _timeout = timeout ?? TimeSpan.FromSeconds(15);
    }

    /// <inheritdoc />
    public async Task<Rfc3161TimestampToken> TimestampHashAsync(ReadOnlyMemory<byte> hash, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken)
    {
        var nonce = RandomNumberGenerator.GetBytes(16);

        // A leading 0 byte would be stripped from the INTEGER and break the echo check in ProcessResponse.
        nonce[0] = (byte)(nonce[0] & 0x7F | 0x01);
        var request = Rfc3161TimestampRequest.CreateFromHash(hash, hashAlgorithm, requestedPolicyId: null, nonce: nonce, requestSignerCertificates: true);
        var response = await LimitedHttpTransport.ExchangeAsync(
            _http, _url, request.Encode(), "application/timestamp-query", "application/timestamp-reply",
            MaxResponseBytes, _timeout, cancellationToken).ConfigureAwait(false);
        var token = ReadResponse(request, response);
        var validation = await TimestampTokenValidator.ValidateAsync(token, hash, hashAlgorithm, _pathValidator, cancellationToken).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            throw new TimestampAuthorityException($"TSA {_url}: {validation.Detail}");
        }

        return token;
    }

    /// <summary>Checks a TimeStampResp against its request; throws for malformed input, refusals and mismatches.</summary>
    internal static Rfc3161TimestampToken ReadResponse(Rfc3161TimestampRequest request, byte[] response)
    {
        var envelope = DerInputGuard.Decode(response, "TimeStampResp", TimestampReply.Decode, MaxResponseBytes);
        if (envelope.Status is not (TimestampReply.Granted or TimestampReply.GrantedWithMods))
        {
            throw new TimestampAuthorityException($"TSA refused the request: status {envelope.Status}, failInfo bit {envelope.FailureBit?.ToString() ?? "none"}, text '{envelope.StatusText}'");
        }

        if (envelope.Token is null)
        {
            throw new MalformedPkiDataException("TimeStampResp", "status granted but no timeStampToken");
        }

        try
        {
            // Checks the nonce echo, the message imprint and the policy against the request.
            return request.ProcessResponse(response, out _);
        }
        catch (CryptographicException e)
        {
            throw new TimestampAuthorityException($"TSA response does not match the request: {e.Message}", e);
        }
    }
}
