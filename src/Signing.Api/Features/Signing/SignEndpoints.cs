using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Keys;
using Signing.Api.Features.Limits;
using Signing.Api.Features.Tokens;
using Signing.Pdf;
using Signing.Pki.Cms;
using Signing.Storage.Audit;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Signing;

/// <summary>The synchronous sign API (<c>/api/v1/sign/pdf</c>, <c>/cms</c>, <c>/hash</c>) for calling systems.</summary>
public static class SignEndpoints
{
    /// <summary>The response header carrying the id of the signature just made (the audit record's target).</summary>
    public const string SignatureIdHeader = "X-Signature-Id";

    /// <summary>A CMS signature request: <c>data</c> (base64) or a precomputed <c>hash</c> (base64) with <c>hashAlgorithm</c>.</summary>
    /// <param name="KeyId">The signing key.</param>
    /// <param name="Data">The content to sign, base64.</param>
    /// <param name="Hash">The content's digest, base64 (detached only).</param>
    /// <param name="HashAlgorithm">SHA-256 (default), SHA-384 or SHA-512.</param>
    /// <param name="Detached">False to embed the content (enveloping); default detached.</param>
    public sealed record SignCmsRequest(string? KeyId, string? Data, string? Hash, string? HashAlgorithm, bool? Detached);

    /// <summary>A raw signature request over a digest.</summary>
    /// <param name="KeyId">The signing key.</param>
    /// <param name="Hash">The digest, base64.</param>
    /// <param name="HashAlgorithm">SHA-256 (default), SHA-384 or SHA-512.</param>
    /// <param name="Padding">For RSA: <c>pkcs1</c> (default) or <c>pss</c>.</param>
    public sealed record SignHashRequest(string? KeyId, string? Hash, string? HashAlgorithm, string? Padding);

    /// <summary>A raw signature.</summary>
    /// <param name="Signature">Base64: PKCS#1 v1.5 or PSS for RSA, DER ECDSA-Sig-Value for EC.</param>
    /// <param name="Algorithm">What was produced, e.g. <c>RSA-PKCS1-SHA-256</c>.</param>
    public sealed record SignHashResponse(string Signature, string Algorithm);

