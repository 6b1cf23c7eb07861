using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>
/// Decides whether a document someone else signed is the original with exactly one new signature, by the expected
/// certificate, appended as an incremental update, and with no other change that modification analysis rejects: what the desk signer uploads, and what every step of a
/// signature request must produce from the revision it was shown.
/// </summary>
/// <remarks>
/// The new signature must not be TOTAL_FAILED (a broken digest, signature value or byte range, or a change after
/// signing that modification analysis rejects), but INDETERMINATE is accepted: the check may run offline, so a desk
/// token's chain or revocation status may not be established here, and the signer is instead pinned to the
/// certificate the agency registered (which the key registry checked). The caller records the indication.
/// </remarks>
public static class AddedSignatureCheck
{
    /// <summary>The accepted document's new signature, or why the document is refused.</summary>
    /// <param name="Signature">The new signature's report when accepted.</param>
    /// <param name="Refusal">Why the document is refused, in words for the person who signed; null when accepted.</param>
    public sealed record Outcome(PdfSignatureValidationReport? Signature, string? Refusal)
    {
        /// <summary>True when the document was accepted.</summary>
        public bool Accepted => Refusal is null;
    }

    /// <summary>Checks <paramref name="signed"/> against <paramref name="original"/>.</summary>
    /// <param name="original">The exact revision the signer was given.</param>
    /// <param name="originalSignatures">How many signatures <paramref name="original"/> holds.</param>
    /// <param name="signed">What came back.</param>
    /// <param name="expectedThumbprint">The lower-case hex SHA-256 of the certificate that must have signed.</param>
    /// <param name="expectedSigner">Names the expected certificate in refusals, e.g. "the certificate registered for key 'k1'".</param>
    /// <param name="validation">How to validate the new signature.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<Outcome> CheckAsync(
        ReadOnlyMemory<byte> original, int originalSignatures, byte[] signed, string expectedThumbprint, string expectedSigner,
        PdfValidationOptions validation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signed);
        if (signed.AsSpan().SequenceEqual(original.Span))
        {
            return Refuse("The uploaded file is the original unchanged: it has no new signature.");
        }

        if (signed.Length <= original.Length || !signed.AsSpan(0, original.Length).SequenceEqual(original.Span))
        {
            return Refuse("The uploaded file does not start with the original document unchanged: sign it as an incremental update, without rewriting it.");
        }

        // Only the new signature is validated: the original's signatures were judged when their revisions were made, and
        // the prefix check above proves those bytes unchanged. The new one is the signature whose byte range reaches
        // furthest, since every original signature ends inside the original.
        using var stream = PdfBytes.Open(signed);
        var (report, signatureCount, reader) = await new PdfSignatureValidator(validation).ValidateNewestAsync(stream, ct);
        if (report.FormatProblem is not null || reader is null)
        {
            return Refuse($"The uploaded file is not a readable PDF: {report.FormatProblem}");
        }

        if (reader.Encryption is { } encryption)
        {
            // Adding a signature never encrypts a document; an encrypted one is not judged object by object.
            return Refuse($"The uploaded file is encrypted ({encryption}); sign the document without encrypting it.");
        }

        var expectedCount = originalSignatures + 1;
        if (signatureCount != expectedCount)
        {
            return Refuse($"The uploaded file has {signatureCount} signature(s); the original had {originalSignatures}, so exactly {expectedCount} were expected.");
        }

        var added = report.Signatures.Single();
        if (added.Kind != PdfSignatureKind.Signature)
        {
            return Refuse($"The new signature '{added.FieldName}' is a document time-stamp, not a signature of a person or an agency.");
        }

        if (added.Coverage != ByteRangeCoverage.EntireFile)
        {
            return Refuse($"The new signature '{added.FieldName}' does not cover the entire uploaded file (coverage {added.Coverage}).");
        }

        if (added.Indication == Indication.TotalFailed)
        {
            return Refuse($"The new signature '{added.FieldName}' is invalid ({added.SubIndication}): {string.Join("; ", added.Validation.Checks.Where(check => check.Outcome == CheckOutcome.Failed).Select(check => check.Detail))}");
        }

        // Everything appended besides the signature is judged by the modification rules, whether or not an earlier
        // signature would notice it: an unsigned original must not gain a changed page with its first signature.
        var rejected = ChangesBesidesSignatures(original, signed, reader);
        if (rejected.Count > 0)
        {
            return Refuse($"The uploaded file changes more than one new signature: {string.Join("; ", rejected.Take(5))}.");
        }

        if (added.Validation.SignerCertificate is not { } signerDer)
        {
            return Refuse($"The new signature '{added.FieldName}' names no signer certificate.");
        }

        var signerBytes = Convert.FromBase64String(signerDer);
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(signerBytes));
        if (!string.Equals(thumbprint, expectedThumbprint, StringComparison.OrdinalIgnoreCase))
        {
            using var signer = X509CertificateLoader.LoadCertificate(signerBytes);
            return Refuse($"The new signature was made with the certificate '{signer.Subject}' (SHA-256 {thumbprint}), not {expectedSigner}.");
        }

        return new Outcome(added, null);
    }

    private static List<string> ChangesBesidesSignatures(ReadOnlyMemory<byte> original, byte[] signed, PdfReader after)
    {
        // The signed file starts with the original (checked first), so both revisions are read in place from it, and
        // the original's reader shares the objects the signed file's reader (the validator's) parsed at the same offsets.
        var before = PdfReader.OpenRevision(after, PdfBytes.Open(signed, original.Length));
        // A certified original keeps its DocMDP level; otherwise signatures, form filling and annotations (the
        // registered number and date) are what a signing step may add.
        var permission = (int?)Signatures.Internal.DocMdpPolicy.ExistingCertification(before) ?? 3;
        return [.. ModificationAnalyzer.Analyze(before, after, permission, new HashSet<string>())
            .Where(change => !change.Allowed).Select(change => change.Description)];
    }

    private static Outcome Refuse(string reason) => new(null, reason);
}
