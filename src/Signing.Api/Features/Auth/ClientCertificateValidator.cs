using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Signing.Pki.Revocation;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Decides whether a TLS client certificate may authenticate: within its validity period, chaining
/// to one of the configured client CAs, and allowed for client authentication.
/// </summary>
public sealed class ClientCertificateValidator
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
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
        _authorities = [];
        foreach (var path in options.Value.ClientCertificateAuthorities)
        {
            _authorities.ImportFromPemFile(path);
        }
    }

    /// <summary>
    /// Null when the certificate's revocation status allows it (per <see cref="AuthOptions.ClientCertificateRevocation"/>),
    /// otherwise why not. Call it after <see cref="Check"/> succeeded.
    /// </summary>
    public async Task<string?> CheckRevocationAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        if (_revocationMode == ClientCertificateRevocationMode.None)
        {
            return null;
        }

        using var chain = BuildChain(certificate, _clock.GetUtcNow().UtcDateTime, out _);
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

    /// <summary>Null when the certificate is acceptable, otherwise why it is not.</summary>
    public string? Check(X509Certificate2 certificate)
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

        using var chain = BuildChain(certificate, now, out var built);
        if (!built)
        {
            var statuses = chain.ChainStatus.Select(status => status.Status).Distinct().ToList();
            if (statuses.Contains(X509ChainStatusFlags.NotValidForUsage))
            {
                return "The client certificate is not allowed for client authentication.";
            }

            return "The client certificate does not chain to a trusted client certificate authority ("
                + string.Join(", ", statuses) + ").";
        }

        return null;
    }

    /// <summary>The SHA-256 thumbprint used to map a certificate to a registered principal.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
        => Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    private X509Chain BuildChain(X509Certificate2 certificate, DateTime now, out bool built)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.ExtraStore.AddRange(_authorities);
        // Revocation is checked by our own OCSP/CRL clients (CheckRevocationAsync), not by the platform.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (HasExtendedKeyUsage(certificate))
        {
            chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        }

        built = chain.Build(certificate);
        return chain;
    }

    private static bool HasExtendedKeyUsage(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any();
}
