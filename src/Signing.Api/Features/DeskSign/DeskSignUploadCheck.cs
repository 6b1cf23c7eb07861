using System.Security.Cryptography.X509Certificates;
using Signing.Api.Features.Auth;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Storage.DeskSign;

namespace Signing.Api.Features.DeskSign;

/// <summary>
/// Decides whether a document uploaded by the desk signer is the session's original with exactly one new signature by the
/// expected official appended.
/// </summary>
/// <remarks>
/// The new signature must not be TOTAL_FAILED (a broken digest, signature value or byte range), but INDETERMINATE is
/// accepted: the check runs offline, so a desk token's chain or revocation status may not be established here, and the
/// signer is instead pinned to the certificate the agency registered for the key (which the key registry checked). The
/// creator sees the validator's indication in the audit record and can verify the stored document online.
/// </remarks>
public static class DeskSignUploadCheck
{
    /// <summary>The accepted upload's new signature, or why the upload is refused.</summary>
    /// <param name="Signature">The new signature's report when accepted.</param>
    /// <param name="Refusal">Why the upload is refused, for the desk signer's <c>Message</c>; null when accepted.</param>
    public sealed record Outcome(PdfSignatureValidationReport? Signature, string? Refusal);

    /// <summary>Checks <paramref name="uploaded"/> against <paramref name="session"/>.</summary>
    public static async Task<Outcome> CheckAsync(
        DeskSignSession session, byte[] uploaded, PdfValidationOptions validation, CancellationToken ct)
    {
        var original = session.OriginalPdf;
        if (uploaded.AsSpan().SequenceEqual(original))
        {
            return Refuse("The uploaded file is the original unchanged: it has no new signature.");
        }

        if (uploaded.Length <= original.Length || !uploaded.AsSpan(0, original.Length).SequenceEqual(original))
        {
            return Refuse("The uploaded file does not start with the original document unchanged: sign it as an incremental update, without rewriting it.");
        }

        using var stream = new MemoryStream(uploaded, writable: false);
        var report = await new PdfSignatureValidator(validation).ValidateAsync(stream, ct);
        if (report.FormatProblem is { } formatProblem)
        {
            return Refuse($"The uploaded file is not a readable PDF: {formatProblem}");
        }

        var expectedCount = session.OriginalSignatures + 1;
        if (report.Signatures.Count != expectedCount)
        {
            return Refuse($"The uploaded file has {report.Signatures.Count} signature(s); the original had {session.OriginalSignatures}, so exactly {expectedCount} were expected.");
        }

        // The new signature is the one whose byte range reaches furthest: every original signature ends inside the original.
        var added = report.Signatures.MaxBy(EndOfByteRange)!;
        if (added.Kind != PdfSignatureKind.Signature)
        {
            return Refuse($"The new signature '{added.FieldName}' is a document time-stamp, not the official's signature.");
        }

        if (added.Coverage != ByteRangeCoverage.EntireFile)
        {
            return Refuse($"The new signature '{added.FieldName}' does not cover the entire uploaded file (coverage {added.Coverage}).");
        }

        if (added.Indication == Indication.TotalFailed)
        {
            return Refuse($"The new signature '{added.FieldName}' is invalid ({added.SubIndication}): {string.Join("; ", added.Validation.Checks.Where(check => check.Outcome == CheckOutcome.Failed).Select(check => check.Detail))}");
        }

        if (added.Validation.SignerCertificate is not { } signerDer)
        {
            return Refuse($"The new signature '{added.FieldName}' names no signer certificate.");
        }

        using var signer = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(signerDer));
        var thumbprint = ClientCertificateValidator.Thumbprint(signer);
        if (!string.Equals(thumbprint, session.ExpectedThumbprint, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse($"The new signature was made with the certificate '{signer.Subject}' (SHA-256 {thumbprint}), not the certificate registered for key '{session.KeyId}'.");
        }

        return new Outcome(added, null);
    }

    private static long EndOfByteRange(PdfSignatureValidationReport signature)
        => signature.ByteRange.Count == 4 ? signature.ByteRange[2] + signature.ByteRange[3] : 0;

    private static Outcome Refuse(string reason) => new(null, reason);
}
