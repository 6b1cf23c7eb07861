using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Signing;
using Signing.Api.Hosting;
using Signing.Pdf.Validation;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Api.Features.Verification;

/// <summary>A validated PDF: the report, and the document's length and SHA-256 (lower-case hex).</summary>
/// <param name="Report">Every signature's result.</param>
/// <param name="Sha256">The SHA-256 of the document as uploaded.</param>
/// <param name="Length">The document's length in bytes.</param>
public sealed record PdfVerification(PdfValidationReport Report, string Sha256, long Length);

/// <summary>
/// Validates signatures against the configured trust anchors and revocation sources, for the verify endpoints and the
/// web app's verify page alike, and notes on the operation's audit trail what was verified and with what result.
/// Online (<c>Verification:CheckRevocation</c>, the default) a signer's intermediate that the signature does not carry
/// is fetched from its AIA caIssuers URL; offline nothing is fetched.
/// </summary>
public sealed class SignatureVerification(
    IOptions<VerificationOptions> options, TrustAnchors anchors, RevocationChecker revocation, IssuerCertificateFetcher issuerFetcher,
    PdfSignatureService pdf, TimeProvider clock)
{
    /// <summary>
    /// Buffers an uploaded PDF (hashing it on the way), validates every signature and document timestamp in it, and
    /// adds the document's hash, the indication and the signature count to <paramref name="trail"/>.
    /// </summary>
    /// <param name="upload">The document as it arrives; read once.</param>
    /// <param name="declaredBytes">Its declared length, or null for a chunked body.</param>
    /// <param name="trail">The audit trail of the operation.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The verification, or a 400 failure when the upload is empty.</returns>
    public async Task<Result<PdfVerification>> VerifyPdfAsync(Stream upload, long? declaredBytes, AuditTrail trail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trail);
        // The validator seeks through the document: it is buffered like a signing upload (hashed on the way in).
        var (document, digest) = await PdfUpload.BufferAsync(upload, declaredBytes, ct);
        await using var ownedDocument = document;
        if (document.Length == 0)
        {
            return Failure.BadInput("Missing document", "Send the PDF as the body or as the form field 'file'.");
        }

        if (!await HasPdfHeaderAsync(document, ct))
        {
            // Something that is not a PDF at all is refused as signing refuses it; a PDF with a broken structure still
            // gets its FORMAT_FAILURE report, which is the validation's own answer.
            return new Failure(FailureKind.Unprocessable, "not-a-pdf", "Not a PDF",
                "The upload is not a PDF: it has no %PDF- header in its first 1024 bytes.");
        }

        var validator = new PdfSignatureValidator(new PdfValidationOptions
        {
            TrustAnchors = anchors.Certificates,
            OnlineRevocation = options.Value.CheckRevocation ? revocation : null,
            IssuerFetcher = options.Value.CheckRevocation ? issuerFetcher : null,
            Time = clock,
            ReaderLimits = pdf.RequestReaderLimits(),
        });
        var report = await validator.ValidateAsync(document, ct);
        trail.Add("sha256", digest).Add("indication", report.Indication.ToString())
            .Add("signatures", report.Signatures.Count.ToString(CultureInfo.InvariantCulture));
        return new PdfVerification(report, digest, document.Length);
    }

    // ISO 32000-1 puts the header first; readers (and this service's reader) accept it within the first 1024 bytes.
    private static async Task<bool> HasPdfHeaderAsync(Stream document, CancellationToken ct)
    {
        var head = new byte[(int)Math.Min(1024, document.Length)];
        await document.ReadExactlyAsync(head, ct);
        document.Position = 0;
        return head.AsSpan().IndexOf("%PDF-"u8) >= 0;
    }

    /// <summary>Writes the readable report of a verification as a PDF, in Vietnamese or English.</summary>
    public async Task<byte[]> RenderReportAsync(PdfVerification verification, ReportLanguage language, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verification);
        using var readable = new MemoryStream();
        await ValidationReportDocument.WriteAsync(verification.Report, $"sha256:{verification.Sha256[..16]}", language,
            clock.GetUtcNow(), readable, cancellationToken: ct);
        return readable.ToArray();
    }

    /// <summary>
    /// Validates a CMS signature (attached, or detached over <paramref name="content"/>) and adds its hash, the
    /// indication and the signer to <paramref name="trail"/>.
    /// </summary>
    public async Task<ValidationReport> VerifyCmsAsync(byte[] cms, byte[]? content, AuditTrail trail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cms);
        ArgumentNullException.ThrowIfNull(trail);
        var online = options.Value.CheckRevocation;
        var verifier = new CmsSignatureVerifier(
            new CertificatePathValidator(anchors.Certificates, online ? revocation : null), clock, online ? issuerFetcher : null);
        var report = await verifier.VerifyAsync(cms, content, ct);
        trail.Add("sha256", Convert.ToHexStringLower(SHA256.HashData(cms)))
            .Add("indication", report.Indication.ToString()).Add("signer", report.SignerSubject);
        return report;
    }
}
