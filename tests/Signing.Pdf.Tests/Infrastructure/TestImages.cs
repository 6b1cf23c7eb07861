using System.Globalization;
using System.Text;
using Signing.Testing;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>PNGs with alpha made by poppler's cairo backend (<c>pdftocairo -png -transp</c>), an encoder independent of our decoder.</summary>
internal static class TestImages
{
    private static readonly Lazy<byte[]> BlueSignature = new(() => Render(200, 80, "0 0 1 RG 6 w 1 J 10 20 m 60 70 l 100 10 l 190 60 l S"));
    private static readonly Lazy<byte[]> RedSeal = new(() => Render(120, 120, "1 0 0 RG 10 w 15 15 90 90 re S 1 0 0 rg 45 45 30 30 re f"));

    /// <summary>A blue stroke on a transparent background, 200×80.</summary>
    public static byte[] Signature => BlueSignature.Value;

    /// <summary>A red square ring with a filled centre on a transparent background, 120×120.</summary>
    public static byte[] Seal => RedSeal.Value;

    public static byte[] Render(int width, int height, string content)
    {
        var builder = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, string.Create(CultureInfo.InvariantCulture, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R >>"))
            .Add(4, ClassicPdfBuilder.StreamBody(string.Empty, Encoding.ASCII.GetBytes(content)));
        using var directory = new TempDirectory();
        var pdf = directory.File("image.pdf");
        File.WriteAllBytes(pdf, builder.Build());
        var result = ExternalTool.Run("pdftocairo", "-png", "-transp", "-singlefile", "-r", "72", pdf, directory.File("image"));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"pdftocairo -png failed ({result.ExitCode}): {result.Combined}");
        }

        return File.ReadAllBytes(directory.File("image.png"));
    }

    /// <summary>Renders page 1 of a PDF to RGB with pdftoppm at 72 dpi (one pixel per point).</summary>
    public static byte[] RenderPage(string pdf, TempDirectory directory)
    {
        var result = ExternalTool.Run("pdftoppm", "-png", "-r", "72", "-singlefile", "-f", "1", "-l", "1", pdf, directory.File("page"));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"pdftoppm failed ({result.ExitCode}): {result.Combined}");
        }

        return File.ReadAllBytes(directory.File("page.png"));
    }
}
