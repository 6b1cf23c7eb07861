using System.Globalization;

using Signing.Pdf.Drawing;

namespace Signing.Pdf.Signatures;

/// <summary>
/// A visible signature (Decree 30/2020): the handwritten-signature image with optional text lines, an agency seal image over
/// the left third of it, or a text-only stamp (copies and attachments, top-right of page 1). Text uses an embedded subset of
/// Liberation Serif (or <see cref="FontProgram"/>), so it extracts with its Vietnamese diacritics.
/// </summary>
public sealed record SignatureAppearance
{
    /// <summary>The default font: Liberation Serif from Debian's fonts-liberation, metric-compatible with Times New Roman.</summary>
    public const string DefaultFontPath = DocumentFonts.SerifPath;

    /// <summary>The 1-based page number.</summary>
    public int PageNumber { get; init; } = 1;

    /// <summary>The widget rectangle; null places a text-only stamp at the top-right corner of the page, sized to its text.</summary>
    public PdfRectangle? Rectangle { get; init; }

    /// <summary>The handwritten-signature PNG (alpha kept as a soft mask), fitted into the area above the text lines.</summary>
    public byte[]? SignatureImagePng { get; init; }

    /// <summary>The seal PNG: drawn over the left third of the signature image, or filling the rectangle when there is no signature image.</summary>
    public byte[]? SealImagePng { get; init; }

    /// <summary>Text lines (name, title, agency, time), drawn below the image, or alone for a stamp.</summary>
    public IReadOnlyList<string> TextLines { get; init; } = [];

    /// <summary>
    /// Text lines drawn above the image: Decree 30's signing capacity and title (<c>KT. CHỦ TỊCH</c>, <c>PHÓ CHỦ TỊCH</c>),
    /// with the handwritten signature between them and the name in <see cref="TextLines"/>.
    /// </summary>
    public IReadOnlyList<string> HeaderLines { get; init; } = [];

    /// <summary>Centres every text line in the rectangle (the signature block of Decree 30) instead of aligning it left.</summary>
    public bool CenterText { get; init; }

    /// <summary>The font size of text lines unless one is given.</summary>
    public const double DefaultFontSize = 10;

    /// <summary>The font size in points.</summary>
    public double FontSize { get; init; } = DefaultFontSize;

    /// <summary>A TrueType font program to embed instead of <see cref="DefaultFontPath"/>.</summary>
    public byte[]? FontProgram { get; init; }

    /// <summary>
    /// TrueType fonts for characters the main font lacks, tried in order; missing files are skipped. Debian's fonts-liberation
    /// (1.07) has no precomposed Vietnamese letters such as U+1EE6 'Ủ', so DejaVu Serif (fonts-dejavu-core) supplies them.
    /// </summary>
    public IReadOnlyList<string> FallbackFontPaths { get; init; } = DocumentFonts.FallbackPaths;

    /// <summary>
    /// The competent person's signature block of Decree 30/2020: the signing capacity (if any) and title in capitals
    /// above, the handwritten signature image between them and the name, centred, in bold serif type.
    /// </summary>
    /// <param name="page">The 1-based page.</param>
    /// <param name="rectangle">Where the block goes.</param>
    /// <param name="capacityLine">E.g. <c>KT. CHỦ TỊCH</c>; null when the official signs in their own right.</param>
    /// <param name="titleLine">The signer's position, e.g. <c>PHÓ CHỦ TỊCH</c>.</param>
    /// <param name="signatureImagePng">The handwritten signature (blue).</param>
    /// <param name="name">The signer's full name.</param>
    /// <param name="fontSize">The text size (Decree 30 asks 13–14 points).</param>
    public static SignatureAppearance OfficialBlock(
        int page, PdfRectangle rectangle, string? capacityLine, string titleLine, byte[] signatureImagePng, string name, double fontSize = 13) => new()
        {
            PageNumber = page,
            Rectangle = rectangle,
            HeaderLines = capacityLine is { Length: > 0 } ? [capacityLine, titleLine] : [titleLine],
            SignatureImagePng = signatureImagePng,
            TextLines = [name],
            CenterText = true,
            FontSize = fontSize,
            FontProgram = DocumentFonts.ReadSerifBold(),
            FallbackFontPaths = DocumentFonts.BoldFallbackPaths,
        };

    /// <summary>The agency seal alone (Decree 30 Art. 33): the seal image filling the rectangle, with no text.</summary>
    /// <param name="page">The 1-based page.</param>
    /// <param name="rectangle">Where the seal goes, e.g. from <see cref="SealPlacement.OverLeftThird"/>.</param>
    /// <param name="sealImagePng">The red seal.</param>
    public static SignatureAppearance SealOnly(int page, PdfRectangle rectangle, byte[] sealImagePng) => new()
    {
        PageNumber = page,
        Rectangle = rectangle,
        SealImagePng = sealImagePng,
    };

    /// <summary>
    /// Where the signature image lands on the page: the box it is fitted into between the header and the text lines.
    /// Null without a rectangle or an image. The seal of Decree 30 overlaps the left third of this box.
    /// </summary>
    public PdfRectangle? SignatureImageBox() => Internal.AppearanceBuilder.SignatureImageBox(this);

    /// <summary>Formats a time as Decree 30's signature line shows it: <c>HH:mm:ss dd/MM/yyyy</c>, in Vietnam time (+07:00).</summary>
    /// <param name="time">The time.</param>
    public static string VietnamTime(DateTimeOffset time) =>
        time.ToOffset(TimeSpan.FromHours(7)).ToString("HH:mm:ss dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>
    /// The stamp of an electronic copy or an attachment: the copy form or document number, the agency name, and the time in
    /// ISO 8601 with +07:00, at size 10, top-right of page 1.
    /// </summary>
    /// <param name="copyFormOrDocumentNumber">E.g. "Bản sao điện tử" or "Số: 123/UBND-VP".</param>
    /// <param name="agencyName">The agency's name.</param>
    /// <param name="time">The signing time.</param>
    public static SignatureAppearance CopyStamp(string copyFormOrDocumentNumber, string agencyName, DateTimeOffset time) => new()
    {
        PageNumber = 1,
        TextLines = [copyFormOrDocumentNumber, agencyName, time.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)],
        FontSize = 10,
    };
}
