using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Credentials;
using Signing.Api.Features.Limits;
using Signing.Api.Features.Signing;
using Signing.Api.Hosting;
using Signing.Storage.Accounts;
using Signing.Storage.Csc;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Csc;

/// <summary>
/// Remote signing per the Cloud Signature Consortium API v1 (1.0.4). Credentials are the HSM (pkcs11) keys of the
/// signed-in official. Authentication is the official's session (cookie from <c>/api/v1/auth/login</c>): the CSC
/// credential belongs to a person, and a calling system's API key must never be able to sign as an official.
/// <c>credentials/authorize</c> needs the key's PIN, compared in constant time with the configured one, and returns a
/// SAD bound to the exact hashes and their number; the SAD expires after <see cref="SadLifetime"/> and is single-use.
/// </summary>
public static class CscEndpoints
{
    /// <summary>How long a SAD stays usable.</summary>
    public static readonly TimeSpan SadLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most hashes one authorisation may cover.</summary>
    public const int MaxSignaturesPerAuthorization = 100;

    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    private const string RsassaPss = "1.2.840.113549.1.1.10";
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";

    /// <summary>CSC <c>credentials/list</c> input.</summary>
    /// <param name="MaxResults">At most this many ids.</param>
    public sealed record ListRequest(int? MaxResults);

    /// <summary>CSC <c>credentials/info</c> input.</summary>
    /// <param name="CredentialID">The credential (key) id.</param>
    /// <param name="Certificates"><c>none</c>, <c>single</c> (default) or <c>chain</c>.</param>
    /// <param name="CertInfo">Whether to return the certificate's details.</param>
    public sealed record InfoRequest(string? CredentialID, string? Certificates, bool? CertInfo);

    /// <summary>CSC <c>credentials/authorize</c> input.</summary>
    /// <param name="CredentialID">The credential (key) id.</param>
    /// <param name="NumSignatures">How many hashes the SAD covers.</param>
    /// <param name="Hash">The base64 hashes the SAD will allow signing.</param>
    /// <param name="PIN">The person's signing PIN (never the token's PIN).</param>
    /// <param name="OTP">Instead of the PIN, a code from the person's authenticator.</param>
    public sealed record AuthorizeRequest(string? CredentialID, int? NumSignatures, string[]? Hash, string? PIN, string? OTP);

    /// <summary>CSC <c>signatures/signHash</c> input.</summary>
    /// <param name="CredentialID">The credential (key) id.</param>
    /// <param name="SAD">The signature activation data from authorize.</param>
    /// <param name="Hash">The base64 hashes to sign; exactly those authorised.</param>
    /// <param name="HashAlgo">The hash algorithm OID (required unless signAlgo implies it).</param>
    /// <param name="SignAlgo">The signature algorithm OID.</param>
    public sealed record SignHashRequest(string? CredentialID, string? SAD, string[]? Hash, string? HashAlgo, string? SignAlgo);

    /// <summary>Maps <c>/csc/v1</c>.</summary>
    public static IEndpointRouteBuilder MapCscEndpoints(this IEndpointRouteBuilder app)
    {
        var csc = app.MapGroup("/csc/v1").WithTags("CSC").RequireRateLimiting(SigningLimits.PolicyName);
        csc.MapPost("/info", Info).AllowAnonymous().Accepts<System.Text.Json.JsonElement>("application/json");
        var official = csc.MapGroup("").RequireAuthorization(policy => policy.RequireRole(Roles.Official).RequireClaim(SigningPrincipal.KindClaim, "user"));
        official.MapPost("/credentials/list", ListAsync);
        official.MapPost("/credentials/info", InfoAsync);
        official.MapPost("/credentials/authorize", AuthorizeAsync).Audited("csc.authorize");
        official.MapPost("/signatures/signHash", SignHashAsync).Audited("csc.signHash");
        return app;
    }

    private static Ok<object> Info() => TypedResults.Ok<object>(new
    {
        specs = "1.0.4.0",
        name = "Signing service (CSC)",
        logo = "",
        region = "VN",
        lang = "vi-VN",
        description = "Remote signing with agency HSM keys of officials",
        authType = new[] { "session" },
        methods = new[] { "credentials/list", "credentials/info", "credentials/authorize", "signatures/signHash" },
    });

    private static async Task<Ok<object>> ListAsync(ListRequest? request, ClaimsPrincipal user, SigningKeyStore keys, CancellationToken ct)
    {
        var owned = await keys.ListForOwnerAsync(user.Subject()!, ct);
        var ids = owned.Where(key => key.Location == KeyLocation.Pkcs11 && key.Purpose == KeyPurpose.Official)
            .Select(key => key.Id).Take(Math.Clamp(request?.MaxResults ?? 100, 1, 100)).ToArray();
        return TypedResults.Ok<object>(new { credentialIDs = ids });
    }

