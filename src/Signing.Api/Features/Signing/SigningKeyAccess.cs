using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Keys;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Signing;

/// <summary>
/// Decides whether the request's principal may sign with a key now: the key exists in the principal's agency
/// (404 otherwise, so other agencies learn nothing), the principal was granted it or owns it (403), and the key is
/// usable: enabled, its certificate in its validity period and not revoked (409), revocation known (503).
/// </summary>
public sealed class SigningKeyAccess(SigningKeyStore keys, KeyRevocationCache revocation, TimeProvider clock)
{
    /// <summary>Seconds a client should wait before retrying when revocation sources are unreachable.</summary>
    public const int RevocationRetryAfterSeconds = 30;

    /// <summary>The key, or the problem that explains why the principal cannot sign with it.</summary>
    public async Task<(SigningKey? Key, ProblemHttpResult? Problem)> ResolveAsync(
        ClaimsPrincipal user, string? keyId, HttpContext context, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Missing key", "Give keyId: the id of a signing key you were granted (GET /api/v1/keys)."));
        }

        var key = await keys.FindAsync(keyId, ct);
        if (key is null || !user.BelongsTo(key.AgencyId))
        {
            return (null, Problem(StatusCodes.Status404NotFound, "Key not found", $"No signing key '{keyId}' in your agency."));
        }

        var allowed = user.FindFirstValue(SigningPrincipal.KindClaim) == "client"
            ? await keys.IsGrantedAsync(key.Id, user.Subject()!, ct)
            : key.OwnerUserId == user.Subject();
        if (!allowed)
        {
            return (null, Problem(StatusCodes.Status403Forbidden, "Key not granted",
                $"You may not use key '{keyId}': a key admin must grant it to your client first."));
        }

        if (key.UnusableReason(clock.GetUtcNow()) is { } reason)
        {
            return (null, Problem(StatusCodes.Status409Conflict, "Key cannot sign", reason));
        }

        var verdict = await revocation.CheckAsync(key, ct);
        if (verdict.Unavailable)
        {
            context.Response.Headers.RetryAfter = RevocationRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, Problem(StatusCodes.Status503ServiceUnavailable, "Revocation status unavailable", verdict.Detail!));
        }

        return verdict.Usable ? (key, null) : (null, Problem(StatusCodes.Status409Conflict, "Key cannot sign", verdict.Detail!));
    }

    /// <summary>A problem detail result.</summary>
    public static ProblemHttpResult Problem(int status, string title, string detail)
        => TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
