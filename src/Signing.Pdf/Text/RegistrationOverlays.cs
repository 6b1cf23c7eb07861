using System.Globalization;
using System.Text;
using Signing.Pdf.Drawing;

namespace Signing.Pdf.Text;

/// <summary>
/// Where a clerk's registration is written into an outgoing document (Decree 30/2020, Art. 15 and Appendix I): the
/// number and symbol on the <c>Số:</c> line, and the date on the place-and-date line (<c>Hòa Bình, ngày … tháng …
/// năm …</c>), each covering the template's placeholder line with the completed one.
/// </summary>
public static class RegistrationOverlays
{
    private const int MaxPagesSearched = 3;

    /// <summary>
    /// The two overlays for <paramref name="symbol"/> (e.g. <c>15/QĐ-UBND</c>) and <paramref name="date"/>, found on the
    /// first pages of <paramref name="pdf"/>; a line that is not found is left out, so the caller can tell.
    /// </summary>
    /// <exception cref="PdfFormatException">The document cannot be read.</exception>
    public static IReadOnlyList<PdfTextOverlay> Find(Stream pdf, string symbol, DateOnly date, PdfReaderLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        var (numberLine, dateLine) = FindLines(pdf, limits);
        var overlays = new List<PdfTextOverlay>();
        if (numberLine is not null)
        {
            overlays.Add(Cover(numberLine, $"Số: {symbol}"));
        }

        if (dateLine is not null)
        {
            var folded = Fold(dateLine.Text);
            var place = dateLine.Text[..Math.Min(dateLine.Text.Length, folded.IndexOf("NGÀY", StringComparison.Ordinal))];
            overlays.Add(Cover(dateLine, $"{place}{DateLine(date)}"));
        }

        return overlays;
    }

    /// <summary>
    /// The template's <c>Số:</c> line and its place-and-date line on the first pages of <paramref name="pdf"/>, each
    /// null when the document has none.
    /// </summary>
    /// <exception cref="PdfFormatException">The document cannot be read.</exception>
    public static (PdfTextLine? Number, PdfTextLine? Date) FindLines(Stream pdf, PdfReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var reader = PdfReader.Open(pdf, limits);
        var pages = reader.GetPageReferences();
        PdfTextLine? numberLine = null;
        PdfTextLine? dateLine = null;
        for (var page = 1; page <= Math.Min(pages.Count, MaxPagesSearched) && (numberLine is null || dateLine is null); page++)
        {
            foreach (var line in new ContentTextExtractor(reader, page, reader.ResolveDictionary(pages[page - 1], $"page {page}")).Lines())
            {
                var text = Fold(line.Text);
                numberLine ??= text.StartsWith("SỐ:", StringComparison.Ordinal) || text.StartsWith("SỐ :", StringComparison.Ordinal) ? line : null;
                dateLine ??= text.Contains("NGÀY", StringComparison.Ordinal) && text.Contains("THÁNG", StringComparison.Ordinal)
                    && text.Contains("NĂM", StringComparison.Ordinal) ? line : null;
            }
        }

        pdf.Position = 0;
        return (numberLine, dateLine);
    }

    /// <summary>The date as Decree 30 writes it: <c>ngày 06 tháng 12 năm 2026</c> (day and month below 10 with a leading 0 only for day 1–9 and months 1–2).</summary>
    public static string DateLine(DateOnly date)
    {
        // Appendix I: days below 10 and months 1 and 2 take a leading zero (so "ngày 06 tháng 02", but "tháng 12").
        var day = date.Day.ToString(date.Day < 10 ? "00" : "0", CultureInfo.InvariantCulture);
        var month = date.Month.ToString(date.Month < 3 ? "00" : "0", CultureInfo.InvariantCulture);
        return $"ngày {day} tháng {month} năm {date.Year.ToString(CultureInfo.InvariantCulture)}";
    }

    // An opaque box over the placeholder line, wide enough for the longer of the two, in the line's own type size.
    private static PdfTextOverlay Cover(PdfTextLine line, string text)
    {
        var size = Math.Clamp(line.FontSize, 8, 16);
        var width = Math.Max(line.Width, TextMetrics.Width(text, size)) + 6;
        return new PdfTextOverlay(line.Page, new PdfRectangle(line.X - 2, line.Baseline - (size * 0.3), width, size * 1.35), text, size);
    }

    private static string Fold(string text)
        => string.Join(' ', text.Normalize(NormalizationForm.FormC).ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
