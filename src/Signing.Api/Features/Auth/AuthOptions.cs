namespace Signing.Api.Features.Auth;

/// <summary>How client certificates are checked for revocation.</summary>
public enum ClientCertificateRevocationMode
{
    /// <summary>OCSP first, then CRL, for every certificate in the chain; an unknown status refuses the login.</summary>
    Online,

    /// <summary>No revocation check (for closed networks that remove revoked principals by other means).</summary>
    None,
}

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Auth";

    /// <summary>
    /// PEM files with the CA certificates that may issue client certificates (calling systems and
    /// people). A client certificate must chain to one of them.
    /// </summary>
    public List<string> ClientCertificateAuthorities { get; set; } = [];

    /// <summary>Revocation checking of client certificates: <c>Online</c> (default) or <c>None</c>.</summary>
    public ClientCertificateRevocationMode ClientCertificateRevocation { get; set; } = ClientCertificateRevocationMode.Online;

    /// <summary>How long a person's cookie session lasts without activity.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The longest a person's session lasts, however active, before they must sign in again.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var path in ClientCertificateAuthorities)
        {
            if (!File.Exists(path))
            {
                problems.Add($"Auth:ClientCertificateAuthorities: file '{path}' does not exist.");
                continue;
            }

            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            try
            {
                certificates.ImportFromPemFile(path);
            }
            catch (System.Security.Cryptography.CryptographicException exception)
            {
                problems.Add($"Auth:ClientCertificateAuthorities: '{path}' cannot be read: {exception.Message}");
                continue;
            }

            if (certificates.Count == 0)
            {
                problems.Add($"Auth:ClientCertificateAuthorities: '{path}' holds no PEM certificate.");
            }
        }

        if (SessionIdleTimeout <= TimeSpan.Zero)
        {
            problems.Add("Auth:SessionIdleTimeout must be positive.");
        }

        if (SessionAbsoluteLifetime < SessionIdleTimeout)
        {
            problems.Add("Auth:SessionAbsoluteLifetime must be at least Auth:SessionIdleTimeout.");
        }

        return problems;
    }
}
