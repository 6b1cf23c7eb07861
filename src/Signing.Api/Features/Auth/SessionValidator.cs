using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Re-checks a person's cookie session on every request: a session row that was revoked (by signing out) or has
/// expired, a disabled account, changed roles or a move to another agency end the session at once, and no session
/// outlives <see cref="AuthOptions.SessionAbsoluteLifetime"/>. A cookie without a session row (issued before there
/// were rows) is refused, so its holder signs in again.
/// </summary>
internal static class SessionValidator
{
    /// <summary>The Unix time (seconds) the person signed in, carried in the cookie.</summary>
    public const string SignedInAtClaim = "auth_time";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var principal = context.Principal;
        var options = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var signedInAt = long.TryParse(principal?.FindFirstValue(SignedInAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var user = principal?.Subject() is { } id
            ? await services.GetRequiredService<AccountStore>().FindUserAsync(id, context.HttpContext.RequestAborted)
            : null;
        var sessionId = principal?.FindFirstValue(ServerSessions.SessionIdClaim);
        var current = user is not null
            && sessionId is not null
            && await services.GetRequiredService<ServerSessions>().IsCurrentAsync(sessionId, user.Id, context.HttpContext.RequestAborted)
            && user.DisabledAt is null
            && signedInAt is not null
            && now - signedInAt.Value <= options.SessionAbsoluteLifetime
            && principal!.BelongsTo(user.AgencyId)
            && SameRoles(principal!, Roles.Parse(user.Roles));
        if (!current)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    private static bool SameRoles(ClaimsPrincipal principal, IReadOnlyList<string> roles)
        => principal.FindAll(ClaimTypes.Role).Select(claim => claim.Value).Order(StringComparer.Ordinal)
            .SequenceEqual(roles.Order(StringComparer.Ordinal));
}