    private static async Task<Results<Ok<object>, JsonHttpResult<CscError>>> InfoAsync(
        InfoRequest request, ClaimsPrincipal user, SigningKeyStore keys, SigningCredentials credentials, TimeProvider clock, CancellationToken ct)
    {
        var key = await OwnedCredentialAsync(user, request.CredentialID, keys, ct);
        if (key is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid parameter credentialID");
        }

        var certificate = key.SignerCertificate();
        var certificates = request.Certificates switch
        {
            "none" => [],
            "chain" => [Convert.ToBase64String(certificate.RawData), .. key.RegisteredChain().Select(c => Convert.ToBase64String(c.RawData))],
            _ => new[] { Convert.ToBase64String(certificate.RawData) },
        };
        using var rsaKey = certificate.GetRSAPublicKey();
        using var ecKey = rsaKey is null ? certificate.GetECDsaPublicKey() : null;
        var isRsa = rsaKey is not null;
        var keySize = rsaKey?.KeySize ?? ecKey?.KeySize ?? 0;
        var status = key.Status(clock.GetUtcNow());
        return TypedResults.Ok<object>(new Dictionary<string, object>
        {
            ["key"] = new
            {
                status = key.DisabledAt is null ? "enabled" : "disabled",
                algo = isRsa ? new[] { RsaEncryption, Sha256WithRsa, RsassaPss } : [EcdsaWithSha256],
                len = keySize,
            },
            ["cert"] = new
            {
                status = status == "active" ? "valid" : status,
                certificates,
                issuerDN = request.CertInfo == true ? certificate.Issuer : null,
                serialNumber = request.CertInfo == true ? certificate.SerialNumber : null,
                subjectDN = request.CertInfo == true ? certificate.Subject : null,
                validFrom = request.CertInfo == true ? certificate.NotBefore.ToUniversalTime().ToString("yyyyMMddHHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) : null,
                validTo = request.CertInfo == true ? certificate.NotAfter.ToUniversalTime().ToString("yyyyMMddHHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) : null,
            },
            ["authMode"] = "explicit",
            ["PIN"] = new { presence = "true", format = "A", label = "PIN", description = "Your signing PIN (not the token's PIN)" },
            ["OTP"] = await credentials.HasTotpAsync(user.Subject()!, ct)
                ? new { presence = "optional", type = "offline", format = "N", label = "OTP", description = "A code from your authenticator, instead of the PIN" }
                : new { presence = "false" },
            ["multisign"] = MaxSignaturesPerAuthorization,
            ["lang"] = "vi-VN",
        });
    }

    private static async Task<Results<Ok<object>, JsonHttpResult<CscError>>> AuthorizeAsync(
        AuthorizeRequest request, HttpContext context, SigningKeyStore keys, SigningService signing, SigningCredentials credentials,
        CscAuthorizationStore authorizations, AuditTrail trail, TimeProvider clock, CancellationToken ct)
    {
        var key = await OwnedCredentialAsync(context.User, request.CredentialID, keys, ct);
        if (key is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid parameter credentialID");
        }

        trail.Target = key.Id;
        var hashes = request.Hash ?? [];
        if (request.NumSignatures is not { } count || count < 1 || count > MaxSignaturesPerAuthorization || hashes.Length != count
            || !hashes.All(IsSha256Base64))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request",
                $"numSignatures must be 1..{MaxSignaturesPerAuthorization} and hash must list exactly that many base64 SHA-256 hashes");
        }

        if ((await signing.ResolveKeyAsync(context.User.ToActor(), key.Id, ct)).Failure is { } failure)
        {
            return Error(failure, context);
        }

        if (await credentials.VerifyAsync(context.User.ToActor(), request.PIN, request.OTP, "csc.authorize", ct) is { } factorFailure)
        {
            trail.Note(factorFailure.Code);
            // CSC clients expect invalid_request for a wrong PIN or a used one-time code; a locked credential keeps its own status.
            return factorFailure.Code switch
            {
                "signing-factor-wrong" => Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid PIN"),
                "signing-code-used" => Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid OTP"),
                _ => Error(factorFailure, context),
            };
        }

        var sad = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await authorizations.CreateAsync(new CscAuthorization(
            SadHash(sad), key.Id, context.User.Subject()!, string.Join(',', hashes), count, (now + SadLifetime).ToUnixTimeMilliseconds(), null), ct);
        trail.Add("numSignatures", count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Add("hashes", HexList(hashes));
        // CSC names these members in capitals; a dictionary keeps them from the web JSON camel-casing.
        return TypedResults.Ok<object>(new Dictionary<string, object> { ["SAD"] = sad, ["expiresIn"] = (int)SadLifetime.TotalSeconds });
    }

    private static async Task<Results<Ok<object>, JsonHttpResult<CscError>>> SignHashAsync(
        SignHashRequest request, HttpContext context, SigningKeyStore keys, SigningService signing,
        CscAuthorizationStore authorizations, AuditTrail trail, TimeProvider clock, CancellationToken ct)
    {
        var key = await OwnedCredentialAsync(context.User, request.CredentialID, keys, ct);
        if (key is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid parameter credentialID");
        }

        trail.Target = key.Id;
        var pss = request.SignAlgo == RsassaPss;
        if (request.SignAlgo is not (RsaEncryption or Sha256WithRsa or RsassaPss or EcdsaWithSha256)
            || (request.HashAlgo is not null && request.HashAlgo != Sha256)
            || (request.HashAlgo is null && request.SignAlgo is RsaEncryption or RsassaPss))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request",
                $"Unsupported signAlgo/hashAlgo: use signAlgo {Sha256WithRsa}, {RsaEncryption} or {RsassaPss} with hashAlgo {Sha256} (RSA), or {EcdsaWithSha256}.");
        }

