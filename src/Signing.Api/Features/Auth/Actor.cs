namespace Signing.Api.Features.Auth;

/// <summary>
/// Who acts, as the services see them: a person or a calling system of one agency, with their roles. Built from the
/// request's principal by <see cref="SigningPrincipal.ToActor(System.Security.Claims.ClaimsPrincipal)"/>, so that services need no HTTP or claims types.
/// </summary>
/// <param name="Kind"><see cref="User"/> for people, <see cref="Client"/> for calling systems.</param>
/// <param name="Id">The user or client id.</param>
/// <param name="Name">The username or client name.</param>
/// <param name="AgencyId">The agency the actor belongs to.</param>
/// <param name="Roles">The actor's roles.</param>
public sealed record Actor(string Kind, string Id, string Name, string AgencyId, IReadOnlyList<string> Roles)
{
    /// <summary>The kind of a person.</summary>
    public const string User = "user";

    /// <summary>The kind of a calling system.</summary>
    public const string Client = "client";

    /// <summary>True for a calling system.</summary>
    public bool IsClient => Kind == Client;

    /// <summary>The address the actor's request came from, for the audit records the services write; null off HTTP.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The label audit records carry, such as <c>user:chutich</c>.</summary>
    public string AuditName => $"{Kind}:{Name}";

    /// <summary>Whether the actor holds <paramref name="role"/>.</summary>
    public bool Holds(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>Whether the actor belongs to the agency that owns a resource.</summary>
    public bool BelongsTo(string agencyId) => string.Equals(AgencyId, agencyId, StringComparison.Ordinal);
}
