using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Signing;

/// <summary>
/// Two-step PDF signing for keys the service cannot reach itself (desk tokens) or signs through another channel (CSC):
/// prepare stores the prepared document and the CAdES signed attributes; complete checks the external signature
/// against the registered key, claims the operation once, and embeds the CMS.
/// </summary>
public static class TwoStepEndpoints
{
    /// <summary>What to sign externally.</summary>
    /// <param name="OperationId">Pass to <c>/sign/pdf/{operationId}/complete</c>.</param>
    /// <param name="DataToSign">Base64 DER of the CAdES signed attributes (sign these with the key, hashing them with <paramref name="HashAlgorithm"/>).</param>
    /// <param name="HashAlgorithm">The digest algorithm, <c>SHA-256</c>.</param>
    /// <param name="Hash">Base64 digest of <paramref name="DataToSign"/>, for signers that take a hash.</param>
    /// <param name="ExpiresAt">When the operation can no longer be completed.</param>
    public sealed record PrepareResponse(string OperationId, string DataToSign, string HashAlgorithm, string Hash, DateTimeOffset ExpiresAt);

    /// <summary>The external signer's answer.</summary>
    /// <param name="Signature">Base64 signature over the signed attributes: PKCS#1 v1.5 (RSA) or DER ECDSA-Sig-Value.</param>
    /// <param name="Certificate">Base64 DER (or PEM) of the signer certificate; must be the registered key's.</param>
    public sealed record CompleteRequest(string? Signature, string? Certificate);

    /// <summary>Maps prepare and complete under the sign group.</summary>
    public static RouteGroupBuilder MapTwoStepEndpoints(this RouteGroupBuilder sign)
    {
        sign.MapPost("/pdf/prepare", PrepareAsync).Accepts<IFormFile>("multipart/form-data", "application/pdf").Audited("sign.pdf.prepare");
        sign.MapPost("/pdf/{operationId}/complete", CompleteAsync).Audited("sign.pdf.complete");
        return sign;
    }

    private static async Task<Results<Ok<PrepareResponse>, ProblemHttpResult>> PrepareAsync(
        HttpContext context, SigningService signing, AuditTrail trail, CancellationToken ct)
    {
        var upload = await PdfUpload.ReadAsync(context.Request, ct);
        if (upload.Failure is { } uploadFailure)
        {
            trail.Note("no document");
            return uploadFailure.ToProblem(context);
        }

        await using var input = upload.Value!;
        var prepared = await signing.PreparePdfAsync(context.User.ToActor(), input, trail, ct);
        if (prepared.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        var operation = prepared.Value!;
        return TypedResults.Ok(new PrepareResponse(operation.OperationId, Convert.ToBase64String(operation.SignedAttributes), "SHA-256",
            Convert.ToBase64String(operation.DigestToSign), operation.ExpiresAt));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CompleteAsync(
        string operationId, CompleteRequest request, HttpContext context, SigningService signing, AuditTrail trail, CancellationToken ct)
    {
        var completed = await signing.CompletePdfAsync(context.User.ToActor(), operationId, request.Signature, request.Certificate, trail, ct);
        if (completed.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        context.Response.Headers[SignEndpoints.SignatureIdHeader] = operationId;
        return TypedResults.File(completed.Value!.Document, "application/pdf");
    }
}
