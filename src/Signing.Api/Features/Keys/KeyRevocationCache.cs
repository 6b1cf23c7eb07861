using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Keys;

/// <summary>What the revocation check says about a key before it signs.</summary>
/// <param name="Usable">True when the key may sign.</param>
/// <param name="Unavailable">True when no revocation source answered: the key is not known to be bad, but must not sign now.</param>
/// <param name="Detail">Why not, in words for a problem detail; null when usable.</param>
public sealed record KeyRevocationVerdict(bool Usable, bool Unavailable, string? Detail);

/// <summary>
/// Checks a key's certificate against OCSP, then its CRL (through Signing.Pki's <see cref="RevocationChecker"/>), and
/// caches each definite answer until the source's nextUpdate so that a busy key does not query the CA per signature.
/// A key registered without its issuer (a token that holds only its leaf) has the issuer fetched from its certificate's
/// AIA caIssuers URL through <see cref="IssuerCertificateFetcher"/>, which keeps the answer.
/// </summary>
public sealed class KeyRevocationCache(RevocationChecker revocation, IssuerCertificateFetcher issuerFetcher, TimeProvider clock)
{
    /// <summary>The named HTTP client revocation requests go through.</summary>
    public const string HttpClientName = "revocation";

    // Answers without nextUpdate are kept briefly: long enough to spare the responder, short enough to notice a revocation.
    private static readonly TimeSpan DefaultFreshness = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (RevocationResult Result, DateTimeOffset FreshUntil)> _cache = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/>'s certificate is revoked, according to its issuer's OCSP responder or CRL.</summary>
    public async Task<KeyRevocationVerdict> CheckAsync(SigningKey key, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key.Thumbprint, out var cached) && cached.FreshUntil > now)
        {
            return Verdict(cached.Result);
        }

        var certificate = key.SignerCertificate();
        if (!RevocationSources.AreNamedBy(certificate))
        {
            return new KeyRevocationVerdict(true, false, null);
        }

        var issuer = RevocationSources.FindIssuer(certificate, key.RegisteredChain())
            ?? RevocationSources.FindIssuer(certificate, await issuerFetcher.CompleteAsync(certificate, key.RegisteredChain(), ct));
        if (issuer is null)
        {
            return new KeyRevocationVerdict(false, false,
                $"The key's certificate names revocation sources but its issuer '{certificate.Issuer}' is neither in the registered chain nor at its AIA caIssuers URL, so revocation cannot be checked; register the key with its chain.");
        }

        return Verdict(await CheckAndCacheAsync(key.Thumbprint, certificate, issuer, fresh: false, ct));
    }

    /// <summary>
    /// The revocation status of any certificate whose issuer is in <paramref name="chain"/> (the certificate watch's
    /// question), through the same cache as the keys' checks; null when the certificate names no revocation source or
    /// its issuer is not in the chain. With <paramref name="fresh"/> a cached good answer is not trusted: the source is
    /// asked again and the cache refreshed, so that a revocation published since is seen at once (a revoked answer stays).
    /// </summary>
    public async Task<RevocationResult?> StatusAsync(X509Certificate2 certificate, IEnumerable<X509Certificate2> chain, bool fresh, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var thumbprint = Pki.CertificateThumbprint.Sha256Hex(certificate);
        if (_cache.TryGetValue(thumbprint, out var cached) && cached.FreshUntil > clock.GetUtcNow() && (!fresh || cached.Result.Status == RevocationStatus.Revoked))
        {
            return cached.Result;
        }

        if (!RevocationSources.AreNamedBy(certificate) || RevocationSources.FindIssuer(certificate, chain) is not { } issuer)
        {
            return null;
        }

        return await CheckAndCacheAsync(thumbprint, certificate, issuer, fresh, ct);
    }

    private async Task<RevocationResult> CheckAndCacheAsync(string thumbprint, X509Certificate2 certificate, X509Certificate2 issuer, bool fresh, CancellationToken ct)
    {
        var result = await revocation.CheckAsync(certificate, issuer, fresh, ct);
        if (result.Status != RevocationStatus.Unknown)
        {
            _cache[thumbprint] = (result, result.NextUpdate ?? clock.GetUtcNow() + DefaultFreshness);
        }

        return result;
    }

    private static KeyRevocationVerdict Verdict(RevocationResult result) => result.Status switch
    {
        RevocationStatus.Good => new KeyRevocationVerdict(true, false, null),
        RevocationStatus.Revoked => new KeyRevocationVerdict(false, false,
            $"The key's certificate was revoked{(result.RevocationTime is { } at ? $" on {at:yyyy-MM-dd HH:mm:ss}Z" : "")}" +
            $"{(result.Reason is { } reason ? $" ({reason})" : "")}, according to {result.Source}."),
        _ => new KeyRevocationVerdict(false, true,
            $"The revocation status of the key's certificate could not be established ({result.Problem}); signing is refused until OCSP or the CRL answers."),
    };
}
