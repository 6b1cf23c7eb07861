using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Auth;

/// <summary>Sign-in and sign-out for people.</summary>
public static class AuthEndpoints
{
    /// <summary>The rate-limiter policy that slows password guessing.</summary>
    public const string LoginRateLimit = "login";

    /// <summary>A password sign-in.</summary>
    public sealed record LoginRequest(string Username, string Password);

    /// <summary>Who is signed in.</summary>
    public sealed record Me(string Id, string Name, string Kind, string AgencyId, IReadOnlyList<string> Roles);

    /// <summary>Maps <c>/api/v1/auth</c>.</summary>
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(LoginRateLimit);
        group.MapPost("/login/certificate", CertificateLoginAsync)
            .RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(ClientCertificateAuthentication.SchemeName)
                .RequireClaim(SigningPrincipal.KindClaim, "user"));
        group.MapPost("/logout", LogoutAsync);
        group.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(
            user.Subject()!, user.Identity!.Name!, user.FindFirstValue(SigningPrincipal.KindClaim)!, user.AgencyId()!,
            user.FindAll(ClaimTypes.Role).Select(claim => claim.Value).ToList())));
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext context, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        var user = string.IsNullOrEmpty(request.Username) ? null : await accounts.FindUserByUsernameAsync(request.Username, ct);
        var verdict = PasswordCheck.Failed;
        if (user?.PasswordHash is not null && !string.IsNullOrEmpty(request.Password))
        {
            verdict = PasswordHashing.Verify(user.PasswordHash, request.Password);
        }
        else
        {
            // Spend the same time as a real check so response timing does not reveal which usernames exist.
            PasswordHashing.VerifyAgainstNothing(request.Password ?? "");
        }

        if (user is null || verdict == PasswordCheck.Failed || user.DisabledAt is not null)
        {
            // Only a known username is recorded: people sometimes type their password into the username field.
            await audit.AppendAsync(new AuditEntry(
                user is null ? "user:unknown" : $"user:{user.Username}", user?.AgencyId, "auth.login", null, AuditOutcome.Denied,
                context.Connection.RemoteIpAddress?.ToString(), "password"), ct);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The username or password is incorrect, or the account is disabled.");
        }

        if (verdict == PasswordCheck.SuccessRehashNeeded)
        {
            await accounts.SetPasswordHashAsync(user.Id, PasswordHashing.Hash(request.Password!), ct);
        }

        await SignInAsync(context, user, "password", audit, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> CertificateLoginAsync(HttpContext context, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        var user = (await accounts.FindUserAsync(context.User.Subject()!, ct))!;
        await SignInAsync(context, user, "certificate", audit, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, AuditLog audit, CancellationToken ct)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await audit.AppendAsync(context.AuditEntry("auth.logout", null, AuditOutcome.Success), ct);
        return TypedResults.NoContent();
    }

    private static async Task SignInAsync(HttpContext context, User user, string method, AuditLog audit, CancellationToken ct)
    {
        var principal = SigningPrincipal.ForUser(user, CookieAuthenticationDefaults.AuthenticationScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionValidator.SignedInAtClaim,
            context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        await audit.AppendAsync(new AuditEntry(
            $"user:{user.Username}", user.AgencyId, "auth.login", user.Id, AuditOutcome.Success,
            context.Connection.RemoteIpAddress?.ToString(), method), ct);
    }
}
