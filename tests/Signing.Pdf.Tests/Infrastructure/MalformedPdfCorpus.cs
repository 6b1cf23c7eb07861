using System.Globalization;
using System.Text;
using Signing.Testing;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>
/// Generates the hostile files checked in under Malformed/, each with the fragment its error message must contain.
/// Regenerate with SIGNING_PDF_REGENERATE_MALFORMED=&lt;path to tests/Signing.Pdf.Tests/Malformed&gt; dotnet test --filter MalformedPdfTests.
/// </summary>
internal static class MalformedPdfCorpus
{
    private const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>";

    public sealed record Case(string Name, string ExpectedMessage, Func<byte[]> Build);

    public static IReadOnlyList<Case> Cases { get; } =
    [
        new("empty", "no '%PDF-' header", () => []),
        new("not-a-pdf", "no '%PDF-' header", () => "hello, this is plain text\n"u8.ToArray()),
        new("header-only", "'startxref' not found", () => "%PDF-1.7\n%%EOF\n"u8.ToArray()),
        new("truncated-half", "'startxref' not found", () => Valid()[..(Valid().Length / 2)]),
        new("truncated-after-startxref", "the startxref offset", () => CutAfter(Valid(), "startxref\n")),
        new("startxref-beyond-eof", "beyond the end of the file", () => Classic(startXref: _ => "startxref\n99999999\n%%EOF\n")),
        new("startxref-negative", "the startxref offset", () => Classic(startXref: _ => "startxref\n-5\n%%EOF\n")),
        new("startxref-into-dictionary", "neither an 'xref' table nor an object", () => PointStartXrefAt(Valid(), "<< /Type /Catalog")),
        new("garbage-after-eof", "'startxref' not found in the last", () => [.. Valid(), .. Enumerable.Repeat((byte)'G', 8192)]),
        new("prev-self-loop", "loops back", () => Classic(trailer: xref => $"/Root 1 0 R /Prev {xref}")),
        new("prev-two-section-cycle", "loops back", PrevCycle),
        new("prev-not-integer", "/Prev that is not", () => Classic(trailer: _ => "/Root 1 0 R /Prev (twelve)")),
        new("prev-beyond-eof", "outside the file", () => Classic(trailer: _ => "/Root 1 0 R /Prev 88888888")),
        new("xref-entry-beyond-eof", "outside the file", () => Replace(Valid(), XrefLine(Valid(), 1), "0099999999 00000 n\r\n")),
        new("xref-entry-wrong-object", "holds object 2 0 instead", () => Replace(Valid(), XrefLine(Valid(), 1), XrefLine(Valid(), 2))),
        new("xref-entry-negative-offset", "an xref entry offset", () => Replace(Valid(), XrefLine(Valid(), 1), "-000000001 00000 n\r\n")),
        new("xref-entry-bad-type", "instead of 'n' or 'f'", () => Replace(Valid(), XrefLine(Valid(), 1), XrefLine(Valid(), 1).Replace(" n\r\n", " x\r\n", StringComparison.Ordinal))),
        new("xref-subsection-huge-count", "larger than the file", () => Replace(Valid(), "xref\n0 6\n", "xref\n0 4000000000\n")),
        new("missing-trailer", "expected 'trailer'", () => Replace(Valid(), "trailer\n", "\n")),
        new("trailer-not-dictionary", "is not a dictionary", () => Replace(Replace(Valid(), "trailer\n<<", "trailer\n[ <<"), ">>\nstartxref", ">> ]\nstartxref")),
        new("trailer-no-root", "no /Root", () => Classic(trailer: _ => "/Info 3 0 R")),
        new("trailer-huge-size", "/Size 2147483647", () => Replace(Valid(), "/Size 6 ", "/Size 2147483647 ")),
        new("trailer-negative-size", "/Size -1", () => Replace(Valid(), "/Size 6 ", "/Size -1 ")),
        new("encrypted", "encrypted", () => Classic(trailer: _ => "/Root 1 0 R /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00> >>")),
        new("catalog-not-dictionary", "not a dictionary", () => ClassicWith(catalog: "42")),
        new("unterminated-string-in-catalog", "unterminated literal string", () => ClassicWith(catalog: "<< /Type /Catalog /Pages 2 0 R /Lang (vi-VN >>")),
        new("deep-nesting-arrays", "nested deeper", () => ClassicWith(catalog: "<< /Type /Catalog /Pages 2 0 R /Deep " + new string('[', 100_000) + " >>")),
        new("deep-nesting-dictionaries", "nested deeper", () => ClassicWith(catalog: "<< /Type /Catalog /Pages 2 0 R /D " + string.Concat(Enumerable.Repeat("<< /A ", 20_000)) + ">>")),
        new("stream-huge-length", "/Length 999999999999", () => ClassicWith(contents: "<< /Length 999999999999 >>\nstream\nBT ET\nendstream")),
        new("stream-negative-length", "/Length -10", () => ClassicWith(contents: "<< /Length -10 >>\nstream\nBT ET\nendstream")),
        new("stream-length-self-reference", "Reference cycle", () => ClassicWith(contents: "<< /Length 4 0 R >>\nstream\nBT ET\nendstream")),
        new("stream-length-too-short", "'endstream' not found", () => ClassicWith(contents: "<< /Length 2 >>\nstream\nBT /F1 12 Tf ET\nendstream")),
        new("page-tree-self-loop", "twice", () => ClassicWith(pages: "<< /Type /Pages /Kids [2 0 R] /Count 1 >>")),
        new("page-tree-too-deep", "deeper than", DeepPageTree),
        new("xref-stream-flate-bomb", "decompression bomb", () => XrefStreamDocument(rawXrefData: ZeroBomb())),
        new("xref-stream-corrupt-flate", "corrupt FlateDecode", () => XrefStreamDocument(rawXrefData: "this is not zlib data at all"u8.ToArray())),
        new("xref-stream-bad-widths", "/W must be", () => XrefStreamDocument(widths: "[1 9 2]")),
        new("xref-stream-index-beyond-data", "/Index covers 100 entries", () => XrefStreamDocument(extraDictionary: "/Index [0 100]")),
        new("xref-stream-index-beyond-object-limit", "past the object limit", () => XrefStreamDocument(extraDictionary: "/Index [0 9000000000]")),
        new("xref-stream-unsupported-filter", "/LZWDecode is not supported", () => XrefStreamDocument(filter: "/LZWDecode")),
        new("xref-stream-bad-predictor-row", "invalid PNG predictor row filter", () => XrefStreamDocument(predictorRowFilter: 9)),
        new("objstm-flate-bomb", "decompression bomb", () => ObjectStreamDocument(objectStreamData: ZeroBomb())),
        new("objstm-contains-itself", "itself stored in an object stream", () => ObjectStreamDocument(objectStreamIsCompressedInItself: true)),
        new("objstm-length-cycle", "Reference cycle", () => ObjectStreamDocument(objectStreamLength: "3 0 R")),
        new("objstm-n-lies-high", "cannot fit", () => ObjectStreamDocument(objectStreamDictionary: "/Type /ObjStm /N 5000 /First 4")),
        new("objstm-first-lies", "object stream 5 header", () => ObjectStreamDocument(objectStreamDictionary: "/Type /ObjStm /N 3 /First 30")),
        new("objstm-not-a-stream", "not a stream", () => ObjectStreamDocument(objectStreamIsDictionary: true)),
    ];

