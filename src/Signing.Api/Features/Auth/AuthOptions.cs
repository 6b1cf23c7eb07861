namespace Signing.Api.Features.Auth;

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
