using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Limits;
using Signing.Pdf.Signatures;
using Signing.Storage.Audit;
using Signing.Storage.Operations;

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
        sign.MapPost("/pdf/prepare", PrepareAsync);
        sign.MapPost("/pdf/{operationId}/complete", CompleteAsync);
        return sign;
    }

    private static async Task<Results<Ok<PrepareResponse>, ProblemHttpResult>> PrepareAsync(
        HttpContext context, SigningKeyAccess access, PdfSignatureService signer, PdfSignOperationStore operations, AuditLog audit,
        IOptions<SigningOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (upload, uploadProblem) = await PdfUpload.ReadAsync(context.Request, ct);
        if (upload is null)
        {
            await SignEndpoints.AuditAsync(audit, context, "sign.pdf.prepare", null, uploadProblem!, "no document", ct);
            return uploadProblem!;
        }

        await using (upload)
        {
            var operationId = Guid.CreateVersion7().ToString("N");
            var audited = $"sha256={upload.Sha256}; key={upload.KeyId}; level={upload.Level}";
            var (key, problem) = await SignEndpoints.CheckPdfAsync(context, access, signer, upload, requireTokenKey: false, ct);
            if (problem is not null)
            {
                await SignEndpoints.AuditAsync(audit, context, "sign.pdf.prepare", operationId, problem, audited, ct);
                return problem;
            }

            await using var output = upload.CreateOutputBuffer();
            try
            {
                var (signatureRequest, requestProblem) = upload.SignatureRequestFor(key!.SignerCertificate(), clock.GetLocalNow(), signer.ReaderLimits);
                if (signatureRequest is null)
                {
                    await SignEndpoints.AuditAsync(audit, context, "sign.pdf.prepare", operationId, requestProblem!, audited, ct);
                    return requestProblem!;
                }

                audited += $"; {signatureRequest.AuditDetails}";
                var prepared = await signer.PrepareAsync(upload.Document, output, signatureRequest, key.SignerCertificate(), key.RegisteredChain(), ct);
                if (output.Length > options.Value.MaxPreparedDocumentBytes)
                {
                    var tooLarge = SigningKeyAccess.Problem(StatusCodes.Status413PayloadTooLarge, "Document too large for two-step signing",
                        $"The prepared document has {output.Length} bytes; two-step signing keeps at most {options.Value.MaxPreparedDocumentBytes} (Signing:MaxPreparedDocumentBytes).");
                    await SignEndpoints.AuditAsync(audit, context, "sign.pdf.prepare", operationId, tooLarge, audited, ct);
                    return tooLarge;
                }

                var preparedDocument = new byte[output.Length];
                output.Position = 0;
                await output.ReadExactlyAsync(preparedDocument, ct);
                var now = clock.GetUtcNow();
                var expiresAt = now + options.Value.OperationLifetime;
                await operations.CreateAsync(new PdfSignOperation(
                    operationId, key.AgencyId, key.Id, context.User.Subject()!, upload.Level, prepared.Document.ToJson(), prepared.SignedAttributes,
                    preparedDocument, upload.Sha256, now.ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds(), null), ct);
                await audit.AppendAsync(context.AuditEntry("sign.pdf.prepare", operationId, AuditOutcome.Success, audited), ct);
                return TypedResults.Ok(new PrepareResponse(operationId, Convert.ToBase64String(prepared.SignedAttributes), "SHA-256",
                    Convert.ToBase64String(prepared.DigestToSign), expiresAt));
            }
            catch (Exception exception) when (SignEndpoints.ProblemFor(exception) is { } failure)
            {
                await SignEndpoints.AuditAsync(audit, context, "sign.pdf.prepare", operationId, failure, audited, ct);
                return failure;
            }
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CompleteAsync(
        string operationId, CompleteRequest request, HttpContext context, SigningKeyAccess access, PdfSignatureService signer,
        PdfSignOperationStore operations, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var operation = await operations.FindAsync(operationId, ct);
        if (operation is null || !context.User.BelongsTo(operation.AgencyId))
        {
            return SigningKeyAccess.Problem(StatusCodes.Status404NotFound, "Operation not found", $"No signing operation '{operationId}' in your agency.");
        }

        var audited = $"sha256={operation.DocumentSha256}; key={operation.KeyId}; level={operation.Level}";
        var result = await CompleteCheckedAsync(operation, request, context, access, signer, operations, clock, ct);
        if (result.Result is ProblemHttpResult problem)
        {
            await SignEndpoints.AuditAsync(audit, context, "sign.pdf.complete", operationId, problem, audited, ct);
        }
        else
        {
            context.Response.Headers[SignEndpoints.SignatureIdHeader] = operationId;
            await audit.AppendAsync(context.AuditEntry("sign.pdf.complete", operationId, AuditOutcome.Success, audited), ct);
        }

        return result;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CompleteCheckedAsync(
        PdfSignOperation operation, CompleteRequest request, HttpContext context, SigningKeyAccess access, PdfSignatureService signer,
        PdfSignOperationStore operations, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (operation.CompletedAt is not null)
        {
            return SigningKeyAccess.Problem(StatusCodes.Status409Conflict, "Operation already completed",
                $"Signing operation '{operation.Id}' was completed already; an operation completes once.");
        }

        if (operation.ExpiresAt <= now)
        {
            return SigningKeyAccess.Problem(StatusCodes.Status410Gone, "Operation expired",
                $"Signing operation '{operation.Id}' expired at {DateTimeOffset.FromUnixTimeMilliseconds(operation.ExpiresAt):yyyy-MM-dd HH:mm:ss}Z; prepare the document again.");
        }

        var (key, problem) = await access.ResolveAsync(context.User, operation.KeyId, context, ct);
        if (problem is not null)
        {
            return problem;
        }

        byte[] signature;
        X509Certificate2 presented;
        try
        {
            signature = Convert.FromBase64String(request.Signature ?? "");
            var certificateText = request.Certificate ?? "";
            presented = certificateText.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(certificateText)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificateText));
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException)
        {
            return SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Malformed input",
                $"signature must be base64 and certificate base64 DER or PEM: {exception.Message}");
        }

        var registered = key!.SignerCertificate();
        using (presented)
        {
            if (!presented.RawData.AsSpan().SequenceEqual(registered.RawData))
            {
                return SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity, "Certificate mismatch",
                    $"The certificate '{presented.Subject}' is not the certificate of key '{key.Id}' ('{registered.Subject}').");
            }

            byte[] cms;
            try
            {
                cms = await signer.AssembleAsync(operation.SignedAttributes, signature, operation.Level, registered, key.RegisteredChain(), ct);
            }
            catch (CryptographicException exception)
            {
                return SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity, "Signature mismatch", exception.Message);
            }

            // The claim comes after every check, so a wrong upload does not burn the operation, and before the embed, so
            // two racing completions cannot both produce a document.
            if (!await operations.TryClaimAsync(operation.Id, now, ct))
            {
                return SigningKeyAccess.Problem(StatusCodes.Status409Conflict, "Operation already completed",
                    $"Signing operation '{operation.Id}' was completed (or expired) while this request ran.");
            }

            using var document = new MemoryStream();
            await document.WriteAsync(operation.PreparedPdf, ct);
            document.Position = 0;
            await PdfSignatureService.EmbedAsync(document, PreparedSignature.FromJson(operation.StateJson), cms, ct);
            return TypedResults.File(document.ToArray(), "application/pdf");
        }
    }
}
