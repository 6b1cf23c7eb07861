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

    /// <summary>
    /// How long a node may trust its last look at a session row before looking again (default 5 s). Signing out on a
    /// node ends the session there at once; other nodes notice within this interval.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed password attempts on one account from one address that are answered without delay (default 5).</summary>
    public int LoginFreeFailures { get; set; } = 5;

    /// <summary>The first wait after the free failures; each further failure doubles it (default 2 s).</summary>
    public TimeSpan LoginBackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts on one account from one address (default 15 min).</summary>
    public TimeSpan LoginBackoffMax { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long failures are remembered after the last one (default 1 h); after that the count starts again.</summary>
    public TimeSpan LoginFailureMemory { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Failed password attempts one client address may make per minute, over all accounts (default 20); more get 429.
    /// Behind a reverse proxy the address is the client's, from <c>X-Forwarded-For</c> of a known proxy.
    /// </summary>
    public int LoginFailuresPerAddressPerMinute { get; set; } = 20;

    /// <summary>
    /// Origins, besides the service's own, whose pages may send writes with a person's session or certificate, such as
    /// <c>https://ky.tinh.gov.vn</c> when the proxy's public name differs from the host the service sees. Empty by default.
    /// </summary>
    public List<string> TrustedOrigins { get; set; } = [];

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

        if (SessionCheckInterval < TimeSpan.Zero || SessionCheckInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add("Auth:SessionCheckInterval must be between 0 and 5 minutes.");
        }

        if (LoginFreeFailures is < 1 or > 100)
        {
            problems.Add("Auth:LoginFreeFailures must be between 1 and 100.");
        }

        if (LoginBackoffBase <= TimeSpan.Zero || LoginBackoffMax < LoginBackoffBase)
        {
            problems.Add("Auth:LoginBackoffBase must be positive and Auth:LoginBackoffMax at least as long.");
        }

        if (LoginFailureMemory < LoginBackoffMax)
        {
            problems.Add("Auth:LoginFailureMemory must be at least Auth:LoginBackoffMax.");
        }

        if (LoginFailuresPerAddressPerMinute < 1)
        {
            problems.Add("Auth:LoginFailuresPerAddressPerMinute must be at least 1.");
        }

        foreach (var origin in TrustedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.PathAndQuery != "/")
            {
                problems.Add($"Auth:TrustedOrigins: '{origin}' is not an origin such as https://host[:port].");
            }
        }

        return problems;
    }
}
