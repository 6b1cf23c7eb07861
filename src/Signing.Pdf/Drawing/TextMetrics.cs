using System.Text;

namespace Signing.Pdf.Drawing;

/// <summary>How wide text is when set in the document fonts, for laying out lines before they are drawn.</summary>
public static class TextMetrics
{
    private static readonly Lazy<FontSet> Regular = new(() => FontSet.Create(TrueTypeFont.SharedFile(DocumentFonts.SerifPath), DocumentFonts.FallbackPaths, []));
    private static readonly Lazy<FontSet> Bold = new(() => FontSet.Create(TrueTypeFont.Shared(DocumentFonts.ReadSerifBold()), DocumentFonts.BoldFallbackPaths, []));

    /// <summary>The width in points of <paramref name="text"/> at <paramref name="size"/> points, regular or bold.</summary>
    /// <exception cref="FileNotFoundException">The fonts are not installed.</exception>
    public static double Width(string text, double size, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (bold ? Bold : Regular).Value.MeasureWidth(text.Normalize(NormalizationForm.FormC)) * size / 1000;
    }
}
