using System.Security.Claims;
using Signing.Api.Features.Auth;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web;

/// <summary>The signed-in person as pages show them: their account, their agency and their roles.</summary>
/// <param name="User">The account (display name, position, username).</param>
/// <param name="Agency">The agency they belong to.</param>
/// <param name="Roles">Their roles, from the session.</param>
public sealed record SignedInPerson(User User, Agency Agency, IReadOnlyList<string> Roles);

/// <summary>
/// Reads the signed-in person of a page request from the account store once per request, for the header and the
/// page alike. A calling system or an anonymous request has no person.
/// </summary>
public sealed class SignedInPeople(AccountStore accounts)
{
    private SignedInPerson? _person;
    private bool _read;

    /// <summary>The person behind <paramref name="principal"/>, or null.</summary>
    public async Task<SignedInPerson?> FindAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (_read)
        {
            return _person;
        }

        if (principal.FindFirstValue(SigningPrincipal.KindClaim) == Actor.User
            && principal.Subject() is { } id
            && await accounts.FindUserAsync(id, ct) is { } user
            && await accounts.FindAgencyAsync(user.AgencyId, ct) is { } agency)
        {
            _person = new SignedInPerson(user, agency, [.. principal.FindAll(ClaimTypes.Role).Select(claim => claim.Value)]);
        }

        _read = true;
        return _person;
    }
}
