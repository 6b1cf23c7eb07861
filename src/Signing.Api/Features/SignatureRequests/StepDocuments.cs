using System.Globalization;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Signing;
using Signing.Api.Features.Verification;
using Signing.Api.Hosting;
using Signing.Pdf;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pdf.Text;
using Signing.Pdf.Validation;
using Signing.Storage.Accounts;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>
/// What each step writes into the PDF, and the check that it wrote nothing else: the official's signature block
/// (Decree 30: capacity and title above the blue signature image, the name below), the clerk's registration lines and
/// seal over the left third of the official's image, and the text stamp of attachments and electronic copies.
/// </summary>
public sealed class StepDocuments(IOptions<SignatureRequestOptions> options, IOptions<SigningOptions> signing, PdfSignatureService pdf, TrustAnchors anchors,
    TimeProvider clock)
{
    private const double BlockWidth = 190;
    private const double BlockFontSize = 13;
    private const double MaxImageHeight = 70;

    /// <summary>The PAdES level of workflow signatures: configured, else B-T with a TSA, else B-B.</summary>
    public string Level => options.Value.Level ?? (string.IsNullOrWhiteSpace(signing.Value.TsaUrl) ? "B-B" : "B-T");

    /// <summary>
    /// The sign step's signature: the official block at the step's rectangle or below its anchor line, and where its
    /// image lands (<c>page:x,y,w,h</c>) for the seal.
    /// </summary>
    public Result<(PdfSignatureRequest Request, string ImageBox)> OfficialSignature(
        byte[] document, RequestStep step, User signer, string? capacity, string? capacityTitle, byte[]? imagePng, string agencyName)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(signer);
        var title = (signer.Title ?? "").ToUpper(VietnameseCulture);
        var headers = new List<string>();
        if (Capacities.Prefix(capacity) is { } prefix)
        {
            headers.Add($"{prefix} {(capacityTitle ?? title).ToUpper(VietnameseCulture)}");
        }

        if (capacity != Capacities.Acting && title.Length > 0)
        {
            headers.Add(title);
        }

        var anchor = step.Rect is null ? step.Anchor ?? headers.FirstOrDefault() : null;
        // The document states the position where the anchor is: a header equal to the anchor line is not drawn twice.
        if (anchor is not null)
        {
            headers.RemoveAll(header => string.Equals(header, anchor.Trim().ToUpper(VietnameseCulture), StringComparison.Ordinal));
        }

        var imageHeight = imagePng is null ? 0 : Math.Min(MaxImageHeight, BlockWidth * ImageAspect(imagePng));
        var lineHeight = (BlockFontSize * 1.2) + 4;
        var height = imageHeight + ((headers.Count + 1) * lineHeight);
        int page;
        PdfRectangle rectangle;
        if (step.Rect is { } rect)
        {
            page = (int)(step.Page ?? 1);
            rectangle = PdfRectangle.Parse(rect);
        }
        else if (step.Anchor is not null && step.AnchorLine is { } stored && ParseLine(stored, step.Anchor) is { } line)
        {
            // Found when the request was submitted: the revisions since then only added signatures.
            page = line.Page;
            rectangle = PdfTextAnchor.RectangleBelow(line, BlockWidth, height);
        }
        else
        {
            using var stream = PdfBytes.Open(document);
            (int Page, PdfRectangle Rectangle)? found;
            try
            {
                found = anchor is null
                    ? null
                    : PdfTextAnchor.FindSignatureRectangle(stream, anchor, BlockWidth, height, step.Page is { } p ? (int)p : null, pdf.ReaderLimits);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Submissions refuse such a page now; a step stored before they looked it up may still name one.
                return new Failure(FailureKind.Unprocessable, "page-not-found", "No such page",
                    $"Step {step.Ordinal} puts the signature block on page {step.Page}, which the document does not have; resubmit it with a page it has.");
            }

            if (found is null)
            {
                return new Failure(FailureKind.Unprocessable, "anchor-not-found", "Anchor not found",
                    $"No line of the document contains '{anchor}', where the signature block of step {step.Ordinal} goes; resubmit with a route that names an anchor or a rect.");
            }

            (page, rectangle) = found.Value;
        }

        var appearance = imagePng is null
            ? new SignatureAppearance
            {
                PageNumber = page,
                Rectangle = rectangle,
                HeaderLines = headers,
                TextLines = [signer.DisplayName],
                CenterText = true,
                FontSize = BlockFontSize,
                FontProgram = DocumentFonts.ReadSerifBold(),
                FallbackFontPaths = DocumentFonts.BoldFallbackPaths,
            }
            : SignatureAppearance.OfficialBlock(page, rectangle, headers.Count > 1 ? headers[0] : null, headers.Count > 1 ? headers[1] : headers.FirstOrDefault() ?? "",
                imagePng, signer.DisplayName, BlockFontSize) with
            { HeaderLines = headers };
        var imageBox = appearance.SignatureImageBox() ?? rectangle;
        var request = new PdfSignatureRequest(Level, $"Ký ban hành ({agencyName})", null, appearance, clock.GetLocalNow());
        return (request, FormatBox(page, imageBox));
    }

    /// <summary>
    /// Looks up, in the submitted <paramref name="document"/>, what its route will write at: each sign step's anchor
    /// line (kept on the step as <see cref="RequestStep.AnchorLine"/>) and, when <paramref name="registers"/>, the
    /// template's number or date line. A route that names what the document does not have is refused now, with the
    /// field to correct, rather than when the official or the clerk acts on it.
    /// </summary>
    public Result<IReadOnlyList<RequestStep>> LocateRoute(byte[] document, IReadOnlyList<RequestStep> steps, bool registers)
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            return Locate(document, steps, registers);
        }
        catch (PdfFormatException e)
        {
            // The document's structure passed inspection, but the text of a page it has to read could not be.
            return new Failure(FailureKind.Unprocessable, "malformed-pdf", "Malformed PDF", $"document is not a readable PDF: {e.Message}") { Field = "document" };
        }
    }

    private Result<IReadOnlyList<RequestStep>> Locate(byte[] document, IReadOnlyList<RequestStep> steps, bool registers)
    {
        using var stream = PdfBytes.Open(document);
        int? pages = null;
        var located = new List<RequestStep>(steps.Count);
        foreach (var step in steps)
        {
            var route = $"route[{step.Ordinal - 1}]";
            if (step.Page is { } page)
            {
                stream.Position = 0;
                pages ??= PdfReader.Open(stream, pdf.ReaderLimits).GetPageReferences().Count;
                if (page < 1 || page > pages)
                {
                    return Failure.BadInput("No such page", $"{route}.page is {page}, but the document has {pages} page(s).", $"{route}.page");
                }
            }

            if (step.Kind != StepKinds.Sign || step.Rect is not null || step.Anchor is not { } anchor)
            {
                located.Add(step);
                continue;
            }

            stream.Position = 0;
            if (PdfTextAnchor.FindLine(stream, anchor, step.Page is { } only ? (int)only : null, pdf.ReaderLimits) is not { } line)
            {
                return new Failure(FailureKind.Unprocessable, "anchor-not-found", "Anchor not found",
                    $"No line of the document contains '{anchor}', where the signature block of step {step.Ordinal} goes; name a line the document has, or a rect.")
                { Field = $"{route}.anchor" };
            }

            located.Add(step with { AnchorLine = FormatLine(line) });
        }

        if (registers)
        {
            stream.Position = 0;
            if (RegistrationOverlays.FindLines(stream, pdf.ReaderLimits) is (null, null))
            {
                return new Failure(FailureKind.Unprocessable, "registration-lines-not-found", "Number and date lines not found",
                    "The route registers the document, but it has neither a 'Số:' line nor a date line ('ngày … tháng … năm …') to write the number and date on.")
                { Field = "document" };
            }
        }

        return located;
    }

    /// <summary>
    /// The seal step's signature on the main document: the seal alone, at true size, over the left third of the
    /// official's image, with the registered number and date written at their lines in the same revision.
    /// </summary>
    public Result<PdfSignatureRequest> SealSignature(byte[] document, SignatureRequest request, string? officialImageBox, byte[]? sealPng, string agencyName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var overlays = Array.Empty<PdfTextOverlay>() as IReadOnlyList<PdfTextOverlay>;
        if (request.Symbol is { } symbol && DateOnly.TryParseExact(request.IssuedDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            using var stream = PdfBytes.Open(document);
            overlays = RegistrationOverlays.Find(stream, symbol, date, pdf.ReaderLimits);
            if (overlays.Count == 0)
            {
                return new Failure(FailureKind.Unprocessable, "registration-lines-not-found", "Number and date lines not found",
                    "The document has neither a 'Số:' line nor a date line ('ngày … tháng … năm …') to write the registration on.");
            }
        }

        SignatureAppearance? appearance = null;
        if (sealPng is not null && officialImageBox is not null && ParseBox(officialImageBox) is var (page, box))
        {
            var diameter = options.Value.SealDiameterMillimetres * SealPlacement.PointsPerMillimetre;
            appearance = SignatureAppearance.SealOnly(page, SealPlacement.OverLeftThird(box, diameter), sealPng);
        }

        return new PdfSignatureRequest(Level, $"Đóng dấu ban hành ({agencyName})", null, appearance, clock.GetLocalNow()) { TextOverlays = overlays };
    }

    /// <summary>
    /// The agency's signature without an image at the top-right of page 1, for attachments (the document number) and
    /// electronic copies (the copy form): that line, the agency name and the time in ISO 8601 with +07:00.
    /// </summary>
    public PdfSignatureRequest Stamp(string firstLine, string agencyName)
    {
        var now = clock.GetLocalNow();
        return new PdfSignatureRequest(Level, firstLine, null, SignatureAppearance.CopyStamp(firstLine, agencyName, now), now);
    }

    /// <summary>
    /// Whether <paramref name="after"/> is <paramref name="before"/> with exactly one valid signature by the certificate
    /// <paramref name="thumbprint"/> appended and no change modification analysis rejects; the new signature's report
    /// when it is.
    /// </summary>
    public async Task<Result<PdfSignatureValidationReport>> CheckAddedSignatureAsync(
        byte[] before, long signaturesBefore, byte[] after, string thumbprint, string expectedSigner, CancellationToken ct)
    {
        var outcome = await AddedSignatureCheck.CheckAsync(before, (int)signaturesBefore, after, thumbprint, expectedSigner,
            new PdfValidationOptions { TrustAnchors = anchors.Certificates, OnlineRevocation = null, Time = clock, ReaderLimits = pdf.ReaderLimits }, ct);
        return outcome.Signature is { } added
            ? added
            : new Failure(FailureKind.Unprocessable, "signed-document-refused", "Signed document refused", outcome.Refusal ?? "The new signature was not accepted.");
    }

    /// <summary>The page and box of a stored image box.</summary>
    public static (int Page, PdfRectangle Box)? ParseBox(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var page)
            ? (page, PdfRectangle.Parse(text[(colon + 1)..]))
            : null;
    }

    /// <summary>A page and box as stored: <c>page:x,y,w,h</c>.</summary>
    public static string FormatBox(int page, PdfRectangle box)
        => string.Create(CultureInfo.InvariantCulture, $"{page}:{box.X:0.###},{box.Y:0.###},{box.Width:0.###},{box.Height:0.###}");

    private static string FormatLine(PdfTextLine line)
        => string.Create(CultureInfo.InvariantCulture, $"{line.Page}:{line.X:0.###},{line.Baseline:0.###},{line.Width:0.###},{line.FontSize:0.###}");

    private static PdfTextLine? ParseLine(string text, string anchor)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var page))
        {
            return null;
        }

        var parts = text[(colon + 1)..].Split(',');
        var values = new double[4];
        for (var i = 0; i < values.Length; i++)
        {
            if (parts.Length != values.Length || !double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }

        return new PdfTextLine(page, anchor, values[0], values[1], values[2], values[3]);
    }

    private static double ImageAspect(byte[] png)
    {
        var (width, height) = PngSize.Read(png);
        return (double)height / width;
    }

    private static readonly CultureInfo VietnameseCulture = CultureInfo.GetCultureInfo("vi-VN");
}
