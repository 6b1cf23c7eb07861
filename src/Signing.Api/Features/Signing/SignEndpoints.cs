using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Limits;
using Signing.Api.Hosting;
using Signing.Storage;

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
        sign.MapPost("/pdf", SignPdfAsync).Accepts<IFormFile>("multipart/form-data", "application/pdf").RequireAuthorization(AuthenticationSetup.CallerPolicy).Audited("sign.pdf");
        sign.MapPost("/cms", SignCmsAsync).RequireAuthorization(AuthenticationSetup.CallerPolicy).Audited("sign.cms");
        sign.MapPost("/hash", SignHashAsync).RequireAuthorization(AuthenticationSetup.CallerPolicy).Audited("sign.hash");
        sign.MapTwoStepEndpoints();
        return app;
    }

    private static async Task<Results<FileContentHttpResult, FileStreamHttpResult, ProblemHttpResult>> SignPdfAsync(
        HttpContext context, SigningService signing, AuditTrail trail, CancellationToken ct)
    {
        var upload = await PdfUpload.ReadAsync(context.Request, ct);
        if (upload.Failure is { } uploadFailure)
        {
            trail.Note("no document");
            return uploadFailure.ToProblem(context);
        }

        await using var input = upload.Value!;
        var signed = await signing.SignPdfAsync(context.User.ToActor(), input, trail, ct);
        if (signed.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        // The response owns the signed document from here: it is disposed when the request ends, sent or not.
        context.Response.RegisterForDisposeAsync(signed.Value!.Document);
        context.Response.Headers[SignatureIdHeader] = trail.Target;
        // A document signed in memory is sent from its buffer in one write; a large one streams from its scratch file.
        return signed.Value.Document is MemoryStream buffer && buffer.TryGetBuffer(out var bytes)
            ? TypedResults.Bytes(bytes.AsMemory(), "application/pdf")
            : TypedResults.File(signed.Value.Document, "application/pdf");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SignCmsAsync(
        SignCmsRequest request, HttpContext context, SigningService signing, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = TimeOrderedIds.New();
        var digestAlgorithm = HashAlgorithms.Parse(request.HashAlgorithm);
        byte[]? data = null;
        byte[]? hash = null;
        var inputFailure = digestAlgorithm.Failure;
        try
        {
            data = request.Data is null ? null : Convert.FromBase64String(request.Data);
            hash = request.Hash is null ? null : Convert.FromBase64String(request.Hash);
        }
        catch (FormatException)
        {
            inputFailure = Failure.BadInput("Malformed input", "data and hash must be base64.");
        }

        if (inputFailure is null && (data is null) == (hash is null))
        {
            inputFailure = Failure.BadInput("Malformed input", "Give exactly one of data or hash.");
        }
        else if (inputFailure is null && hash is not null && request.Detached == false)
        {
            inputFailure = Failure.BadInput("Malformed input", "An enveloping signature needs the data, not its hash.");
        }

        var contentHash = data is not null ? Convert.ToHexStringLower(SHA256.HashData(data)) : Convert.ToHexStringLower(hash ?? []);
        trail.Add(data is not null ? "sha256" : $"{request.HashAlgorithm ?? "SHA-256"}-hash", contentHash).Add("key", request.KeyId);
        if (inputFailure is not null)
        {
            return inputFailure.ToProblem(context);
        }

        var cms = await signing.SignCmsAsync(context.User.ToActor(), request.KeyId, data, hash, digestAlgorithm.Value, request.Detached != false, ct);
        if (cms.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        context.Response.Headers[SignatureIdHeader] = trail.Target;
        return TypedResults.File(cms.Value!, "application/pkcs7-signature");
    }

    private static async Task<Results<Ok<SignHashResponse>, ProblemHttpResult>> SignHashAsync(
        SignHashRequest request, HttpContext context, SigningService signing, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = TimeOrderedIds.New();
        var digestAlgorithm = HashAlgorithms.Parse(request.HashAlgorithm);
        var failure = digestAlgorithm.Failure;
        byte[] hash = [];
        try
        {
            hash = Convert.FromBase64String(request.Hash ?? "");
        }
        catch (FormatException)
        {
            failure ??= Failure.BadInput("Malformed input", "hash must be base64.", "hash");
        }

        var expectedLength = HashAlgorithms.DigestLength(digestAlgorithm.Value);
        if (failure is null && hash.Length != expectedLength)
        {
            failure = Failure.BadInput("Malformed input",
                $"A {HashAlgorithms.NameOf(digestAlgorithm.Value)} hash has {expectedLength} bytes; got {hash.Length}.", "hash");
        }

        if (failure is null && request.Padding is not (null or "pkcs1" or "pss"))
        {
            failure = Failure.BadInput("Malformed input", "padding must be pkcs1 or pss.", "padding");
        }

        trail.Add($"{digestAlgorithm.Value.Name}-hash", Convert.ToHexStringLower(hash)).Add("key", request.KeyId);
        if (failure is not null)
        {
            return failure.ToProblem(context);
        }

        var signature = await signing.SignDigestAsync(context.User.ToActor(), request.KeyId, hash, digestAlgorithm.Value, request.Padding == "pss", ct);
        if (signature.Failure is { } signFailure)
        {
            return signFailure.ToProblem(context);
        }

        context.Response.Headers[SignatureIdHeader] = trail.Target;
        return TypedResults.Ok(new SignHashResponse(Convert.ToBase64String(signature.Value!.Signature), signature.Value.Algorithm));
    }
}