    /// <summary>Maps the sign endpoints.</summary>
    public static IEndpointRouteBuilder MapSignEndpoints(this IEndpointRouteBuilder app)
    {
        var sign = app.MapGroup("/api/v1/sign").WithTags("Signing").RequireRateLimiting(SigningLimits.PolicyName);
        sign.MapPost("/pdf", SignPdfAsync).RequireAuthorization(AuthenticationSetup.CallerPolicy);
        sign.MapPost("/cms", SignCmsAsync).RequireAuthorization(AuthenticationSetup.CallerPolicy);
        sign.MapPost("/hash", SignHashAsync).RequireAuthorization(AuthenticationSetup.CallerPolicy);
        sign.MapTwoStepEndpoints();
        return app;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> SignPdfAsync(
        HttpContext context, SigningKeyAccess access, TokenKeys tokens, PdfSignatureService signer, AuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var (upload, uploadProblem) = await PdfUpload.ReadAsync(context.Request, ct);
        if (upload is null)
        {
            await AuditAsync(audit, context, "sign.pdf", null, uploadProblem!, "no document", ct);
            return uploadProblem!;
        }

        await using (upload)
        {
            var signatureId = Guid.CreateVersion7().ToString("N");
            var audited = $"sha256={upload.Sha256}; key={upload.KeyId}; level={upload.Level}";
            var problem = await CheckPdfAsync(context, access, signer, upload, requireTokenKey: true, ct);
            if (problem.Problem is not null)
            {
                await AuditAsync(audit, context, "sign.pdf", signatureId, problem.Problem, audited, ct);
                return problem.Problem;
            }

            var key = problem.Key!;
            var output = upload.CreateOutputBuffer();
            var handedToResponse = false;
            try
            {
                var (request, requestProblem) = upload.SignatureRequestFor(key.SignerCertificate(), clock.GetLocalNow(), signer.ReaderLimits);
                if (request is not null)
                {
                    audited += $"; {request.AuditDetails}";
                }

                var (tokenKey, tokenProblem) = requestProblem is null ? OpenTokenKey(tokens, key) : (null, null);
                if (tokenKey is null)
                {
                    await AuditAsync(audit, context, "sign.pdf", signatureId, (requestProblem ?? tokenProblem)!, audited, ct);
                    return (requestProblem ?? tokenProblem)!;
                }

                await signer.SignAsync(upload.Document, output, request!, tokenKey.PrivateKey, key.SignerCertificate(), key.RegisteredChain(), ct);
                output.Position = 0;
                context.Response.Headers[SignatureIdHeader] = signatureId;
                // No signed document leaves without its audit record: if the append fails, the request fails.
                await audit.AppendAsync(context.AuditEntry("sign.pdf", signatureId, AuditOutcome.Success, audited), ct);
                handedToResponse = true;
                return TypedResults.File(output, "application/pdf");
            }
            catch (Exception exception) when (ProblemFor(exception) is { } failure)
            {
                await AuditAsync(audit, context, "sign.pdf", signatureId, failure, audited, ct);
                return failure;
            }
            finally
            {
                if (!handedToResponse)
                {
                    await output.DisposeAsync();
                }
            }
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SignCmsAsync(
        SignCmsRequest request, HttpContext context, SigningKeyAccess access, TokenKeys tokens, AuditLog audit, CancellationToken ct)
    {
        var signatureId = Guid.CreateVersion7().ToString("N");
        var (digestAlgorithm, algorithmProblem) = ParseHashAlgorithm(request.HashAlgorithm);
        byte[]? data = null;
        byte[]? hash = null;
        ProblemHttpResult? inputProblem = algorithmProblem;
        try
        {
            data = request.Data is null ? null : Convert.FromBase64String(request.Data);
            hash = request.Hash is null ? null : Convert.FromBase64String(request.Hash);
        }
        catch (FormatException)
        {
            inputProblem = SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input", "data and hash must be base64.");
        }

        if (inputProblem is null && (data is null) == (hash is null))
        {
            inputProblem = SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input", "Give exactly one of data or hash.");
        }
        else if (inputProblem is null && hash is not null && request.Detached == false)
        {
            inputProblem = SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input", "An enveloping signature needs the data, not its hash.");
        }

        var contentHash = data is not null ? Convert.ToHexStringLower(SHA256.HashData(data)) : Convert.ToHexStringLower(hash ?? []);
        var audited = $"{(data is not null ? "sha256" : $"{request.HashAlgorithm ?? "SHA-256"}-hash")}={contentHash}; key={request.KeyId}";
        if (inputProblem is not null)
        {
            await AuditAsync(audit, context, "sign.cms", signatureId, inputProblem, audited, ct);
            return inputProblem;
        }

        var (key, problem) = await access.ResolveAsync(context.User, request.KeyId, context, ct);
        problem ??= key is not null && key.Location != KeyLocation.Pkcs11 ? DeskTokenProblem() : null;
        var (tokenKey, tokenProblem) = problem is null ? OpenTokenKey(tokens, key!) : (null, null);
        problem ??= tokenProblem;
        if (problem is not null)
        {
            await AuditAsync(audit, context, "sign.cms", signatureId, problem, audited, ct);
            return problem;
        }

        try
        {
            var options = new CadesSignOptions { Certificate = key!.SignerCertificate(), Chain = key.RegisteredChain(), DigestAlgorithm = digestAlgorithm };
            byte[] cms;
            if (data is not null)
            {
                cms = await CadesSigner.SignAsync(data, request.Detached != false, tokenKey!.PrivateKey, options, ct);
            }
            else
            {
                var prepared = CadesSigner.Prepare(hash, options);
                cms = prepared.SignWith(tokenKey!.PrivateKey);
            }

            context.Response.Headers[SignatureIdHeader] = signatureId;
            await audit.AppendAsync(context.AuditEntry("sign.cms", signatureId, AuditOutcome.Success, audited), ct);
            return TypedResults.File(cms, "application/pkcs7-signature");
        }
        catch (Exception exception) when (ProblemFor(exception) is { } failure)
        {
            await AuditAsync(audit, context, "sign.cms", signatureId, failure, audited, ct);
            return failure;
        }
    }

    private static async Task<Results<Ok<SignHashResponse>, ProblemHttpResult>> SignHashAsync(
        SignHashRequest request, HttpContext context, SigningKeyAccess access, TokenKeys tokens, AuditLog audit, CancellationToken ct)
    {
        var signatureId = Guid.CreateVersion7().ToString("N");
        var (digestAlgorithm, problem) = ParseHashAlgorithm(request.HashAlgorithm);
        byte[] hash = [];
        try
        {
            hash = Convert.FromBase64String(request.Hash ?? "");
        }
        catch (FormatException)
        {
            problem ??= SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input", "hash must be base64.");
        }

        if (problem is null && hash.Length != DigestLength(digestAlgorithm))
        {
            problem = SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input",
                $"A {digestAlgorithm.Name} hash has {DigestLength(digestAlgorithm)} bytes; got {hash.Length}.");
        }

        if (problem is null && request.Padding is not (null or "pkcs1" or "pss"))
        {
            problem = SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input", "padding must be pkcs1 or pss.");
        }

        var audited = $"{digestAlgorithm.Name}-hash={Convert.ToHexStringLower(hash)}; key={request.KeyId}";
        if (problem is not null)
        {
            await AuditAsync(audit, context, "sign.hash", signatureId, problem, audited, ct);
            return problem;
        }

        var (key, accessProblem) = await access.ResolveAsync(context.User, request.KeyId, context, ct);
        accessProblem ??= key is not null && key.Location != KeyLocation.Pkcs11 ? DeskTokenProblem() : null;
        var (tokenKey, tokenProblem) = accessProblem is null ? OpenTokenKey(tokens, key!) : (null, null);
        accessProblem ??= tokenProblem;
        if (accessProblem is not null)
        {
            await AuditAsync(audit, context, "sign.hash", signatureId, accessProblem, audited, ct);
            return accessProblem;
        }

        try
        {
            var (signature, algorithm) = SignDigest(tokenKey!.PrivateKey, hash, digestAlgorithm, request.Padding == "pss");
            context.Response.Headers[SignatureIdHeader] = signatureId;
            await audit.AppendAsync(context.AuditEntry("sign.hash", signatureId, AuditOutcome.Success, audited), ct);
            return TypedResults.Ok(new SignHashResponse(Convert.ToBase64String(signature), algorithm));
        }
        catch (Exception exception) when (ProblemFor(exception) is { } failure)
        {
            await AuditAsync(audit, context, "sign.hash", signatureId, failure, audited, ct);
            return failure;
        }
    }

    /// <summary>Signs a digest with a key: PKCS#1 v1.5 or PSS for RSA, DER ECDSA-Sig-Value for EC.</summary>
    internal static (byte[] Signature, string Algorithm) SignDigest(AsymmetricAlgorithm key, byte[] hash, HashAlgorithmName digest, bool pss) => key switch
    {
        RSA rsa => (rsa.SignHash(hash, digest, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            $"RSA-{(pss ? "PSS" : "PKCS1")}-{HashName(digest)}"),
        ECDsa ecdsa => (ecdsa.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence), $"ECDSA-{HashName(digest)}"),
        _ => throw new CryptographicException($"Keys of type {key.GetType().Name} cannot sign."),
    };

    /// <summary>
    /// Runs the checks shared by sign/pdf and prepare: key access and level. The page count and the document's
    /// readability are judged by the reader that signs (<see cref="ProblemFor"/> maps its exceptions).
    /// </summary>
    internal static async Task<(SigningKey? Key, ProblemHttpResult? Problem)> CheckPdfAsync(
        HttpContext context, SigningKeyAccess access, PdfSignatureService signer, PdfUpload upload, bool requireTokenKey, CancellationToken ct)
    {
        var (key, problem) = await access.ResolveAsync(context.User, upload.KeyId, context, ct);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (requireTokenKey && key!.Location != KeyLocation.Pkcs11)
        {
            return (null, DeskTokenProblem());
        }

        if ((requireTokenKey ? signer.Unsupported(upload.Level) : signer.UnsupportedInTwoSteps(upload.Level)) is { } unsupported)
        {
            return (null, SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity, "Level not supported", unsupported));
        }

        return (key, null);
    }

    /// <summary>Maps an expected failure to its problem; null for anything unexpected (which becomes a 500).</summary>
    internal static ProblemHttpResult? ProblemFor(Exception exception) => exception switch
    {
        PdfPageLimitException => SigningKeyAccess.Problem(StatusCodes.Status413PayloadTooLarge, "Too many pages",
            $"{exception.Message} (Limits:MaxPages)."),
        Pdf.Signatures.SignatureNotPermittedException => SigningKeyAccess.Problem(StatusCodes.Status409Conflict, "Signing not permitted", exception.Message),
        Pdf.Signatures.LtvDataUnavailableException => SigningKeyAccess.Problem(StatusCodes.Status503ServiceUnavailable,
            "Validation data unavailable", exception.Message),
        PdfEncryptedException => SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity, "Encrypted PDF",
            "The PDF is encrypted; remove the encryption before signing. " + exception.Message),
        PdfFormatException => SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity, "Malformed PDF", exception.Message),
        TokenNotConfiguredException => SigningKeyAccess.Problem(StatusCodes.Status503ServiceUnavailable, "Token not available", exception.Message),
        Pkcs11.Pkcs11TokenException or Pkcs11.Pkcs11Exception => SigningKeyAccess.Problem(StatusCodes.Status503ServiceUnavailable,
            "Token not available", $"The signing token could not be used: {exception.Message}"),
        Pki.Timestamping.TimestampAuthorityException => SigningKeyAccess.Problem(StatusCodes.Status503ServiceUnavailable,
            "Time-stamping authority unavailable", exception.Message),
        CryptographicException or ArgumentException => SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity,
            "Unprocessable signing input", exception.Message),
        _ => null,
    };

    /// <summary>Opens the token key of a pkcs11 key, or the 503 problem that explains why the token cannot be used.</summary>
    internal static (Pkcs11.Pkcs11SigningKey? Key, ProblemHttpResult? Problem) OpenTokenKey(TokenKeys tokens, SigningKey key)
    {
        try
        {
            return (tokens.Open(key.Pkcs11Uri!), null);
        }
        catch (Exception exception) when (exception is TokenNotConfiguredException or CryptographicException or FormatException or IOException)
        {
            return (null, SigningKeyAccess.Problem(StatusCodes.Status503ServiceUnavailable, "Token not available",
                $"The key's token could not be opened: {exception.Message}"));
        }
    }

    /// <summary>Parses SHA-256 / SHA-384 / SHA-512 (also without the dash, or as an OID).</summary>
    internal static (HashAlgorithmName Algorithm, ProblemHttpResult? Problem) ParseHashAlgorithm(string? name) => name?.ToUpperInvariant() switch
    {
        null or "SHA-256" or "SHA256" or "2.16.840.1.101.3.4.2.1" => (HashAlgorithmName.SHA256, null),
        "SHA-384" or "SHA384" or "2.16.840.1.101.3.4.2.2" => (HashAlgorithmName.SHA384, null),
        "SHA-512" or "SHA512" or "2.16.840.1.101.3.4.2.3" => (HashAlgorithmName.SHA512, null),
        _ => (HashAlgorithmName.SHA256, SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Unsupported hash algorithm",
            $"hashAlgorithm '{name}' is not supported; use SHA-256, SHA-384 or SHA-512.")),
    };

    /// <summary>The digest length of a supported algorithm.</summary>
    internal static int DigestLength(HashAlgorithmName algorithm) => algorithm.Name switch
    {
        "SHA384" => 48,
        "SHA512" => 64,
        _ => 32,
    };

    /// <summary>Records a refused or failed signing attempt.</summary>
    internal static Task AuditAsync(AuditLog audit, HttpContext context, string action, string? target, ProblemHttpResult problem, string details, CancellationToken ct)
        => audit.AppendAsync(context.AuditEntry(action, target,
            problem.StatusCode is >= 500 ? AuditOutcome.Failure : AuditOutcome.Denied,
            $"{details}; status={problem.StatusCode}; {problem.ProblemDetails.Title}"), ct);

    private static string HashName(HashAlgorithmName digest) => digest.Name switch
    {
        "SHA384" => "SHA-384",
        "SHA512" => "SHA-512",
        _ => "SHA-256",
    };

    private static ProblemHttpResult DeskTokenProblem() => SigningKeyAccess.Problem(StatusCodes.Status409Conflict, "Key cannot sign here",
        "The key lives on an official's desk token; use two-step signing (POST /api/v1/sign/pdf/prepare, then /complete).");
}
