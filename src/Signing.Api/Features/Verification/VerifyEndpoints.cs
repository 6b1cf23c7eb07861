using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Limits;
using Signing.Api.Hosting;
using Signing.Pdf.Validation;

namespace Signing.Api.Features.Verification;

/// <summary>Configuration section <c>Verification</c>.</summary>
public sealed class VerificationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Verification";

    /// <summary>A PEM file of trust anchors (e.g. the GCC root G2); without it every signature is INDETERMINATE (no chain to a trust anchor).</summary>
    public string? TrustAnchorsFile { get; set; }

    /// <summary>Whether signer paths are checked against OCSP and CRLs (default true).</summary>
    public bool CheckRevocation { get; set; } = true;

    /// <summary>The largest optional detached content accepted, in bytes (default 64 MiB).</summary>
    public long MaxDetachedContentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems() => !string.IsNullOrWhiteSpace(TrustAnchorsFile) && !File.Exists(TrustAnchorsFile)
        ? [$"Verification:TrustAnchorsFile '{TrustAnchorsFile}' does not exist."]
        : [];
}

/// <summary>
/// <c>POST /api/v1/verify/cms</c> and <c>/verify/pdf</c>: validate signatures and answer with EN 319 102-1 validation reports.
/// </summary>
public static class VerifyEndpoints
{
    /// <summary>Maps the verify endpoints.</summary>
    public static IEndpointRouteBuilder MapVerifyEndpoints(this IEndpointRouteBuilder app)
    {
        var verify = app.MapGroup("/api/v1/verify").WithTags("Verification").RequireRateLimiting(SigningLimits.PolicyName);
        verify.MapPost("/cms", VerifyCmsAsync).Accepts<IFormFile>("multipart/form-data", "application/pkcs7-signature", "application/octet-stream").Audited("verify.cms");
        verify.MapPost("/pdf", VerifyPdfAsync).Accepts<IFormFile>("multipart/form-data", "application/pdf").Audited("verify.pdf");
        return app;
    }

    /// <summary>Registers the verification options.</summary>
    public static IServiceCollection AddSigningVerification(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VerificationOptions>>(new Hosting.ProblemListValidator<VerificationOptions>(options => options.Problems()));
        services.AddSingleton(provider => TrustAnchors.For(
            () => provider.GetRequiredService<IOptions<VerificationOptions>>().Value,
            provider.GetRequiredService<IHostEnvironment>(),
            provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<SignatureVerification>();
        return services;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> VerifyCmsAsync(
        HttpContext context, IOptions<VerificationOptions> options, SignatureVerification verification, AuditTrail trail, CancellationToken ct)
    {
        byte[] cms;
        byte[]? content = null;
        var request = context.Request;
        if (request.HasFormContentType)
        {
            var read = await UploadForm.ReadAsync(request, [], ct);
            if (read.Failure is { } formProblem)
            {
                return formProblem.ToProblem(context);
            }

            var form = read.Value!;
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return Failure.BadInput("Missing file", "The multipart form has no 'file' field holding the CMS signature.", "file").ToProblem(context);
            }

            cms = await ReadAllAsync(file, ct);
            if (form.Files.GetFile("content") is { } detached)
            {
                if (detached.Length > options.Value.MaxDetachedContentBytes)
                {
                    return new Failure(FailureKind.TooLarge, "content-too-large", "Content too large",
                        $"The detached content has {detached.Length} bytes; the limit is {options.Value.MaxDetachedContentBytes} (Verification:MaxDetachedContentBytes).")
                    { Field = "content" }.ToProblem(context);
                }

                content = await ReadAllAsync(detached, ct);
            }
        }
        else
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            cms = buffer.ToArray();
        }

        if (cms.Length == 0)
        {
            return Failure.BadInput("Missing signature", "Send the CMS (DER or PEM) as the body or as the form field 'file'.").ToProblem(context);
        }

        var report = await verification.VerifyCmsAsync(cms, content, trail, ct);
        return TypedResults.Content(report.ToJson(), "application/json");
    }

    private static async Task<Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> VerifyPdfAsync(
        HttpContext context, SignatureVerification verification, AuditTrail trail, CancellationToken ct, string? format = null, string? lang = null)
    {
        if (format is not (null or "json" or "pdf") || lang is not (null or "vi" or "en"))
        {
            return Failure.BadInput("Unknown format", "format is json (default) or pdf (a readable report); lang is vi (default) or en.",
                format is not (null or "json" or "pdf") ? "format" : "lang").ToProblem(context);
        }

        var request = context.Request;
        Result<PdfVerification> result;
        if (request.HasFormContentType)
        {
            var read = await UploadForm.ReadAsync(request, [], ct);
            if (read.Failure is { } formProblem)
            {
                return formProblem.ToProblem(context);
            }

            if (read.Value!.Files.GetFile("file") is not { } file)
            {
                return Failure.BadInput("Missing file", "The multipart form has no 'file' field holding the PDF.", "file").ToProblem(context);
            }

            await using var upload = file.OpenReadStream();
            result = await verification.VerifyPdfAsync(upload, file.Length, trail, ct);
        }
        else
        {
            result = await verification.VerifyPdfAsync(request.Body, request.ContentLength, trail, ct);
        }

        if (result.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        var verified = result.Value!;
        if (format == "pdf")
        {
            var readable = await verification.RenderReportAsync(verified, lang == "en" ? ReportLanguage.English : ReportLanguage.Vietnamese, ct);
            return TypedResults.File(readable, "application/pdf", "validation-report.pdf");
        }

        return TypedResults.Content(verified.Report.ToJson(), "application/json");
    }

    private static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using var stream = file.OpenReadStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
