using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Revocation;

/// <summary>
/// Downloads CRLs from a certificate's distribution points (and delta CRLs from freshestCRL),
/// verifies them against the issuer, and caches each one per issuer and URL until its nextUpdate.
/// </summary>
public sealed class CrlClient
{
    private readonly HttpClient _http;
    private readonly RevocationClientOptions _options;
    private readonly ConcurrentDictionary<string, CertificateRevocationList> _cache = new();

    /// <summary>Creates a client downloading through <paramref name="http"/>.</summary>
    public CrlClient(HttpClient http, RevocationClientOptions? options = null)
    {
        _http = http;
        _options = options ?? new RevocationClientOptions();
    }

    /// <summary>Downloads (or takes from cache) the CRL at <paramref name="url"/> and checks it was signed by <paramref name="issuer"/>.</summary>
    /// <exception cref="PkiTransportException">Download failed.</exception>
    /// <exception cref="MalformedPkiDataException">Not a CRL, or not signed by <paramref name="issuer"/>.</exception>
    public Task<CertificateRevocationList> FetchAsync(Uri url, X509Certificate2 issuer, CancellationToken cancellationToken)
        => FetchAsync(url, issuer, fresh: false, cancellationToken);

    /// <summary>As <see cref="FetchAsync(Uri, X509Certificate2, CancellationToken)"/>; with <paramref name="fresh"/> the CRL is downloaded again (and cached).</summary>
    /// <exception cref="PkiTransportException">Download failed.</exception>
    /// <exception cref="MalformedPkiDataException">Not a CRL, or not signed by <paramref name="issuer"/>.</exception>
    public async Task<CertificateRevocationList> FetchAsync(Uri url, X509Certificate2 issuer, bool fresh, CancellationToken cancellationToken)
    {
        var key = issuer.Thumbprint + " " + url;
        var now = _options.Time.GetUtcNow();
        if (!fresh && _cache.TryGetValue(key, out var cached) && cached.NextUpdate > now)
        {
            return cached;
        }

        var bytes = await LimitedHttpTransport.ExchangeAsync(_http, url, null, null, null, _options.MaxCrlBytes, _options.Timeout, cancellationToken).ConfigureAwait(false);
        var crl = CertificateRevocationList.Decode(bytes, _options.MaxCrlBytes);
        if (!crl.IsSignedBy(issuer))
        {
            throw new MalformedPkiDataException("CertificateList", $"CRL from {url} is not signed by '{issuer.Subject}'");
        }

        if (crl.NextUpdate is { } next && next > now)
        {
            _cache[key] = crl;
        }

        return crl;
    }

    /// <summary>Looks <paramref name="certificate"/> up in its issuer's CRLs; never throws for network or format failures.</summary>
    public Task<RevocationResult> CheckAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken)
        => CheckAsync(certificate, issuer, fresh: false, cancellationToken);

    /// <summary>As <see cref="CheckAsync(X509Certificate2, X509Certificate2, CancellationToken)"/>; with <paramref name="fresh"/> each CRL is downloaded again.</summary>
    public async Task<RevocationResult> CheckAsync(X509Certificate2 certificate, X509Certificate2 issuer, bool fresh, CancellationToken cancellationToken)
    {
        var urls = CertificateLocations.CrlUrls(certificate);
        if (urls.Count == 0)
        {
            return RevocationResult.Unavailable("CRL", "the certificate names no CRL distribution point");
        }

        RevocationResult? last = null;
        foreach (var url in urls.Take(4))
        {
            var source = $"CRL {url}";
            try
            {
                var crl = await FetchAsync(url, issuer, fresh, cancellationToken).ConfigureAwait(false);
                last = await EvaluateAsync(crl, certificate, issuer, source, cancellationToken).ConfigureAwait(false);
                if (last.Status != RevocationStatus.Unknown)
                {
                    return last;
                }
            }
            catch (Exception e) when (e is PkiTransportException or MalformedPkiDataException)
            {
                last = RevocationResult.Unavailable(source, e.Message);
            }
        }

        return last!;
    }

    private async Task<RevocationResult> EvaluateAsync(CertificateRevocationList crl, X509Certificate2 certificate, X509Certificate2 issuer, string source, CancellationToken cancellationToken)
    {
        var now = _options.Time.GetUtcNow();
        if (crl.IsDelta)
        {
            return RevocationResult.Unavailable(source, "the distribution point serves a delta CRL, not a full one");
        }

        if (crl.NextUpdate is { } next && next < now - _options.ClockSkew)
        {
            return RevocationResult.Unavailable(source, $"the CRL expired at {next:O}");
        }

        IReadOnlyCollection<RevokedCertificateEntry> entries = crl.RevokedCertificates;
        var thisUpdate = crl.ThisUpdate;
        var nextUpdate = crl.NextUpdate;
        foreach (var deltaUrl in crl.FreshestCrlUrls.Take(2))
        {
            try
            {
                var delta = await FetchAsync(deltaUrl, issuer, cancellationToken).ConfigureAwait(false);
                if (delta.IsDelta && delta.BaseCrlNumber <= crl.CrlNumber && delta.NextUpdate >= now - _options.ClockSkew)
                {
                    entries = CertificateRevocationList.Merge(crl, delta);
                    thisUpdate = delta.ThisUpdate;
                    nextUpdate = delta.NextUpdate;
                    source += $" + delta {deltaUrl}";
                    break;
                }
            }
            catch (Exception e) when (e is PkiTransportException or MalformedPkiDataException)
            {
                // The full CRL still answers; a missing delta only makes the answer older.
            }
        }

        var serial = new System.Numerics.BigInteger(certificate.SerialNumberBytes.Span, isBigEndian: true);
        var entry = entries.FirstOrDefault(e => new System.Numerics.BigInteger(e.SerialNumber, isBigEndian: true) == serial);
        var evidence = crl.Encoded.ToArray();
        return entry is null
            ? new RevocationResult(RevocationStatus.Good, source, ThisUpdate: thisUpdate, NextUpdate: nextUpdate) { Evidence = evidence }
            : new RevocationResult(RevocationStatus.Revoked, source, entry.RevocationDate, entry.Reason, thisUpdate, nextUpdate) { Evidence = evidence };
    }
}
