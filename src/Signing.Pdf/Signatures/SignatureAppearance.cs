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
