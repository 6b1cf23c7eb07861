using System.Security.Cryptography.X509Certificates;

namespace Signing.Pki.Revocation;

/// <summary>Asks OCSP first and falls back to the CRL when OCSP gives no usable answer.</summary>
public sealed class RevocationChecker
{
    private readonly OcspClient _ocsp;
    private readonly CrlClient _crl;

    /// <summary>Creates a checker from its two sources.</summary>
    public RevocationChecker(OcspClient ocsp, CrlClient crl)
    {
        _ocsp = ocsp;
        _crl = crl;
    }

    /// <summary>Creates a checker whose OCSP and CRL clients share <paramref name="http"/>.</summary>
    public static RevocationChecker Create(HttpClient http, RevocationClientOptions? options = null) =>
        new(new OcspClient(http, options), new CrlClient(http, options));

    /// <summary>Returns the first definite answer (good or revoked), or unknown with both sources' problems.</summary>
    public Task<RevocationResult> CheckAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken)
        => CheckAsync(certificate, issuer, fresh: false, cancellationToken);

    /// <summary>
    /// As <see cref="CheckAsync(X509Certificate2, X509Certificate2, CancellationToken)"/>; with <paramref name="fresh"/> neither
    /// client answers from a cached good status or CRL, so a revocation published since is seen (a certificate watch).
    /// </summary>
    public async Task<RevocationResult> CheckAsync(X509Certificate2 certificate, X509Certificate2 issuer, bool fresh, CancellationToken cancellationToken)
    {
        var ocsp = await _ocsp.CheckAsync(certificate, issuer, fresh, cancellationToken).ConfigureAwait(false);
        if (ocsp.Status != RevocationStatus.Unknown)
        {
            return ocsp;
        }

        var crl = await _crl.CheckAsync(certificate, issuer, fresh, cancellationToken).ConfigureAwait(false);
        if (crl.Status != RevocationStatus.Unknown)
        {
            return crl;
        }

        return RevocationResult.Unavailable($"{ocsp.Source}; {crl.Source}", $"OCSP: {ocsp.Problem}; CRL: {crl.Problem}");
    }
}
