using System.IO.Compression;

namespace Signing.Testing;

/// <summary>
/// Small PDFs whose content decompresses to far more than they weigh: one FlateDecode stream of zero bytes (whitespace
/// to a PDF parser) that a page refers to many times, in each of the places a reader of page content looks.
/// </summary>
public static class BombPdfs
{
    /// <summary>Where the bomb sits.</summary>
    public static TheoryData<string> Kinds => ["contents", "form", "annotation", "pages"];

    /// <summary>How often the page refers to the bomb (or, for "pages", how many pages refer to it once).</summary>
    public const int Repeats = 40;

    /// <summary>The pages of the "pages" variant.</summary>
    public const int Pages = 2000;

    /// <summary>
    /// A document whose page(s) use one stream that inflates to <paramref name="decodedBytes"/>:
    /// "contents" lists it 40 times in the page's /Contents; "form" draws a form XObject holding it 40 times;
    /// "annotation" gives 40 annotations it as their normal appearance; "pages" has 2,000 pages whose /Contents is it.
    /// </summary>
    public static byte[] Build(string kind, long decodedBytes)
    {
        var bomb = Deflate(decodedBytes);
        var builder = new ClassicPdfBuilder();
        builder.Add(1, "<< /Type /Catalog /Pages 2 0 R >>");
        builder.Add(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        const string Resources = "/Resources << /Font << /F1 3 0 R >> /XObject << /Fx 5 0 R >> >>";
        var repeated = string.Join(' ', Enumerable.Repeat("5 0 R", Repeats));
        switch (kind)
        {
            case "contents":
                builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
                builder.Add(4, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {Resources} /Contents [{repeated}] >>");
                builder.Add(5, ClassicPdfBuilder.StreamBody("/Filter /FlateDecode", bomb));
                break;
            case "form":
                builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
                builder.Add(4, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {Resources} /Contents 6 0 R >>");
                builder.Add(5, ClassicPdfBuilder.StreamBody("/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Filter /FlateDecode", bomb));
                builder.Add(6, ClassicPdfBuilder.StreamBody("", "q /Fx Do Q\n"u8.ToArray().Repeat(Repeats)));
                break;
            case "annotation":
                builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
                var annotations = string.Join(' ', Enumerable.Range(0, Repeats).Select(i => $"{10 + i} 0 R"));
                builder.Add(4, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {Resources} /Contents 6 0 R /Annots [{annotations}] >>");
                builder.Add(5, ClassicPdfBuilder.StreamBody("/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Filter /FlateDecode", bomb));
                builder.Add(6, ClassicPdfBuilder.StreamBody("", "BT /F1 12 Tf 72 720 Td (Hello) Tj ET"u8.ToArray()));
                for (var i = 0; i < Repeats; i++)
                {
                    builder.Add(10 + i, $"<< /Type /Annot /Subtype /FreeText /Rect [{i} 100 {i + 100} 200] /DA (/F1 12 Tf) /AP << /N 5 0 R >> >>");
                }

                break;
            case "pages":
                var kids = string.Join(' ', Enumerable.Range(0, Pages).Select(i => $"{10 + i} 0 R"));
                builder.Add(2, $"<< /Type /Pages /Kids [{kids}] /Count {Pages} >>");
                builder.Add(5, ClassicPdfBuilder.StreamBody("/Filter /FlateDecode", bomb));
                for (var i = 0; i < Pages; i++)
                {
                    builder.Add(10 + i, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {Resources} /Contents 5 0 R >>");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown bomb kind");
        }

        return builder.Build("/Root 1 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]");
    }

    /// <summary>A one-page document whose /Contents lists one stream (<paramref name="data"/>, under <paramref name="dictionaryEntries"/>) <paramref name="times"/> times.</summary>
    public static byte[] ListedOnOnePage(byte[] data, string dictionaryEntries, int times)
    {
        var builder = new ClassicPdfBuilder();
        builder.Add(1, "<< /Type /Catalog /Pages 2 0 R >>");
        builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
        builder.Add(4, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [{string.Join(' ', Enumerable.Repeat("5 0 R", times))}] >>");
        builder.Add(5, ClassicPdfBuilder.StreamBody(dictionaryEntries, data));
        return builder.Build("/Root 1 0 R");
    }

    /// <summary>zlib data that inflates to <paramref name="decodedBytes"/> zero bytes.</summary>
    public static byte[] Deflate(long decodedBytes)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var left = decodedBytes; left > 0; left -= zeros.Length)
            {
                zlib.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            }
        }

        return output.ToArray();
    }

    private static byte[] Repeat(this byte[] bytes, int times) => [.. Enumerable.Repeat(bytes, times).SelectMany(b => b)];
}
