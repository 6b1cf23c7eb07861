using System.Globalization;
using System.Text;

namespace Signing.Testing;

/// <summary>Hand-assembles small PDFs with a classic xref table, computing offsets, so tests control every byte.</summary>
public sealed class ClassicPdfBuilder
{
    private readonly List<(int Number, byte[] Body)> objects = [];

    public string Header { get; init; } = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n";

    public ClassicPdfBuilder Add(int number, string body) => Add(number, Encoding.Latin1.GetBytes(body));

    public ClassicPdfBuilder Add(int number, byte[] body)
    {
        objects.Add((number, body));
        return this;
    }

    /// <summary>A stream object body with a correct /Length.</summary>
    public static byte[] StreamBody(string dictionaryEntries, byte[] data)
    {
        var head = Encoding.Latin1.GetBytes(string.Create(CultureInfo.InvariantCulture, $"<< {dictionaryEntries} /Length {data.Length} >>\nstream\n"));
        return [.. head, .. data, .. "\nendstream"u8];
    }

    /// <summary>Writes the objects, an xref table covering 0..max, and a trailer built from <paramref name="trailerEntries"/>.</summary>
    public byte[] Build(string trailerEntries = "/Root 1 0 R", Func<long, string>? startXrefText = null) =>
        Build(_ => trailerEntries, startXrefText);

    /// <summary>As <see cref="Build(string, Func{long, string}?)"/>, with trailer entries that may use the object offsets.</summary>
    public byte[] Build(Func<IReadOnlyDictionary<int, long>, string> trailerEntries, Func<long, string>? startXrefText = null)
    {
        using var output = new MemoryStream();
        Write(output, Header);
        var offsets = new SortedDictionary<int, long>();
        foreach (var (number, body) in objects)
        {
            offsets[number] = output.Position;
            Write(output, $"{number} 0 obj\n");
            output.Write(body);
            Write(output, "\nendobj\n");
        }

        var xref = output.Position;
        var size = offsets.Count == 0 ? 1 : offsets.Keys.Max() + 1;
        var table = new StringBuilder($"xref\n0 {size}\n0000000000 65535 f\r\n");
        for (var i = 1; i < size; i++)
        {
            table.Append(offsets.TryGetValue(i, out var offset)
                ? string.Create(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n\r\n")
                : "0000000000 00000 f\r\n");
        }

        Write(output, table.ToString());
        Write(output, $"trailer\n<< /Size {size} {trailerEntries(offsets)} >>\n");
        Write(output, startXrefText?.Invoke(xref) ?? $"startxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    /// <summary>A valid document with the given number of pages, each with a short text content stream.</summary>
    public static byte[] SimpleDocument(int pages = 1)
    {
        var builder = new ClassicPdfBuilder();
        var kids = string.Join(' ', Enumerable.Range(0, pages).Select(i => $"{4 + (2 * i)} 0 R"));
        builder.Add(1, "<< /Type /Catalog /Pages 2 0 R >>");
        builder.Add(2, $"<< /Type /Pages /Kids [{kids}] /Count {pages} >>");
        builder.Add(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        for (var i = 0; i < pages; i++)
        {
            builder.Add(4 + (2 * i), $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + (2 * i)} 0 R >>");
            builder.Add(5 + (2 * i), StreamBody(string.Empty, Encoding.ASCII.GetBytes($"BT /F1 24 Tf 72 720 Td (Page {i + 1}) Tj ET")));
        }

        return builder.Build("/Root 1 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]");
    }

    private static void Write(Stream output, string text) => output.Write(Encoding.Latin1.GetBytes(text));
}
