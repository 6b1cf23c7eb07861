using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Keys;
using Signing.Api.Features.Limits;
using Signing.Api.Features.Signing;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

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

    /// <summary>Reads the trust anchors.</summary>
    public X509Certificate2Collection LoadTrustAnchors()
    {
        var anchors = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(TrustAnchorsFile))
        {
            anchors.ImportFromPemFile(TrustAnchorsFile);
        }

        return anchors;
    }
}

/// <summary><c>POST /api/v1/verify/cms</c>: validates a CMS signature and answers with the EN 319 102-1 validation report.</summary>
public static class VerifyEndpoints
{
    /// <summary>Maps the verify endpoints.</summary>
    public static IEndpointRouteBuilder MapVerifyEndpoints(this IEndpointRouteBuilder app)
    {
        var verify = app.MapGroup("/api/v1/verify").WithTags("Verification").RequireRateLimiting(SigningLimits.PolicyName);
        verify.MapPost("/cms", VerifyCmsAsync);
        return app;
    }

    /// <summary>Registers the verification options.</summary>
    public static IServiceCollection AddSigningVerification(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VerificationOptions>>(new Hosting.ProblemListValidator<VerificationOptions>(options => options.Problems()));
        return services;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> VerifyCmsAsync(
        HttpContext context, IOptions<VerificationOptions> options, IHttpClientFactory httpClients, AuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        byte[] cms;
        byte[]? content = null;
        var request = context.Request;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Missing file", "The multipart form has no 'file' field holding the CMS signature.");
            }

            cms = await ReadAllAsync(file, ct);
            if (form.Files.GetFile("content") is { } detached)
            {
                if (detached.Length > options.Value.MaxDetachedContentBytes)
                {
                    return SigningKeyAccess.Problem(StatusCodes.Status413PayloadTooLarge, "Content too large",
                        $"The detached content has {detached.Length} bytes; the limit is {options.Value.MaxDetachedContentBytes} (Verification:MaxDetachedContentBytes).");
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
            return SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Missing signature", "Send the CMS (DER or PEM) as the body or as the form field 'file'.");
        }

        var revocation = options.Value.CheckRevocation
            ? RevocationChecker.Create(httpClients.CreateClient(KeyRevocationCache.HttpClientName), new RevocationClientOptions { Time = clock })
            : null;
        var verifier = new CmsSignatureVerifier(new CertificatePathValidator(options.Value.LoadTrustAnchors(), revocation), clock);
        var report = await verifier.VerifyAsync(cms, content, ct);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cms));
        await audit.AppendAsync(context.AuditEntry("verify.cms", null, AuditOutcome.Success,
            $"sha256={digest}; indication={report.Indication}; signer={report.SignerSubject}"), ct);
        return TypedResults.Content(report.ToJson(), "application/json");
    }

    private static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using var stream = file.OpenReadStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
