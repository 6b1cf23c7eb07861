using System.Globalization;
using System.Text;

namespace Signing.Bench;

/// <summary>Writes a plain text PDF with a classic xref table, the shape most office exports have.</summary>
internal static class SamplePdf
{
    public static byte[] Create(int pages)
    {
        var body = new StringBuilder();
        var offsets = new List<int>();
        void Add(string content)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(body.ToString()));
            body.Append(CultureInfo.InvariantCulture, $"{offsets.Count} 0 obj\n{content}\nendobj\n");
        }

        body.Append("%PDF-1.7\n");
        var kids = string.Join(' ', Enumerable.Range(0, pages).Select(page => $"{4 + (page * 2)} 0 R"));
        Add("<< /Type /Catalog /Pages 2 0 R >>");
        Add($"<< /Type /Pages /Kids [{kids}] /Count {pages} >>");
        Add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>");
        for (var page = 0; page < pages; page++)
        {
            Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + (page * 2)} 0 R >>");
            var text = new StringBuilder("BT /F1 11 Tf 72 770 Td 14 TL\n");
            for (var line = 0; line < 48; line++)
            {
                text.Append(CultureInfo.InvariantCulture, $"(Page {page + 1}, line {line + 1}: official document text for the benchmark.) '\n");
            }

            text.Append("ET");
            Add($"<< /Length {text.Length} >>\nstream\n{text}\nendstream");
        }

        var xrefOffset = Encoding.ASCII.GetByteCount(body.ToString());
        body.Append(CultureInfo.InvariantCulture, $"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            body.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        body.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xrefOffset}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(body.ToString());
    }
}
