namespace Signing.Pdf.Drawing;

/// <summary>
/// The fonts text is drawn in (signature appearances, copy stamps, reports, dossiers): Liberation Serif from Debian's
/// fonts-liberation, metric-compatible with the Times New Roman that Decree 30/2020 prescribes, and DejaVu Serif
/// (fonts-dejavu-core) for the precomposed Vietnamese letters that Liberation Serif 1.07 lacks, such as U+1EE6 'Ủ'.
/// </summary>
public static class DocumentFonts
{
    /// <summary>The main font: Liberation Serif regular.</summary>
    public const string SerifPath = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf";

    /// <summary>The bold face of the main font, for headings.</summary>
    public const string SerifBoldPath = "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf";

    /// <summary>Fonts tried, in order, for a letter the main font lacks.</summary>
    public static IReadOnlyList<string> FallbackPaths { get; } = ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"];

    /// <summary>Fonts tried, in order, for a letter the bold face lacks.</summary>
    public static IReadOnlyList<string> BoldFallbackPaths { get; } = ["/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", .. FallbackPaths];

    private static readonly Lazy<byte[]> SerifBold = new(() => Read(SerifBoldPath));

    /// <summary>The bold face's font program, read once.</summary>
    /// <exception cref="FileNotFoundException">fonts-liberation is not installed.</exception>
    public static byte[] ReadSerifBold() => SerifBold.Value;

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"The font {path} is missing: install Debian's fonts-liberation and fonts-dejavu-core.", e);
        }
    }
}
