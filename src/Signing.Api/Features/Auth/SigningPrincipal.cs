using System.Security.Claims;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>Claims the service puts on every authenticated principal, and how to read them.</summary>
public static class SigningPrincipal
{
    /// <summary>The principal's id: a user id or a client id.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The id of the agency the principal belongs to.</summary>
    public const string AgencyClaim = "agency";

    /// <summary><c>user</c> for people, <c>client</c> for calling systems.</summary>
    public const string KindClaim = "kind";

    /// <summary>Builds the principal for a person.</summary>
    public static ClaimsPrincipal ForUser(User user, string scheme) => Build(
        user.Id, user.Username, user.AgencyId, "user", Roles.Parse(user.Roles), scheme);

    /// <summary>Builds the principal for a calling system.</summary>
    public static ClaimsPrincipal ForClient(Client client, string scheme) => Build(
        client.Id, client.Name, client.AgencyId, "client", Roles.Parse(client.Roles), scheme);

    /// <summary>The principal's id, or null for anonymous.</summary>
    public static string? Subject(this ClaimsPrincipal principal) => principal.FindFirstValue(SubjectClaim);

    /// <summary>The principal's agency id, or null for anonymous.</summary>
    public static string? AgencyId(this ClaimsPrincipal principal) => principal.FindFirstValue(AgencyClaim);

    /// <summary>A stable label for audit records, such as <c>user:nguyenvanan</c>.</summary>
    public static string AuditActor(this ClaimsPrincipal principal)
        => principal.Identity?.IsAuthenticated == true
            ? $"{principal.FindFirstValue(KindClaim)}:{principal.Identity.Name}"
            : "anonymous";

    /// <summary>Whether the principal belongs to the agency that owns a resource.</summary>
    public static bool BelongsTo(this ClaimsPrincipal principal, string agencyId)
        => string.Equals(principal.AgencyId(), agencyId, StringComparison.Ordinal);

    /// <summary>The actor an authenticated principal stands for.</summary>
    /// <exception cref="InvalidOperationException">The principal is anonymous.</exception>
    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var id = principal.Subject() ?? throw new InvalidOperationException("An anonymous principal cannot act.");
        return new Actor(principal.FindFirstValue(KindClaim)!, id, principal.Identity!.Name!, principal.AgencyId()!,
            [.. principal.FindAll(ClaimTypes.Role).Select(claim => claim.Value)]);
    }

    /// <summary>The request's actor with the address it came from, for services that write the request's audit record themselves.</summary>
    public static Actor ToActor(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.ToActor() with { ClientAddress = context.Connection.RemoteIpAddress?.ToString() };
    }

    private static ClaimsPrincipal Build(
        string id, string name, string agencyId, string kind, IEnumerable<string> roles, string scheme)
    {
        var claims = new List<Claim>
        {
            new(SubjectClaim, id),
            new(ClaimTypes.Name, name),
            new(AgencyClaim, agencyId),
            new(KindClaim, kind),
        };
        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
