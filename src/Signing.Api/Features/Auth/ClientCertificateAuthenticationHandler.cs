using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

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
        var user = client is null ? await accounts.FindUserByCertificateAsync(thumbprint, Context.RequestAborted) : null;
        if (client is null && user is null)
        {
            return AuthenticateResult.Fail("The client certificate is trusted but not registered to any client or person.");
        }

        if (client?.DisabledAt is not null || user?.DisabledAt is not null)
        {
            return AuthenticateResult.Fail($"The {(client is not null ? "client" : "person")} registered for this certificate is disabled.");
        }

        // Revocation costs a network round trip (cached until nextUpdate), so it comes after the cheap checks.
        var revoked = await validator.CheckRevocationAsync(certificate, Context.RequestAborted);
        if (revoked is not null)
        {
            return AuthenticateResult.Fail(revoked);
        }

        var principal = client is not null ? SigningPrincipal.ForClient(client, SchemeName) : SigningPrincipal.ForUser(user!, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        => await AuthenticationProblems.ChallengeAsync(Context, await HandleAuthenticateOnceSafeAsync(), SchemeName);
}
