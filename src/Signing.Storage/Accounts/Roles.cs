namespace Signing.Storage.Accounts;

/// <summary>The roles a principal can hold. Stored as a comma-separated list.</summary>
public static class Roles
{
    /// <summary>A calling system that uses the sign and verify API.</summary>
    public const string Caller = "caller";

    /// <summary>A leader who approves (signs) requests.</summary>
    public const string Official = "official";

    /// <summary>A clerk who adds the agency seal to approved outgoing documents.</summary>
    public const string Clerk = "clerk";

    /// <summary>Tracks the agency's certificates and prepares GCC requests.</summary>
    public const string CertAdmin = "cert-admin";

    /// <summary>Reads the audit log.</summary>
    public const string Auditor = "auditor";

    /// <summary>Manages the agency's people, systems and keys.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Caller, Official, Clerk, CertAdmin, Auditor, Admin];

    /// <summary>Parses a comma-separated role list, rejecting unknown names.</summary>
    /// <exception cref="ArgumentException">A role is not one of <see cref="All"/>.</exception>
    public static IReadOnlyList<string> Parse(string? roles)
    {
        var parsed = (roles ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var unknown = parsed.Where(role => !All.Contains(role)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown role(s): {string.Join(", ", unknown)}. Known roles: {string.Join(", ", All)}.");
        }

        return parsed;
    }

    /// <summary>Formats roles for storage.</summary>
    public static string Format(IEnumerable<string> roles) => string.Join(',', roles);
}
