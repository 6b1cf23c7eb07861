using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Pki;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Accounts;

/// <summary>An agency's people, calling systems and API keys. Every route is scoped to the caller's own agency.</summary>
public static class AccountEndpoints
{
    /// <summary>A new person.</summary>
    public sealed record CreateUserRequest(
        string Username, string DisplayName, string? Title, string? Password, string Roles, string? CertificatePem);

    /// <summary>A new calling system.</summary>
    public sealed record CreateClientRequest(string Name, string? Roles, string? CertificatePem);

    /// <summary>A person, without secrets.</summary>
    public sealed record UserView(string Id, string Username, string DisplayName, string? Title, IReadOnlyList<string> Roles, bool HasCertificate, bool Disabled);

    /// <summary>A calling system.</summary>
    public sealed record ClientView(string Id, string Name, IReadOnlyList<string> Roles, bool HasCertificate, bool Disabled);

    /// <summary>An API key's public part.</summary>
    public sealed record ApiKeyView(string Id, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    /// <summary>A new API key; <paramref name="Key"/> is shown this once and never again.</summary>
    public sealed record NewApiKey(string Id, string ClientId, string Prefix, string Key);

    /// <summary>Maps <c>/api/v1/agencies</c> and <c>/api/v1/clients</c>.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var agencies = app.MapGroup("/api/v1/agencies/{agencyId}").WithTags("Accounts");
        agencies.MapGet("", GetAgencyAsync);
        agencies.MapGet("/users", ListUsersAsync).RequireAuthorization(AuthenticationSetup.AdminPolicy);
        agencies.MapPost("/users", CreateUserAsync).RequireAuthorization(AuthenticationSetup.AdminPolicy);
        agencies.MapGet("/clients", ListClientsAsync).RequireAuthorization(AuthenticationSetup.AdminPolicy);
        agencies.MapPost("/clients", CreateClientAsync).RequireAuthorization(AuthenticationSetup.AdminPolicy);

        var clients = app.MapGroup("/api/v1/clients/{clientId}/api-keys").WithTags("Accounts")
            .RequireAuthorization(AuthenticationSetup.AdminPolicy);
        clients.MapGet("", ListApiKeysAsync);
        clients.MapPost("", CreateApiKeyAsync);
        clients.MapDelete("/{keyId}", RevokeApiKeyAsync);
        return app;
    }

    private static async Task<Results<Ok<Agency>, NotFound, ForbidHttpResult>> GetAgencyAsync(
        string agencyId, ClaimsPrincipal user, AccountStore accounts, CancellationToken ct)
    {
        if (!user.BelongsTo(agencyId))
        {
            return TypedResults.Forbid();
        }

        var agency = await accounts.FindAgencyAsync(agencyId, ct);
        return agency is null ? TypedResults.NotFound() : TypedResults.Ok(agency);
    }

    private static async Task<Results<Ok<List<UserView>>, ForbidHttpResult>> ListUsersAsync(
        string agencyId, ClaimsPrincipal user, AccountStore accounts, CancellationToken ct)
    {
        if (!user.BelongsTo(agencyId))
        {
            return TypedResults.Forbid();
        }

        var users = await accounts.ListUsersAsync(agencyId, ct);
        return TypedResults.Ok(users.Select(View).ToList());
    }