    private static byte[] Valid() => ClassicWith();

    private static byte[] ClassicWith(string? catalog = null, string? pages = null, string? contents = null) =>
        new ClassicPdfBuilder()
            .Add(1, catalog ?? "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, pages ?? "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, Page)
            .Add(4, contents ?? "<< /Length 5 >>\nstream\nBT ET\nendstream")
            .Add(5, "<< /Producer (malformed corpus) >>")
            .Build("/Root 1 0 R /Info 5 0 R");

    private static byte[] Classic(Func<long, string>? trailer = null, Func<long, string>? startXref = null)
    {
        var builder = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, Page)
            .Add(4, "<< /Length 5 >>\nstream\nBT ET\nendstream");

        // The trailer text may need the xref offset, which depends only on the objects above.
        var xref = builder.Build("/Root 1 0 R").AsSpan().IndexOf("xref\n"u8);
        return builder.Build(trailer?.Invoke(xref) ?? "/Root 1 0 R", startXref);
    }

    private static byte[] PrevCycle()
    {
        // Section A's /Prev points to section B appended after it, and B's /Prev points back to A.
        var first = Classic(trailer: _ => "/Root 1 0 R /Prev 0000000000");
        var xrefA = first.AsSpan().IndexOf("xref\n"u8);
        var sectionB = (long)first.Length;
        var patched = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(first).Replace("/Prev 0000000000", $"/Prev {sectionB:D10}", StringComparison.Ordinal));
        var tail = $"xref\n0 0\ntrailer\n<< /Size 5 /Root 1 0 R /Prev {xrefA} >>\nstartxref\n{sectionB}\n%%EOF\n";
        return [.. patched, .. Encoding.Latin1.GetBytes(tail)];
    }

    private static byte[] DeepPageTree()
    {
        const int levels = 150;
        var builder = new ClassicPdfBuilder().Add(1, "<< /Type /Catalog /Pages 2 0 R >>");
        for (var i = 0; i < levels; i++)
        {
            builder.Add(2 + i, $"<< /Type /Pages /Kids [{3 + i} 0 R] /Count 1 >>");
        }

        builder.Add(2 + levels, "<< /Type /Page /MediaBox [0 0 10 10] >>");
        return builder.Build();
    }

    /// <summary>Flate data that inflates to 80 MiB of zeros, past the 64 MiB structure-stream limit, from about 80 KB.</summary>
    private static byte[] ZeroBomb() => TestDocuments.Deflate(new byte[80 * 1024 * 1024]);

    private static byte[] XrefStreamDocument(byte[]? rawXrefData = null, string widths = "[1 4 2]", string extraDictionary = "", string filter = "/FlateDecode", int? predictorRowFilter = null)
    {
        var parts = new List<(int Number, string Body)>
        {
            (1, "<< /Type /Catalog /Pages 2 0 R >>"),
            (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            (3, Page),
            (4, "<< /Length 5 >>\nstream\nBT ET\nendstream"),
        };
        using var output = new MemoryStream();
        Write(output, "%PDF-1.7\n");
        var rows = new MemoryStream();
        WriteRow(rows, 0, 0, 65535);
        foreach (var (number, body) in parts)
        {
            WriteRow(rows, 1, output.Position, 0);
            Write(output, $"{number} 0 obj\n{body}\nendobj\n");
        }

        var xref = output.Position;
        WriteRow(rows, 1, xref, 0);
        var rowBytes = rows.ToArray();
        var parameters = string.Empty;
        if (predictorRowFilter is { } rowFilter)
        {
            // PNG predictor layout: each 7-byte row gains a leading filter-type byte.
            rowBytes = [.. rowBytes.Chunk(7).SelectMany(row => new[] { (byte)rowFilter }.Concat(row))];
            parameters = "/DecodeParms << /Predictor 12 /Columns 7 >>";
        }

        var data = rawXrefData ?? TestDocuments.Deflate(rowBytes);
        Write(output, $"5 0 obj\n<< /Type /XRef /Size 6 /W {widths} /Root 1 0 R /Filter {filter} {parameters} {extraDictionary} /Length {data.Length} >>\nstream\n");
        output.Write(data);
        Write(output, $"\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    private static byte[] ObjectStreamDocument(
        byte[]? objectStreamData = null,
        bool objectStreamIsCompressedInItself = false,
        string objectStreamLength = "",
        string objectStreamDictionary = "/Type /ObjStm /N 1 /First 4",
        bool objectStreamIsDictionary = false)
    {
        using var output = new MemoryStream();
        Write(output, "%PDF-1.7\n");
        var offsets = new Dictionary<int, long>();
        void Add(int number, byte[] body)
        {
            offsets[number] = output.Position;
            Write(output, $"{number} 0 obj\n");
            output.Write(body);
            Write(output, "\nendobj\n");
        }

        Add(1, "<< /Type /Catalog /Pages 2 0 R >>"u8.ToArray());
        Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"u8.ToArray());
        Add(4, "<< /Length 5 >>\nstream\nBT ET\nendstream"u8.ToArray());
        var data = objectStreamData ?? TestDocuments.Deflate(Encoding.ASCII.GetBytes("3 0 " + Page));
        var length = objectStreamLength.Length > 0 ? objectStreamLength : data.Length.ToString(CultureInfo.InvariantCulture);
        Add(5, objectStreamIsDictionary
            ? Encoding.ASCII.GetBytes("<< " + objectStreamDictionary + " >>")
            : [.. Encoding.ASCII.GetBytes($"<< {objectStreamDictionary} /Filter /FlateDecode /Length {length} >>\nstream\n"), .. data, .. "\nendstream"u8]);

        var xref = output.Position;
        var rows = new MemoryStream();
        WriteRow(rows, 0, 0, 65535);
        WriteRow(rows, 1, offsets[1], 0);
        WriteRow(rows, 1, offsets[2], 0);
        WriteRow(rows, 2, 5, 0);
        WriteRow(rows, 1, offsets[4], 0);
        if (objectStreamIsCompressedInItself)
        {
            WriteRow(rows, 2, 5, 1);
        }
        else
        {
            WriteRow(rows, 1, offsets[5], 0);
        }

        WriteRow(rows, 1, xref, 0);
        var xrefData = TestDocuments.Deflate(rows.ToArray());
        Write(output, $"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length {xrefData.Length} >>\nstream\n");
        output.Write(xrefData);
        Write(output, $"\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    private static void WriteRow(Stream rows, byte type, long field2, int field3)
    {
        rows.WriteByte(type);
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            rows.WriteByte((byte)(field2 >> shift));
        }

        rows.WriteByte((byte)(field3 >> 8));
        rows.WriteByte((byte)field3);
    }

    private static string XrefLine(byte[] pdf, int objectNumber)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var table = text.IndexOf("xref\n0 ", StringComparison.Ordinal);
        var firstEntry = text.IndexOf('\n', table + 5) + 1;
        return text.Substring(firstEntry + (20 * objectNumber), 20);
    }

    private static byte[] Replace(byte[] pdf, string oldText, string newText)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var index = text.IndexOf(oldText, StringComparison.Ordinal);
        if (index < 0)
        {
            throw new InvalidOperationException($"Corpus generator: '{oldText}' not found");
        }

        return Encoding.Latin1.GetBytes(string.Concat(text.AsSpan(0, index), newText, text.AsSpan(index + oldText.Length)));
    }

    private static byte[] CutAfter(byte[] pdf, string marker)
    {
        var index = Encoding.Latin1.GetString(pdf).LastIndexOf(marker, StringComparison.Ordinal);
        return pdf[..(index + marker.Length)];
    }

    private static byte[] PointStartXrefAt(byte[] pdf, string target)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var offset = text.IndexOf(target, StringComparison.Ordinal);
        var startxref = text.LastIndexOf("startxref\n", StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text[..startxref] + $"startxref\n{offset}\n%%EOF\n");
    }

    private static void Write(Stream output, string text) => output.Write(Encoding.Latin1.GetBytes(text));
}
