using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;

namespace Signing.Pki.Validation;

/// <summary>
/// Completes a certificate path through the Authority Information Access caIssuers URLs (RFC 5280 4.2.2.1): a token
/// that holds only its leaf certificate, or a signature that embeds only its signer, still reaches its intermediate CA
/// and root. Bounded: at most <see cref="MaxHops"/> certificates, <see cref="MaxResponseBytes"/> per answer, a timeout
/// per request, HTTP only; answers are kept per URL for the life of the process (bounded too). A fetched certificate is
/// used only when it names the child's issuer and verifies the child's signature.
/// </summary>
public sealed class IssuerCertificateFetcher
{
    /// <summary>Most certificates fetched for one path.</summary>
    public const int MaxHops = 4;

    /// <summary>Largest caIssuers answer read (a DER certificate or a certs-only PKCS#7 bundle).</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private const int MaxCachedUrls = 256;
    private static readonly ConcurrentDictionary<string, byte[]> Answers = new(StringComparer.Ordinal);

    private readonly HttpClient http;
    private readonly TimeSpan timeout;

    /// <summary>Creates a fetcher.</summary>
    /// <param name="http">The HTTP client to use.</param>
    /// <param name="timeout">Per-request timeout; 10 seconds when null.</param>
    public IssuerCertificateFetcher(HttpClient http, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        this.http = http;
        this.timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// Walks up from <paramref name="certificate"/>, taking each issuer from <paramref name="known"/> when it is there
    /// and from the caIssuers URL otherwise, until a self-signed certificate; returns only the certificates fetched
    /// (empty when nothing was missing or nothing could be fetched).
    /// </summary>
    /// <param name="certificate">Where the path starts (a signer or TSA certificate).</param>
    /// <param name="known">Certificates already at hand (embedded, configured).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<IReadOnlyList<X509Certificate2>> CompleteAsync(X509Certificate2 certificate, IEnumerable<X509Certificate2> known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var pool = known.ToList();
        var fetched = new List<X509Certificate2>();
        var current = certificate;
        for (var hop = 0; hop <= MaxHops && !IsSelfSigned(current); hop++)
        {
            var issuer = pool.Concat(fetched).FirstOrDefault(candidate => IsIssuerOf(candidate, current));
            if (issuer is null)
            {
                if (fetched.Count >= MaxHops || await FetchIssuerAsync(current, cancellationToken).ConfigureAwait(false) is not { } downloaded)
                {
                    break;
                }

                fetched.Add(downloaded);
                issuer = downloaded;
            }

            current = issuer;
        }

        return fetched;
    }

    private async Task<X509Certificate2?> FetchIssuerAsync(X509Certificate2 child, CancellationToken cancellationToken)
    {
        foreach (var url in CertificateLocations.CaIssuerUrls(child).Take(2))
        {
            var key = url.AbsoluteUri;
            if (!Answers.TryGetValue(key, out var answer))
            {
                try
                {
                    answer = await LimitedHttpTransport.ExchangeAsync(http, url, null, null, null, MaxResponseBytes, timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (PkiTransportException)
                {
                    continue;
                }

                if (Answers.Count >= MaxCachedUrls)
                {
                    Answers.Clear();
                }

                Answers[key] = answer;
            }

            if (Certificates(answer).FirstOrDefault(candidate => IsIssuerOf(candidate, child)) is { } issuer)
            {
                return issuer;
            }
        }

        return null;
    }

    /// <summary>RFC 5280 4.2.2.1: a DER certificate (application/pkix-cert) or a certs-only CMS (application/pkcs7-mime); PEM is accepted too.</summary>
    private static List<X509Certificate2> Certificates(byte[] answer)
    {
        try
        {
            return [SharedCertificates.Load(answer)];
        }
        catch (CryptographicException)
        {
        }

        try
        {
            var bundle = new SignedCms();
            bundle.Decode(answer);
            return [.. bundle.Certificates.Select(SharedCertificates.Share)];
        }
        catch (CryptographicException)
        {
        }

        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(System.Text.Encoding.ASCII.GetString(answer));
            return [.. collection.Select(SharedCertificates.Share)];
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return [];
        }
    }

    private static bool IsIssuerOf(X509Certificate2 candidate, X509Certificate2 child) =>
        candidate.SubjectName.RawData.AsSpan().SequenceEqual(child.IssuerName.RawData) && CertificateSignature.IsIssuedBy(child, candidate);

    private static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}