    private static async Task<Results<Created<UserView>, ForbidHttpResult, ValidationProblem, ProblemHttpResult>> CreateUserAsync(
        string agencyId, CreateUserRequest request, HttpContext context, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        if (!context.User.BelongsTo(agencyId))
        {
            return TypedResults.Forbid();
        }

        var errors = new Dictionary<string, string[]>();
        IReadOnlyList<string> roles = [];
        try
        {
            roles = Roles.Parse(request.Roles);
            if (roles.Count == 0)
            {
                errors["roles"] = ["Give at least one role."];
            }
        }
        catch (ArgumentException exception)
        {
            errors["roles"] = [exception.Message];
        }

        var (username, usernameProblem) = Usernames.Normalize(request.Username);
        if (usernameProblem is not null)
        {
            errors["username"] = [usernameProblem];
        }

        if (request.Password is not null && PasswordPolicy.Problem(request.Password, request.Username) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        var thumbprint = ThumbprintOf(request.CertificatePem, errors);
        if (request.Password is null && thumbprint is null)
        {
            errors["password"] = ["Give a password, a certificate, or both."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await accounts.FindUserByUsernameAsync(username!, ct) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: $"The username '{username}' is taken.");
        }

        if (thumbprint is not null && await accounts.IsCertificateRegisteredAsync(thumbprint, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "This certificate is already registered to a person or a client.");
        }

        var hash = request.Password is null ? null : PasswordHashing.Hash(request.Password);
        var created = await accounts.CreateUserAsync(agencyId, username!, request.DisplayName, request.Title, hash, roles, thumbprint, ct);
        await audit.AppendAsync(context.AuditEntry("account.user.create", created.Id, AuditOutcome.Success, $"roles={created.Roles}"), ct);
        return TypedResults.Created($"/api/v1/agencies/{agencyId}/users/{created.Id}", View(created));
    }

    private static async Task<Results<Ok<List<ClientView>>, ForbidHttpResult>> ListClientsAsync(
        string agencyId, ClaimsPrincipal user, AccountStore accounts, CancellationToken ct)
    {
        if (!user.BelongsTo(agencyId))
        {
            return TypedResults.Forbid();
        }

        return TypedResults.Ok((await accounts.ListClientsAsync(agencyId, ct)).Select(View).ToList());
    }

    private static async Task<Results<Created<ClientView>, ForbidHttpResult, ValidationProblem, ProblemHttpResult>> CreateClientAsync(
        string agencyId, CreateClientRequest request, HttpContext context, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        if (!context.User.BelongsTo(agencyId))
        {
            return TypedResults.Forbid();
        }

        var errors = new Dictionary<string, string[]>();
        IReadOnlyList<string> roles = [Roles.Caller];
        try
        {
            roles = request.Roles is null ? roles : Roles.Parse(request.Roles);
            if (roles.Count == 0)
            {
                errors["roles"] = ["Give at least one role, or leave roles out for 'caller'."];
            }
        }
        catch (ArgumentException exception)
        {
            errors["roles"] = [exception.Message];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            errors["name"] = ["A name of 1 to 100 characters is required."];
        }

        var thumbprint = ThumbprintOf(request.CertificatePem, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await accounts.FindClientByNameAsync(request.Name, ct) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: $"A client named '{request.Name}' exists.");
        }

        if (thumbprint is not null && await accounts.IsCertificateRegisteredAsync(thumbprint, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "This certificate is already registered to a person or a client.");
        }

        var created = await accounts.CreateClientAsync(agencyId, request.Name, roles, thumbprint, ct);
        await audit.AppendAsync(context.AuditEntry("account.client.create", created.Id, AuditOutcome.Success, $"roles={created.Roles}"), ct);
        return TypedResults.Created($"/api/v1/agencies/{agencyId}/clients/{created.Id}", View(created));
    }

    private static async Task<Results<Ok<List<ApiKeyView>>, NotFound>> ListApiKeysAsync(
        string clientId, ClaimsPrincipal user, AccountStore accounts, CancellationToken ct)
    {
        var client = await accounts.FindClientAsync(clientId, ct);
        if (client is null || !user.BelongsTo(client.AgencyId))
        {
            return TypedResults.NotFound();
        }

        var keys = await accounts.ListApiKeysAsync(clientId, ct);
        return TypedResults.Ok(keys.Select(key => new ApiKeyView(
            key.Id, key.Prefix, DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedAt),
            key.RevokedAt is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null)).ToList());
    }

    private static async Task<Results<Created<NewApiKey>, NotFound>> CreateApiKeyAsync(
        string clientId, HttpContext context, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        var client = await accounts.FindClientAsync(clientId, ct);
        if (client is null || !context.User.BelongsTo(client.AgencyId))
        {
            return TypedResults.NotFound();
        }

        var (record, key) = await accounts.CreateApiKeyAsync(clientId, ct);
        // The key is in this reply only: no cache and no idempotency store may keep it.
        context.Response.Headers.CacheControl = "no-store";
        Hosting.IdempotencyMiddleware.DoNotStore(context);
        await audit.AppendAsync(context.AuditEntry("account.apikey.create", $"{clientId}/{record.Id}", AuditOutcome.Success), ct);
        return TypedResults.Created($"/api/v1/clients/{clientId}/api-keys/{record.Id}", new NewApiKey(record.Id, clientId, record.Prefix, key));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeApiKeyAsync(
        string clientId, string keyId, HttpContext context, AccountStore accounts, AuditLog audit, CancellationToken ct)
    {
        var client = await accounts.FindClientAsync(clientId, ct);
        if (client is null || !context.User.BelongsTo(client.AgencyId) || !await accounts.RevokeApiKeyAsync(clientId, keyId, ct))
        {
            return TypedResults.NotFound();
        }

        await audit.AppendAsync(context.AuditEntry("account.apikey.revoke", $"{clientId}/{keyId}", AuditOutcome.Success), ct);
        return TypedResults.NoContent();
    }

    private static string? ThumbprintOf(string? pem, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return CertificateThumbprint.Sha256Hex(certificate);
        }
        catch (System.Security.Cryptography.CryptographicException exception)
        {
            errors["certificatePem"] = [$"Not a PEM certificate: {exception.Message}"];
            return null;
        }
    }

    private static UserView View(User user) => new(
        user.Id, user.Username, user.DisplayName, user.Title, Roles.Parse(user.Roles), user.CertThumbprint is not null, user.DisabledAt is not null);

    private static ClientView View(Client client) => new(
        client.Id, client.Name, Roles.Parse(client.Roles), client.CertThumbprint is not null, client.DisabledAt is not null);
}
