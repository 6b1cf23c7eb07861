using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.Options;
using Signing.Pki;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Client certificates on the mTLS port, through Microsoft.AspNetCore.Authentication.Certificate:
/// the handler validates the chain against <c>Auth:ClientCertificateAuthorities</c> (its custom
/// trust store), the validity period and the client-authentication usage; <see cref="ClientCertificateEvents"/>
/// then maps the SHA-256 thumbprint to a registered client or person and checks revocation.
/// </summary>
public static class ClientCertificateAuthentication
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ClientCertificate";

    /// <summary>Adds the scheme and its events.</summary>
    public static AuthenticationBuilder AddClientCertificate(this AuthenticationBuilder builder)
    {
        builder.Services.AddSingleton<ClientCertificateValidator>();
        builder.Services.AddSingleton<ClientCertificateEvents>();
        builder.Services.AddOptions<CertificateAuthenticationOptions>(SchemeName)
            .Configure<IOptions<AuthOptions>>((options, auth) =>
            {
                var authorities = ClientCertificateValidator.LoadAuthorities(auth.Value);
                options.CustomTrustStore.AddRange(authorities);
                options.AdditionalChainCertificates.AddRange(authorities);
            });
        return builder.AddCertificate(SchemeName, options =>
        {
            options.AllowedCertificateTypes = CertificateTypes.Chained;
            options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
            options.ValidateCertificateUse = true;
            options.ValidateValidityPeriod = true;
            // Revocation is checked after the principal is known, by the node's OCSP/CRL clients
            // (ClientCertificateValidator.CheckRevocationAsync), which say when and why a certificate was revoked.
            options.RevocationMode = X509RevocationMode.NoCheck;
            options.EventsType = typeof(ClientCertificateEvents);
        });
    }
}

/// <summary>What happens after the handler checked a certificate's chain, and how refusals are answered.</summary>
public sealed class ClientCertificateEvents(ClientCertificateValidator validator, AccountStore accounts) : CertificateAuthenticationEvents
{
    private static readonly object ChainAccepted = new();

    /// <summary>Maps the thumbprint to an enabled client or person, then checks revocation.</summary>
    public override async Task CertificateValidated(CertificateValidatedContext context)
    {
        context.HttpContext.Items[ChainAccepted] = true;
        var certificate = context.ClientCertificate;
        var cancellationToken = context.HttpContext.RequestAborted;
        var thumbprint = CertificateThumbprint.Sha256Hex(certificate);
        var client = await accounts.FindClientByCertificateAsync(thumbprint, cancellationToken);
        var user = client is null ? await accounts.FindUserByCertificateAsync(thumbprint, cancellationToken) : null;
        if (client is null && user is null)
        {
            context.Fail("The client certificate is trusted but not registered to any client or person.");
            return;
        }

        if (client?.DisabledAt is not null || user?.DisabledAt is not null)
        {
            context.Fail($"The {(client is not null ? "client" : "person")} registered for this certificate is disabled.");
            return;
        }

        // Revocation costs a network round trip (cached until nextUpdate), so it comes after the cheap checks.
        var revoked = await validator.CheckRevocationAsync(certificate, cancellationToken);
        if (revoked is not null)
        {
            context.Fail(revoked);
            return;
        }

        context.Principal = client is not null
            ? SigningPrincipal.ForClient(client, ClientCertificateAuthentication.SchemeName)
            : SigningPrincipal.ForUser(user!, ClientCertificateAuthentication.SchemeName);
        context.Success();
    }

    /// <summary>Replaces the handler's generic "failed validation" with the reason the chain was refused.</summary>
    public override Task AuthenticationFailed(CertificateAuthenticationFailedContext context)
    {
        // Failures from CertificateValidated already say why; exceptions (storage down) must stay errors.
        if (context.Exception is AuthenticationFailureException
            && !context.HttpContext.Items.ContainsKey(ChainAccepted)
            && context.HttpContext.Connection.ClientCertificate is { } certificate)
        {
            context.Fail(validator.ExplainRejectedChain(certificate));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Answers 401 with problem details that state the reason. The handler's default is 403, since a
    /// TLS client certificate cannot be asked for again once the request is in the application.
    /// </summary>
    public override async Task Challenge(CertificateChallengeContext context)
    {
        var result = await context.HttpContext.AuthenticateAsync(ClientCertificateAuthentication.SchemeName);
        await AuthenticationProblems.ChallengeAsync(context.HttpContext, result, ClientCertificateAuthentication.SchemeName);
        context.HandleResponse();
    }
}