        var hashes = request.Hash ?? [];
        var authorization = string.IsNullOrEmpty(request.SAD) ? null : await authorizations.FindAsync(SadHash(request.SAD), ct);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (authorization is null || authorization.KeyId != key.Id || authorization.UserId != context.User.Subject()
            || authorization.UsedAt is not null || authorization.ExpiresAt <= now)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid or expired SAD (a SAD is single-use)");
        }

        if (!hashes.SequenceEqual(authorization.HashList, StringComparer.Ordinal))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The hashes are not the ones the SAD authorised");
        }

        if ((await signing.ResolveKeyAsync(context.User.ToActor(), key.Id, ct)).Failure is { } failure)
        {
            return Error(failure, context);
        }

        var tokenKey = signing.OpenTokenKey(key);
        if (tokenKey.Failure is { } tokenFailure)
        {
            return Error(tokenFailure, context);
        }

        if (!await authorizations.TryConsumeAsync(authorization.SadHash, now, ct))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Invalid or expired SAD (a SAD is single-use)");
        }

        var signatures = hashes.Select(hash => Convert.ToBase64String(
            SigningService.SignDigest(tokenKey.Value!.PrivateKey, Convert.FromBase64String(hash), HashAlgorithmName.SHA256, pss).Signature)).ToArray();
        trail.Add("signAlgo", request.SignAlgo).Add("hashes", HexList(hashes));
        return TypedResults.Ok<object>(new { signatures });
    }

    private static async Task<SigningKey?> OwnedCredentialAsync(ClaimsPrincipal user, string? credentialId, SigningKeyStore keys, CancellationToken ct)
    {
        var key = string.IsNullOrEmpty(credentialId) ? null : await keys.FindAsync(credentialId, ct);
        return key is { Location: KeyLocation.Pkcs11 } && key.OwnerUserId == user.Subject() && user.BelongsTo(key.AgencyId) ? key : null;
    }

    private static bool IsSha256Base64(string value)
    {
        Span<byte> buffer = stackalloc byte[48];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }

    private static string SadHash(string sad) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sad)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string HexList(IEnumerable<string> base64Hashes)
        => string.Join(' ', base64Hashes.Select(h => Convert.ToHexStringLower(Convert.FromBase64String(h))));

    // CSC clients read error/error_description, not problem details; the status and Retry-After stay those of the failure.
    private static JsonHttpResult<CscError> Error(Failure failure, HttpContext context)
    {
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Error(ProblemMap.StatusOf(failure.Kind), failure.Kind == FailureKind.Unavailable ? "temporarily_unavailable" : "invalid_request",
            failure.Detail);
    }

    private static JsonHttpResult<CscError> Error(int? status, string error, string description)
        => TypedResults.Json(new CscError(error, description), statusCode: status ?? StatusCodes.Status400BadRequest);
}

/// <summary>The CSC API error body.</summary>
/// <param name="error">The error code, e.g. <c>invalid_request</c>.</param>
/// <param name="error_description">A description for people.</param>
#pragma warning disable CA1707 // The CSC specification names the JSON members with underscores.
public sealed record CscError(string error, string error_description);
#pragma warning restore CA1707
