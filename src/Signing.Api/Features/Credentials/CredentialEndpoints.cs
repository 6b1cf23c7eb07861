using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Auth;
using Signing.Api.Hosting;
using Signing.Storage.Accounts;
using Signing.Storage.Credentials;

namespace Signing.Api.Features.Credentials;

/// <summary>
/// <c>/api/v1/me/signing-credential</c>: a person sets their signing PIN and enrols an authenticator (both need their
/// account password, so a stolen session cannot set a factor); an admin unlocks a locked credential.
/// </summary>
public static class CredentialEndpoints
{
    /// <summary>A person's credential state, without any secret.</summary>
    /// <param name="HasPin">A signing PIN is set.</param>
    /// <param name="HasTotp">An authenticator is enrolled.</param>
    /// <param name="FailedAttempts">Wrong factors in a row.</param>
    /// <param name="Locked">Locked until an admin unlocks it.</param>
    public sealed record CredentialView(bool HasPin, bool HasTotp, long FailedAttempts, bool Locked);

    /// <summary>Sets the signing PIN.</summary>
    /// <param name="Password">The account password.</param>
    /// <param name="Pin">The new signing PIN.</param>
    public sealed record SetPinRequest(string? Password, string? Pin);

    /// <summary>Starts enrolling an authenticator.</summary>
    /// <param name="Password">The account password.</param>
    public sealed record TotpRequest(string? Password);

    /// <summary>Confirms the enrolment.</summary>
    /// <param name="EnrolmentToken">From the start of the enrolment.</param>
    /// <param name="Code">The first code the app shows.</param>
    public sealed record ConfirmTotpRequest(string? EnrolmentToken, string? Code);

    /// <summary>Registers the credential service.</summary>
    public static IServiceCollection AddSigningCredentials(this IServiceCollection services)
        => services.AddSingleton<SigningCredentialStore>().AddSingleton<SigningCredentials>();

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapCredentialEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me/signing-credential").WithTags("Signing credentials")
            .RequireAuthorization(policy => policy.RequireClaim(SigningPrincipal.KindClaim, "user"));
        me.MapGet("", GetAsync);
        me.MapPut("/pin", SetPinAsync);
        me.MapPost("/totp", BeginTotpAsync);
        me.MapPost("/totp/confirm", ConfirmTotpAsync);
        app.MapPost("/api/v1/agencies/{agencyId}/users/{userId}/signing-credential/unlock", UnlockAsync)
            .WithTags("Signing credentials").RequireAuthorization(AuthenticationSetup.AdminPolicy);
        return app;
    }

    private static async Task<Ok<CredentialView>> GetAsync(ClaimsPrincipal user, SigningCredentialStore store, CancellationToken ct)
    {
        var credential = await store.FindAsync(user.Subject()!, ct);
        return TypedResults.Ok(new CredentialView(credential?.PinHash is not null, credential?.TotpSecret is not null,
            credential?.FailedAttempts ?? 0, credential?.LockedAt is not null));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetPinAsync(
        SetPinRequest request, HttpContext context, SignInService signIn, SigningCredentials credentials, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (await PasswordFailureAsync(context, actor, request.Password, signIn, ct) is { } failure)
        {
            return failure.ToProblem(context);
        }

        return await credentials.SetPinAsync(actor, request.Pin, ct) is { } pinFailure ? pinFailure.ToProblem(context) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TotpEnrolment>, ProblemHttpResult>> BeginTotpAsync(
        TotpRequest request, HttpContext context, SignInService signIn, SigningCredentials credentials, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        // The reply holds the new TOTP secret: it is never kept for an idempotent replay.
        IdempotencyMiddleware.DoNotStore(context);
        return await PasswordFailureAsync(context, actor, request.Password, signIn, ct) is { } failure
            ? failure.ToProblem(context)
            : TypedResults.Ok(credentials.BeginTotp(actor));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ConfirmTotpAsync(
        ConfirmTotpRequest request, HttpContext context, SigningCredentials credentials, CancellationToken ct)
        => await credentials.ConfirmTotpAsync(context.User.ToActor(), request.EnrolmentToken, request.Code, ct) is { } failure
            ? failure.ToProblem(context)
            : TypedResults.NoContent();

    private static async Task<Results<NoContent, ProblemHttpResult>> UnlockAsync(
        string agencyId, string userId, HttpContext context, AccountStore accounts, SigningCredentials credentials, CancellationToken ct)
    {
        var admin = context.User.ToActor();
        var person = await accounts.FindUserAsync(userId, ct);
        if (!admin.BelongsTo(agencyId) || person is null || person.AgencyId != agencyId)
        {
            return new Failure(FailureKind.NotFound, "user-not-found", "User not found", $"No user '{userId}' in your agency.").ToProblem(context);
        }

        return await credentials.UnlockAsync(admin, userId, ct)
            ? TypedResults.NoContent()
            : new Failure(FailureKind.Conflict, "not-locked", "Not locked", "The person's signing credential is not locked.").ToProblem(context);
    }

    // Setting a factor asks for the account password again: a session cookie alone must not be enough to create a way to sign.
    private static async Task<Failure?> PasswordFailureAsync(HttpContext context, Actor actor, string? password, SignInService signIn, CancellationToken ct)
        => await signIn.ConfirmPasswordAsync(context, actor.Id, password, ct) switch
        {
            { User: not null } => null,
            { RetryAfterSeconds: { } seconds } => new Failure(FailureKind.Throttled, "login-throttled", "Too many attempts",
                $"Too many wrong passwords; try again in {seconds} s.")
            { RetryAfterSeconds = seconds },
            _ => new Failure(FailureKind.Forbidden, "password-wrong", "Password needed", "Give your account password to change a signing factor.") { Field = "password" },
        };
}
