using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Signing.Pki.Revocation;

namespace Signing.Api.Features.Auth;

/// <summary>
/// What this service checks on a client certificate beyond the chain that
/// Microsoft.AspNetCore.Authentication.Certificate validates: revocation through the node's own
/// OCSP and CRL clients, the thumbprint that maps it to a registered principal, and a reason for
/// every refusal.
/// </summary>
public sealed class ClientCertificateValidator
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private readonly X509Certificate2Collection _authorities;
    private readonly TimeProvider _clock;
    private readonly RevocationChecker _revocation;
    private readonly ClientCertificateRevocationMode _revocationMode;

    /// <summary>Loads the configured client CAs.</summary>
    public ClientCertificateValidator(IOptions<AuthOptions> options, TimeProvider clock, RevocationChecker revocation)
    {
        _clock = clock;
        _revocation = revocation;
        _revocationMode = options.Value.ClientCertificateRevocation;
        _authorities = LoadAuthorities(options.Value);
    }

    /// <summary>The CA certificates from <c>Auth:ClientCertificateAuthorities</c>.</summary>
    public static X509Certificate2Collection LoadAuthorities(AuthOptions options)
    {
        var authorities = new X509Certificate2Collection();
        foreach (var path in options.ClientCertificateAuthorities)
        {
            authorities.ImportFromPemFile(path);
        }

        return authorities;
    }

    /// <summary>
    /// Null when the certificate's revocation status allows it (per <see cref="AuthOptions.ClientCertificateRevocation"/>),
    /// otherwise why not. Call it only for a certificate whose chain was accepted.
    /// </summary>
    public async Task<string?> CheckRevocationAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        if (_revocationMode == ClientCertificateRevocationMode.None)
        {
            return null;
        }

        // The authentication handler does not hand out the chain it built; build it again from the
        // same trust store (no network) to learn each certificate's issuer.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.ExtraStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _clock.GetUtcNow().UtcDateTime;
        chain.Build(certificate);
        var elements = chain.ChainElements;
        for (var i = 0; i < elements.Count - 1; i++)
        {
            var subject = i == 0 ? "The client certificate" : $"The client certificate's issuer '{elements[i].Certificate.Subject}'";
            var result = await _revocation.CheckAsync(elements[i].Certificate, elements[i + 1].Certificate, cancellationToken);
            switch (result.Status)
            {
                case RevocationStatus.Revoked:
                    return $"{subject} was revoked on {result.RevocationTime:yyyy-MM-dd HH:mm:ss}Z ({result.Reason?.ToString() ?? "no reason given"}).";
                case RevocationStatus.Unknown:
                    // Failing closed: a person whose certificate was revoked on retirement must not keep signing in.
                    return $"{subject}'s revocation status could not be determined: {result.Problem}";
            }
        }

        return null;
    }

    /// <summary>
    /// Why the authentication handler refused a certificate's chain. The handler itself only says
    /// "failed validation" (and logs the chain errors); callers need to know what to fix.
    /// </summary>
    public string ExplainRejectedChain(X509Certificate2 certificate)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            return $"The client certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z.";
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            return $"The client certificate is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z.";
        }

        if (_authorities.Count == 0)
        {
            return "No client certificate authorities are configured (Auth:ClientCertificateAuthorities).";
        }

        var usage = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (usage is not null && !usage.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == ClientAuthentication))
        {
            return "The client certificate is not allowed for client authentication.";
        }

        return "The client certificate does not chain to a trusted client certificate authority.";
    }

}
