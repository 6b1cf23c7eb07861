using System.IO.Compression;
using System.Text;
using Signing.Testing;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>Input PDFs made by producers other than our writer.</summary>
internal static class TestDocuments
{
    /// <summary>
    /// A document rewritten by poppler's cairo backend (<c>pdftocairo -pdf</c>), an independent writer: its fonts are
    /// embedded by cairo, its structure (object numbering, xref, content streams) is cairo's, not ours.
    /// </summary>
    public static byte[] FromCairo(int pages)
    {
        using var directory = new TempDirectory();
        var source = directory.File("in.pdf");
        var target = directory.File("out.pdf");
        File.WriteAllBytes(source, ClassicPdfBuilder.SimpleDocument(pages));
        var result = ExternalTool.Run("pdftocairo", "-pdf", source, target);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"pdftocairo -pdf failed ({result.ExitCode}): {result.Combined}");
        }

        return File.ReadAllBytes(target);
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
}
