using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>Authenticates calling systems by the <c>X-Api-Key</c> header.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccountStore accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = values.ToString();
        var prefix = ApiKeySecret.PrefixOf(presented);
        if (prefix is null)
        {
            return AuthenticateResult.Fail("The API key is not in the expected format.");
        }

        var found = await accounts.FindApiKeyWithClientAsync(prefix, Context.RequestAborted);
        if (found is not { Key: var record, Client: var client } || !ApiKeySecret.Matches(presented, record.KeyHash))
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        if (record.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key has been revoked.");
        }

        if (client.DisabledAt is not null)
        {
            return AuthenticateResult.Fail("The client of this API key is disabled.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(SigningPrincipal.ForClient(client, SchemeName), SchemeName));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        => await AuthenticationProblems.ChallengeAsync(Context, await HandleAuthenticateOnceSafeAsync(), SchemeName);
}
