using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Auth;

/// <summary>Sign-in and sign-out for people.</summary>
public static class AuthEndpoints
{
    /// <summary>A password sign-in.</summary>
    public sealed record LoginRequest(string Username, string Password);

    /// <summary>Who is signed in.</summary>
    public sealed record Me(string Id, string Name, string Kind, string AgencyId, IReadOnlyList<string> Roles);

    /// <summary>Maps <c>/api/v1/auth</c>.</summary>
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
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
        LoginRequest request, HttpContext context, SignInService signIn, CancellationToken ct)
    {
        var outcome = await signIn.SignInWithPasswordAsync(context, request.Username, request.Password, ct);
        if (outcome.RetryAfterSeconds is { } seconds)
        {
            return new Failure(FailureKind.Throttled, "login-throttled", "Too many attempts", $"Too many failed sign-in attempts; try again in {seconds} s.")
            {
                RetryAfterSeconds = seconds,
            }.ToProblem(context);
        }

        if (outcome.User is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The username or password is incorrect, or the account is disabled.");
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CertificateLoginAsync(HttpContext context, SignInService signIn, CancellationToken ct)
    {
        // The endpoint's policy has already authenticated the certificate; this turns it into a cookie session.
        var (user, refusal) = await signIn.SignInWithCertificateAsync(context, ct);
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: refusal)
            : TypedResults.NoContent();
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, SignInService signIn, CancellationToken ct)
    {
        await signIn.SignOutAsync(context, ct);
        return TypedResults.NoContent();
    }
}
