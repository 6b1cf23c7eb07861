using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Pki;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Keys;

/// <summary>The signing keys registry over HTTP.</summary>
public static class KeyEndpoints
{
    /// <summary>A key to register.</summary>
    /// <param name="Purpose"><c>agency-seal</c>, <c>official</c> or <c>system</c>.</param>
    /// <param name="Location"><c>pkcs11</c> or <c>desk-token</c>.</param>
    /// <param name="Pkcs11Uri">For <c>pkcs11</c>: the private key's RFC 7512 URI.</param>
    /// <param name="CertificatePem">The signer certificate.</param>
    /// <param name="ChainPem">Intermediate certificates up to (not including) the root.</param>
    /// <param name="OwnerUserId">For <c>official</c> keys: the official who owns it.</param>
    public sealed record RegisterKeyRequest(
        string Purpose, string Location, string? Pkcs11Uri, string CertificatePem, string? ChainPem, string? OwnerUserId);

    /// <summary>A key as callers and admins see it.</summary>
    public sealed record KeyView(
        string Id, string Purpose, string Location, string? OwnerUserId, string Subject, string Thumbprint,
        DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Status);

    /// <summary>Grants a calling system the use of a key.</summary>
    public sealed record GrantRequest(string ClientId);

    /// <summary>Maps <c>/api/v1/keys</c>.</summary>
    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/keys").WithTags("Keys");
        keys.MapGet("", ListAsync);
        keys.MapPost("", RegisterAsync).RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        keys.MapPost("/{keyId}/disable", DisableAsync).RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        keys.MapPost("/{keyId}/grants", GrantAsync).RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        return app;
    }

    private static async Task<Ok<List<KeyView>>> ListAsync(ClaimsPrincipal user, SigningKeyStore keys, TimeProvider clock, CancellationToken ct)
    {
        var subject = user.Subject()!;
        // Callers see what they were granted, key admins see the agency's keys, officials their own.
        var visible = user.IsInRole(Roles.Admin) || user.IsInRole(Roles.CertAdmin)
            ? await keys.ListForAgencyAsync(user.AgencyId()!, ct)
            : user.FindFirstValue(SigningPrincipal.KindClaim) == "client"
                ? await keys.ListForClientAsync(subject, ct)
                : await keys.ListForOwnerAsync(subject, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(visible.Select(key => View(key, now)).ToList());
    }

    private static async Task<Results<Created<KeyView>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterKeyRequest request, HttpContext context, SigningKeyStore keys, AccountStore accounts, AuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var agencyId = context.User.AgencyId()!;
        var errors = new Dictionary<string, string[]>();
        if (!KeyPurpose.All.Contains(request.Purpose))
        {
            errors["purpose"] = [$"Purpose must be one of {string.Join(", ", KeyPurpose.All)}."];
        }

        if (!KeyLocation.All.Contains(request.Location))
        {
            errors["location"] = [$"Location must be one of {string.Join(", ", KeyLocation.All)}."];
        }
        else if (request.Location == KeyLocation.Pkcs11 && request.Pkcs11Uri?.StartsWith("pkcs11:", StringComparison.Ordinal) != true)
        {
            errors["pkcs11Uri"] = ["A pkcs11 key needs its RFC 7512 URI, e.g. pkcs11:token=agency;object=seal;type=private."];
        }

        if (request.Purpose == KeyPurpose.Official)
        {
            var owner = request.OwnerUserId is null ? null : await accounts.FindUserAsync(request.OwnerUserId, ct);
            if (owner is null || owner.AgencyId != agencyId || !Roles.Parse(owner.Roles).Contains(Roles.Official))
            {
                errors["ownerUserId"] = ["An official key needs the id of an official of your agency."];
            }
        }

        X509Certificate2? certificate = null;
        try
        {
            certificate = X509Certificate2.CreateFromPem(request.CertificatePem);
            if (!string.IsNullOrWhiteSpace(request.ChainPem))
            {
                new X509Certificate2Collection().ImportFromPem(request.ChainPem);
            }
        }
        catch (CryptographicException exception)
        {
            errors["certificatePem"] = [$"Not a PEM certificate (or chain): {exception.Message}"];
        }

        if (errors.Count > 0)
        {
            certificate?.Dispose();
            return TypedResults.ValidationProblem(errors);
        }

        using (certificate)
        {
            if (await keys.FindByThumbprintAsync(CertificateThumbprint.Sha256Hex(certificate!), ct) is not null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "A key with this certificate is already registered.");
            }

            var key = await keys.CreateAsync(agencyId, request.Purpose == KeyPurpose.Official ? request.OwnerUserId : null,
                request.Purpose, request.Location, request.Pkcs11Uri, certificate!, request.ChainPem, ct);
            await audit.AppendAsync(context.AuditEntry("key.register", key.Id, AuditOutcome.Success,
                $"purpose={key.Purpose}; subject={key.Subject}; thumbprint={key.Thumbprint}"), ct);
            return TypedResults.Created($"/api/v1/keys/{key.Id}", View(key, clock.GetUtcNow()));
        }
    }

    private static async Task<Results<NoContent, NotFound>> DisableAsync(
        string keyId, HttpContext context, SigningKeyStore keys, AuditLog audit, CancellationToken ct)
    {
        var key = await keys.FindAsync(keyId, ct);
        if (key is null || !context.User.BelongsTo(key.AgencyId) || !await keys.DisableAsync(keyId, ct))
        {
            return TypedResults.NotFound();
        }

        await audit.AppendAsync(context.AuditEntry("key.disable", keyId, AuditOutcome.Success), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> GrantAsync(
        string keyId, GrantRequest request, HttpContext context, SigningKeyStore keys, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        var key = await keys.FindAsync(keyId, ct);
        if (key is null || !context.User.BelongsTo(key.AgencyId))
        {
            return TypedResults.NotFound();
        }

        var client = await accounts.FindClientAsync(request.ClientId, ct);
        if (client is null || client.AgencyId != key.AgencyId)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["clientId"] = ["The client does not exist in your agency."],
            });
        }

        await keys.GrantAsync(keyId, client.Id, ct);
        await audit.AppendAsync(context.AuditEntry("key.grant", keyId, AuditOutcome.Success, $"client={client.Name}"), ct);
        return TypedResults.NoContent();
    }

    private static KeyView View(SigningKey key, DateTimeOffset now) => new(
        key.Id, key.Purpose, key.Location, key.OwnerUserId, key.Subject, key.Thumbprint,
        DateTimeOffset.FromUnixTimeMilliseconds(key.NotBefore), DateTimeOffset.FromUnixTimeMilliseconds(key.NotAfter), key.Status(now));
}
