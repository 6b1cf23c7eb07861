using System.IO.Compression;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>Input PDFs made by producers other than our writer.</summary>
internal static class TestDocuments
{
    private static readonly Lock FontLock = new();

    /// <summary>A document drawn by PDFsharp (an independent writer).</summary>
    public static byte[] FromPdfSharp(int pages)
    {
        EnsureFontResolver();
        using var document = new PdfDocument();

        // PDFsharp's compressed content streams draw qpdf warnings ("input stream is complete but output may
        // still be valid"); uncompressed output keeps the input clean so qpdf --check judges only what we append.
        document.Options.CompressContentStreams = false;
        document.Options.NoCompression = true;
        document.Info.Title = "Công văn thử nghiệm";
        for (var i = 0; i < pages; i++)
        {
            var page = document.AddPage();
            using var graphics = XGraphics.FromPdfPage(page);
            graphics.DrawString($"Trang {i + 1}: Ủy ban nhân dân tỉnh", new XFont("Liberation Serif", 14), XBrushes.Black, new XPoint(72, 72));
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>A hybrid file: a classic table whose trailer's /XRefStm lists the page, stored in an object stream.</summary>
    public static byte[] Hybrid()
    {
        const string page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>";
        var objectStreamBody = Encoding.ASCII.GetBytes("3 0 " + page);
        var xrefRows = new byte[] { 2, 0, 5, 0 };
        return new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(4, ClassicPdfBuilder.StreamBody(string.Empty, "BT ET"u8.ToArray()))
            .Add(5, ClassicPdfBuilder.StreamBody("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", Deflate(objectStreamBody)))
            .Add(6, ClassicPdfBuilder.StreamBody("/Type /XRef /Size 7 /Index [3 1] /W [1 2 1]", xrefRows))
            .Build(offsets => $"/Root 1 0 R /XRefStm {offsets[6]}");
    }

    public static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflater = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(data);
        }

        return output.ToArray();
    }

    private static void EnsureFontResolver()
    {
        lock (FontLock)
        {
            // PDFsharp 6.5.0 is AGPL-3.0-only (its nuspec) and throws until a licence is loaded. It only makes
            // test inputs here and is never referenced from src or shipped; see the report before using it in src.
            PdfSharp.PdfSharpLicense.SetAgplLicense();
            GlobalFontSettings.FontResolver ??= new LiberationFontResolver();
        }
    }

    /// <summary>Resolves every face to Liberation Serif from fonts-liberation, which has Vietnamese glyphs.</summary>
    private sealed class LiberationFontResolver : IFontResolver
    {
        private const string FontPath = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf";

        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new("LiberationSerif");

        public byte[] GetFont(string faceName) => File.Exists(FontPath)
            ? File.ReadAllBytes(FontPath)
            : throw new InvalidOperationException($"The test needs {FontPath} (Debian package fonts-liberation)");
    }
}
