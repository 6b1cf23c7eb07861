namespace Signing.Storage.Accounts;

/// <summary>A government agency, identified by its Decision 20/2020 code (e.g. <c>000.00.00.H01</c>).</summary>
public sealed record Agency(string Id, string Code, string Name, string? Province, long CreatedAt);

/// <summary>A person who signs in: an official, clerk, certificate admin, auditor or admin.</summary>
public sealed record User(
    string Id, string AgencyId, string Username, string DisplayName, string? Title,
    string? PasswordHash, string Roles, string? CertThumbprint, long? DisabledAt, long CreatedAt, string? Email = null)
{
    /// <summary>Whether the person holds <paramref name="role"/>.</summary>
    public bool Holds(string role) => Accounts.Roles.Parse(Roles).Contains(role, StringComparer.Ordinal);
}

/// <summary>A calling system: a document management system or a portal.</summary>
public sealed record Client(
    string Id, string AgencyId, string Name, string Roles, string? CertThumbprint, long? DisabledAt, long CreatedAt);

/// <summary>A stored API key: only its public prefix and the hash of the whole key are kept.</summary>
public sealed record ApiKeyRecord(string Id, string ClientId, string Prefix, string KeyHash, long CreatedAt, long? RevokedAt);
