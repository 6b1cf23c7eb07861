using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Signing.Api.Features.Audit;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Signs people in and out of a cookie session, for the JSON API and the web pages alike: the password check, the
/// certificate exchange, the session cookie and the audit record of each attempt.
/// </summary>
public sealed class SignInService(AccountStore accounts, AuditLog audit, ServerSessions sessions, LoginThrottle throttle, TimeProvider clock)
{
    /// <summary>
    /// Checks a username and password and, when they match an enabled account, starts a cookie session. Every attempt
    /// is audited; a refusal does not say whether the username exists. Repeated failures are slowed by
    /// <see cref="LoginThrottle"/>: an attempt that comes too soon is refused unchecked with the time to wait.
    /// </summary>
    /// <returns>The person signed in, or why not.</returns>
    public async Task<PasswordOutcome> SignInWithPasswordAsync(HttpContext context, string? username, string? password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        // Throttled by the name as it would be stored, so "An", "an " and "AN" share one count.
        var account = Usernames.Normalize(username).Username ?? "(invalid)";
        if (await throttle.WaitBeforeAsync(account, address, ct) is { } wait)
        {
            await audit.AppendAsync(new AuditEntry("user:unknown", null, "auth.login", null, AuditOutcome.Denied,
                address?.ToString(), "password; throttled"), ct);
            return new PasswordOutcome(null, wait);
        }

        var user = await accounts.FindUserByUsernameAsync(username ?? "", ct);
        var verdict = PasswordCheck.Failed;
        if (user?.PasswordHash is not null && !string.IsNullOrEmpty(password))
        {
            verdict = PasswordHashing.Verify(user.PasswordHash, password);
        }
        else
        {
            // Spend the same time as a real check so response timing does not reveal which usernames exist.
            PasswordHashing.VerifyAgainstNothing(password ?? "");
        }

        if (user is null || verdict == PasswordCheck.Failed || user.DisabledAt is not null)
        {
            await throttle.RecordFailureAsync(account, address, ct);
            // Only a known username is recorded: people sometimes type their password into the username field.
            await audit.AppendAsync(new AuditEntry(
                user is null ? "user:unknown" : $"user:{user.Username}", user?.AgencyId, "auth.login", null, AuditOutcome.Denied,
                address?.ToString(), "password"), ct);
            return new PasswordOutcome(null, null);
        }

        await throttle.RecordSuccessAsync(account, address, ct);
        if (verdict == PasswordCheck.SuccessRehashNeeded)
        {
            await accounts.SetPasswordHashAsync(user.Id, PasswordHashing.Hash(password!), ct);
        }

        await StartSessionAsync(context, user, "password", ct);
        return new PasswordOutcome(user, null);
    }

    /// <summary>
    /// Checks the signed-in person's password again before a sensitive change (a new signing factor), under the same
    /// throttle as sign-in: the form that asks for it would otherwise be a password oracle without a limit for anyone
    /// holding a session cookie. A wrong password is counted and audited.
    /// </summary>
    /// <returns>The person when the password is right; otherwise null, with the time to wait when throttled.</returns>
    public async Task<PasswordOutcome> ConfirmPasswordAsync(HttpContext context, string userId, string? password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        var user = await accounts.FindUserAsync(userId, ct);
        var account = user?.Username ?? "(invalid)";
        if (await throttle.WaitBeforeAsync(account, address, ct) is { } wait)
        {
            return new PasswordOutcome(null, wait);
        }

        if (user?.PasswordHash is { } hash && !string.IsNullOrEmpty(password) && PasswordHashing.Verify(hash, password) != PasswordCheck.Failed)
        {
            await throttle.RecordSuccessAsync(account, address, ct);
            return new PasswordOutcome(user, null);
        }

        await throttle.RecordFailureAsync(account, address, ct);
        await audit.AppendAsync(new AuditEntry(user is null ? "user:unknown" : $"user:{user.Username}", user?.AgencyId, "auth.confirm-password", null,
            AuditOutcome.Denied, address?.ToString(), "password"), ct);
        return new PasswordOutcome(null, null);
    }

    /// <summary>
    /// Turns the client certificate presented on this connection (mTLS) into a cookie session for the person it is
    /// registered to. The certificate is checked by the client-certificate authentication scheme, whatever implements
    /// it; a refusal is audited with that scheme's reason.
    /// </summary>
    /// <returns>The person signed in, or the reason the certificate was not accepted.</returns>
    public async Task<(User? User, string? Refusal)> SignInWithCertificateAsync(HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(ClientCertificateAuthentication.SchemeName);
        var refusal = result switch
        {
            { Succeeded: true } when result.Principal.FindFirstValue(SigningPrincipal.KindClaim) != Actor.User
                => "The certificate is registered to a calling system, not to a person.",
            { Succeeded: true } => null,
            { None: true } => "No client certificate was presented on this connection.",
            _ => result.Failure?.Message ?? "The client certificate was not accepted.",
        };
        var user = refusal is null ? await accounts.FindUserAsync(result.Principal!.Subject()!, ct) : null;
        if (user is null)
        {
            refusal ??= "The person registered for this certificate no longer exists.";
            await audit.AppendAsync(new AuditEntry("user:unknown", null, "auth.login", null, AuditOutcome.Denied,
                context.Connection.RemoteIpAddress?.ToString(), $"certificate; {refusal}"), ct);
            return (null, refusal);
        }

        await StartSessionAsync(context, user, "certificate", ct);
        return (user, null);
    }

    /// <summary>
    /// Ends the cookie session on the server (its row is revoked, so a copy of the cookie no longer works) and in the
    /// browser, and audits the sign-out.
    /// </summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.FindFirstValue(ServerSessions.SessionIdClaim) is { } sessionId)
        {
            await sessions.RevokeAsync(sessionId, ct);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await audit.AppendAsync(context.AuditEntry("auth.logout", null, AuditOutcome.Success), ct);
    }

    private async Task StartSessionAsync(HttpContext context, User user, string method, CancellationToken ct)
    {
        var session = await sessions.StartAsync(user, ct);
        var principal = SigningPrincipal.ForUser(user, CookieAuthenticationDefaults.AuthenticationScheme);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(SessionValidator.SignedInAtClaim, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(ServerSessions.SessionIdClaim, session.Id));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        await audit.AppendAsync(new AuditEntry(
            $"user:{user.Username}", user.AgencyId, "auth.login", user.Id, AuditOutcome.Success,
            context.Connection.RemoteIpAddress?.ToString(), method), ct);
    }
}

/// <summary>The outcome of a password check: a sign-in, or the password asked again before a sensitive change.</summary>
/// <param name="User">The person whose password it is, or null when refused.</param>
/// <param name="RetryAfter">Set when the attempt was refused unchecked because it came too soon after failures.</param>
public sealed record PasswordOutcome(User? User, TimeSpan? RetryAfter)
{
    /// <summary><see cref="RetryAfter"/> in whole seconds, at least 1, as <c>Retry-After</c> and people are told it.</summary>
    public int? RetryAfterSeconds => RetryAfter is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : null;
}
