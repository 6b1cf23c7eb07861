using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Authenticates a TLS client certificate presented on the mTLS port: the certificate must pass
/// <see cref="ClientCertificateValidator"/> and be registered to a calling system or a person.
/// </summary>
public sealed class ClientCertificateAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ClientCertificateValidator validator,
    AccountStore accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ClientCertificate";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var certificate = await Context.Connection.GetClientCertificateAsync(Context.RequestAborted);
        if (certificate is null)
        {
            return AuthenticateResult.NoResult();
        }

        var problem = validator.Check(certificate);
        if (problem is not null)
        {
            return AuthenticateResult.Fail(problem);
        }

        var thumbprint = ClientCertificateValidator.Thumbprint(certificate);
        var client = await accounts.FindClientByCertificateAsync(thumbprint, Context.RequestAborted);
        if (client is not null)
        {
            return client.DisabledAt is null
                ? AuthenticateResult.Success(new AuthenticationTicket(SigningPrincipal.ForClient(client, SchemeName), SchemeName))
                : AuthenticateResult.Fail("The client registered for this certificate is disabled.");
        }

        var user = await accounts.FindUserByCertificateAsync(thumbprint, Context.RequestAborted);
        if (user is not null)
        {
            return user.DisabledAt is null
                ? AuthenticateResult.Success(new AuthenticationTicket(SigningPrincipal.ForUser(user, SchemeName), SchemeName))
                : AuthenticateResult.Fail("The person registered for this certificate is disabled.");
        }

        return AuthenticateResult.Fail("The client certificate is trusted but not registered to any client or person.");
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        => await AuthenticationProblems.ChallengeAsync(Context, await HandleAuthenticateOnceSafeAsync(), SchemeName);
}
