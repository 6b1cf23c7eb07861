using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;

namespace Signing.Pki.Revocation;

/// <summary>
/// RFC 6960 OCSP client: sends a request with a nonce, checks that the response is signed by the CA
/// or by a responder the CA delegated with id-kp-OCSPSigning, matches the CertID and nonce, checks
/// thisUpdate / nextUpdate, and caches answers until their nextUpdate.
/// </summary>
public sealed class OcspClient
{
    internal const string OcspSigningEku = "1.3.6.1.5.5.7.3.9";

    private readonly HttpClient _http;
    private readonly RevocationClientOptions _options;
    private readonly ConcurrentDictionary<string, RevocationResult> _cache = new();

    /// <summary>Creates a client sending through <paramref name="http"/>.</summary>
    public OcspClient(HttpClient http, RevocationClientOptions? options = null)
    {
        _http = http;
        _options = options ?? new RevocationClientOptions();
    }

    /// <summary>Asks the certificate's AIA OCSP responder(s) about <paramref name="certificate"/>; never throws for protocol failures.</summary>
    public Task<RevocationResult> CheckAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken)
        => CheckAsync(certificate, issuer, fresh: false, cancellationToken);

    /// <summary>
    /// As <see cref="CheckAsync(X509Certificate2, X509Certificate2, CancellationToken)"/>; with <paramref name="fresh"/> a cached
    /// good answer is not used (the responder is asked, and its answer cached), for callers whose job is to notice a
    /// revocation as soon as it is published. A cached revoked answer stands.
    /// </summary>
    public async Task<RevocationResult> CheckAsync(X509Certificate2 certificate, X509Certificate2 issuer, bool fresh, CancellationToken cancellationToken)
    {
        var urls = CertificateLocations.OcspUrls(certificate);
        if (urls.Count == 0)
        {
            return RevocationResult.Unavailable("OCSP", "the certificate names no OCSP responder");
        }

        var now = _options.Time.GetUtcNow();
        var cacheKey = issuer.Thumbprint + ":" + certificate.SerialNumber;
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.NextUpdate > now && (!fresh || cached.Status == RevocationStatus.Revoked))
        {
            return cached;
        }

        RevocationResult? last = null;
        foreach (var url in urls.Take(4))
        {
            last = await QueryAsync(url, certificate, issuer, cancellationToken).ConfigureAwait(false);
            if (last.Status != RevocationStatus.Unknown)
            {
                if (last.NextUpdate is not null)
                {
                    _cache[cacheKey] = last;
                }

                return last;
            }
        }

        return last!;
    }

    /// <summary>Sends one request to <paramref name="url"/> and validates the answer.</summary>
    internal async Task<RevocationResult> QueryAsync(Uri url, X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken)
    {
        var source = $"OCSP {url}";
        var certId = OcspCertificateId.For(issuer, certificate.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA1);
        var nonce = RandomNumberGenerator.GetBytes(16);
        var request = new OcspRequestMessage([certId], nonce).Encode();
        byte[] responseBytes;
        try
        {
            responseBytes = await LimitedHttpTransport.ExchangeAsync(
                _http, url, request, "application/ocsp-request", "application/ocsp-response",
                _options.MaxOcspResponseBytes, _options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (PkiTransportException e)
        {
            return RevocationResult.Unavailable(source, e.Message);
        }

        try
        {
            var result = Interpret(responseBytes, certId, nonce, issuer, source);
            return result.Status == RevocationStatus.Unknown ? result : result with { Evidence = responseBytes };
        }
        catch (MalformedPkiDataException e)
        {
            return RevocationResult.Unavailable(source, e.Message);
        }
    }

    /// <summary>Validates a raw OCSP response for <paramref name="certId"/>; throws only for malformed bytes.</summary>
    internal RevocationResult Interpret(byte[] responseBytes, OcspCertificateId certId, byte[]? nonce, X509Certificate2 issuer, string source)
    {
        var (status, basic) = DerInputGuard.Decode(responseBytes, "OCSPResponse", OcspBasicResponse.DecodeResponse, _options.MaxOcspResponseBytes);
        if (basic is null)
        {
            return RevocationResult.Unavailable(source, $"responder answered {status}");
        }

        var responder = FindResponder(basic, issuer);
        if (responder is null)
        {
            return RevocationResult.Unavailable(source, "the response's ResponderID matches neither the CA nor an included certificate");
        }

        if (!SignatureAlgorithms.Verify(basic.SignatureAlgorithmOid, basic.TbsResponseData.Span, basic.Signature, responder))
        {
            return RevocationResult.Unavailable(source, "the response signature does not verify");
        }

        if (!IsAuthorisedResponder(responder, issuer, basic.ProducedAt, out var why))
        {
            return RevocationResult.Unavailable(source, why);
        }

        if (nonce is not null && basic.Nonce is not null && !basic.Nonce.AsSpan().SequenceEqual(nonce))
        {
            return RevocationResult.Unavailable(source, "the response nonce does not match the request (replay?)");
        }

        var single = basic.Responses.FirstOrDefault(r => r.CertId.Matches(certId));
        if (single is null)
        {
            return RevocationResult.Unavailable(source, "the response does not cover the requested certificate");
        }

        var now = _options.Time.GetUtcNow();
        if (single.ThisUpdate > now + _options.ClockSkew)
        {
            return RevocationResult.Unavailable(source, $"thisUpdate {single.ThisUpdate:O} is in the future");
        }

        if (single.NextUpdate is { } next ? next < now - _options.ClockSkew : single.ThisUpdate < now - _options.MaxOcspAgeWithoutNextUpdate)
        {
            return RevocationResult.Unavailable(source, $"the response is stale (thisUpdate {single.ThisUpdate:O}, nextUpdate {single.NextUpdate:O})");
        }

        return single.Status switch
        {
            OcspCertStatus.Good => new RevocationResult(RevocationStatus.Good, source, ThisUpdate: single.ThisUpdate, NextUpdate: single.NextUpdate),
            OcspCertStatus.Revoked => new RevocationResult(RevocationStatus.Revoked, source, single.RevocationTime, single.RevocationReason, single.ThisUpdate, single.NextUpdate),
            _ => new RevocationResult(RevocationStatus.Unknown, source, ThisUpdate: single.ThisUpdate, NextUpdate: single.NextUpdate, Problem: "the responder does not know the certificate"),
        };
    }

    private static X509Certificate2? FindResponder(OcspBasicResponse basic, X509Certificate2 issuer)
    {
        var candidates = new List<X509Certificate2> { issuer };
        foreach (var raw in basic.Certificates)
        {
            try
            {
                candidates.Add(X509CertificateLoader.LoadCertificate(raw));
            }
            catch (CryptographicException)
            {
                // An undecodable extra certificate cannot be the responder; ignore it.
            }
        }

        foreach (var candidate in candidates)
        {
            if (basic.ResponderKeyHash is { } keyHash
                ? SHA1.HashData(OcspCertificateId.IssuerKeyBits(candidate)).AsSpan().SequenceEqual(keyHash)
                : candidate.SubjectName.RawData.AsSpan().SequenceEqual(basic.ResponderName!.Value.Span))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>RFC 6960 4.2.2.2: the CA itself, or a certificate the CA issued with id-kp-OCSPSigning.</summary>
    private static bool IsAuthorisedResponder(X509Certificate2 responder, X509Certificate2 issuer, DateTimeOffset producedAt, out string problem)
    {
        problem = "";
        if (responder.RawData.AsSpan().SequenceEqual(issuer.RawData))
        {
            return true;
        }

        if (!responder.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData)
            || !CertificateSignature.IsIssuedBy(responder, issuer))
        {
            problem = $"OCSP responder '{responder.Subject}' is not the CA and was not issued by it";
            return false;
        }

        var eku = responder.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == OcspSigningEku))
        {
            problem = $"OCSP responder '{responder.Subject}' lacks id-kp-OCSPSigning";
            return false;
        }

        if (producedAt < responder.NotBefore || producedAt > responder.NotAfter)
        {
            problem = $"OCSP responder certificate was not valid at producedAt {producedAt:O}";
            return false;
        }

        return true;
    }
}
