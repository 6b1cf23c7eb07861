using System.Globalization;
using System.Text;
using Signing.Pdf.Drawing;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>The language of a readable validation report.</summary>
public enum ReportLanguage
{
    /// <summary>Vietnamese (the default for officials and citizens).</summary>
    Vietnamese,

    /// <summary>English.</summary>
    English,
}

/// <summary>
/// Writes a short validation report for people as a PDF: the document's summary, then one section per signature
/// with its indication explained in plain words, the signer, the times, the PAdES level, the coverage, the changes
/// made after signing and each check. Text is set in Liberation Serif (DejaVu Serif for letters it lacks), embedded
/// as subsets, so Vietnamese renders and extracts correctly.
/// </summary>
public static class ValidationReportDocument
{
    private const double PageWidth = 595;
    private const double PageHeight = 842;
    private const double Margin = 50;
    private const double BodySize = 10;
    private const double TitleSize = 15;
    private const double Leading = 14;
    private const int MaxModificationsListed = 30;
    private const int MaxLines = 20_000;

    /// <summary>Writes the report for <paramref name="report"/> of the file <paramref name="documentName"/>.</summary>
    /// <param name="report">The validation report.</param>
    /// <param name="documentName">The validated file's name, shown in the header.</param>
    /// <param name="language">Vietnamese or English.</param>
    /// <param name="validatedAt">When the validation ran, shown in Vietnam time (+07:00).</param>
    /// <param name="output">Where the PDF is written.</param>
    /// <param name="fontPath">The main font (default Liberation Serif from fonts-liberation).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task WriteAsync(
        PdfValidationReport report, string documentName, ReportLanguage language, DateTimeOffset validatedAt, Stream output,
        string fontPath = DocumentFonts.SerifPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var lines = Compose(report, documentName, language, validatedAt);
        var fonts = FontSet.Create(TrueTypeFont.SharedFile(fontPath),
            DocumentFonts.FallbackPaths, [.. lines.Select(line => line.Text)]);
        var wrapped = lines.SelectMany(line => Wrap(line, fonts)).Take(MaxLines).ToList();

        var reader = PdfReader.Open(PdfBytes.Open(Skeleton()));
        var writer = new PdfIncrementalWriter(reader);
        var fontResources = fonts.AddTo(writer);
        var pagesReference = (PdfReference)reader.Catalog["Pages"]!;
        var kids = new List<PdfObject>();
        var linesPerPage = (int)((PageHeight - (2 * Margin)) / Leading);
        for (var start = 0; start < wrapped.Count; start += linesPerPage)
        {
            var content = new StringBuilder("BT 0 g\n");
            var y = PageHeight - Margin;
            foreach (var line in wrapped.Skip(start).Take(linesPerPage))
            {
                y -= line.Size > BodySize ? Leading * 1.5 : Leading;
                content.Append(CultureInfo.InvariantCulture, $"1 0 0 1 {Margin + line.Indent:0.##} {y:0.##} Tm\n");
                foreach (var (fontIndex, hex) in fonts.Encode(line.Text))
                {
                    content.Append(CultureInfo.InvariantCulture, $"/F{fontIndex + 1} {line.Size:0.##} Tf <{hex}> Tj\n");
                }
            }

            content.Append("ET\n");
            var data = Encoding.ASCII.GetBytes(content.ToString());
            var stream = writer.AddObject(new PdfStream(new PdfDictionary { ["Length"] = new PdfInteger(data.Length) }, data));
            kids.Add(writer.AddObject(new PdfDictionary
            {
                ["Type"] = new PdfName("Page"),
                ["Parent"] = pagesReference,
                ["MediaBox"] = new PdfArray(new PdfInteger(0), new PdfInteger(0), new PdfInteger((long)PageWidth), new PdfInteger((long)PageHeight)),
                ["Resources"] = new PdfDictionary { ["Font"] = fontResources },
                ["Contents"] = stream,
            }));
        }

        writer.SetObject(pagesReference, new PdfDictionary
        {
            ["Type"] = new PdfName("Pages"),
            ["Kids"] = new PdfArray(kids),
            ["Count"] = new PdfInteger(kids.Count),
        });
        await writer.WriteToAsync(output, cancellationToken);
    }

    private sealed record Line(string Text, double Size = BodySize, double Indent = 0);

    private static List<Line> Compose(PdfValidationReport report, string documentName, ReportLanguage language, DateTimeOffset validatedAt)
    {
        var vi = language == ReportLanguage.Vietnamese;
        string T(string vietnamese, string english) => vi ? vietnamese : english;
        string Explain(Explanation explanation) => vi ? explanation.Vi : explanation.En;
        string Time(DateTimeOffset? time) => time is { } t
            ? t.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
            : T("không có", "none");

        var lines = new List<Line>
        {
            new(T("BÁO CÁO KIỂM TRA CHỮ KÝ SỐ", "SIGNATURE VALIDATION REPORT"), TitleSize),
            new($"{T("Tệp", "File")}: {documentName} ({report.FileLength} bytes, {report.RevisionCount} {T("phiên bản", "revisions")})"),
            new($"{T("Thời điểm kiểm tra", "Validated at")}: {Time(validatedAt)}"),
            new($"{T("Kết quả chung", "Overall result")}: {Words(report.Indication)} — {Explain(IndicationExplanations.For(report.Indication))}"),
            new(report.Summary),
        };
        if (report.FormatProblem is { } problem)
        {
            lines.Add(new($"{T("Lỗi định dạng", "Format problem")}: {problem}"));
        }

        var number = 0;
        foreach (var signature in report.Signatures)
        {
            number++;
            var validation = signature.Validation;
            var kind = signature.Kind == PdfSignatureKind.DocumentTimestamp ? T("Dấu thời gian tài liệu", "Document timestamp") : T("Chữ ký", "Signature");
            lines.Add(new(""));
            lines.Add(new($"{kind} {number}: {signature.FieldName}", 12));
            lines.Add(new($"{T("Kết quả", "Result")}: {Words(signature.Indication)}{(signature.SubIndication is { } sub ? " / " + Words(sub) : "")}", Indent: 10));
            lines.Add(new(Explain(validation.IndicationExplanation), Indent: 10));
            if (validation.SubIndicationExplanation is { } subExplanation)
            {
                lines.Add(new(Explain(subExplanation), Indent: 10));
            }

            lines.Add(new($"{T("Người ký", "Signer")}: {validation.SignerName ?? validation.SignerSubject ?? T("không xác định", "unknown")}", Indent: 10));
            lines.Add(new($"{T("Thời điểm ký (khai báo)", "Claimed signing time")}: {Time(validation.ClaimedSigningTime)}", Indent: 10));
            lines.Add(new($"{T("Dấu thời gian", "Timestamp")}: {Time(validation.TimestampTime)}", Indent: 10));
            lines.Add(new($"{T("Mức PAdES", "PAdES level")}: {(signature.Level is { } level ? Words(level) : T("không đạt", "none"))}", Indent: 10));
            lines.Add(new($"{T("Phạm vi ký", "Coverage")}: {Words(signature.Coverage)}", Indent: 10));
            var rejected = signature.Modifications.Where(m => !m.Allowed).ToList();
            lines.Add(new($"{T("Thay đổi sau khi ký", "Changes after signing")}: {signature.Modifications.Count} ({rejected.Count} {T("không được phép", "not allowed")})", Indent: 10));
            foreach (var modification in signature.Modifications.Take(MaxModificationsListed))
            {
                var page = modification.Page is { } p ? $", {T("trang", "page")} {p}" : "";
                var verdict = modification.Allowed ? T("được phép", "allowed") : T("KHÔNG được phép", "NOT allowed");
                lines.Add(new($"- {T("đối tượng", "object")} {modification.ObjectNumber}{page}: {modification.Description} ({verdict})", Indent: 20));
            }

            lines.Add(new(T("Các bước kiểm tra:", "Checks:"), Indent: 10));
            foreach (var check in validation.Checks)
            {
                lines.Add(new($"- {check.Name}: {check.Outcome} — {check.Detail}", Indent: 20));
            }
        }

        return lines;
    }

    /// <summary>The JSON words of an enum value (e.g. TOTAL_PASSED, B-LT, ENTIRE_FILE), as in the JSON report.</summary>
    private static string Words<T>(T value) where T : struct, Enum
        => System.Text.Json.JsonSerializer.Serialize(value).Trim('"');

    private static IEnumerable<Line> Wrap(Line line, FontSet fonts)
    {
        var width = PageWidth - (2 * Margin) - line.Indent;
        if (line.Text.Length == 0 || fonts.MeasureWidth(line.Text) * line.Size / 1000 <= width)
        {
            yield return line;
            yield break;
        }

        var current = new StringBuilder();
        foreach (var word in line.Text.Split(' '))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && fonts.MeasureWidth(candidate) * line.Size / 1000 > width)
            {
                yield return line with { Text = current.ToString() };
                current.Clear().Append(word);
            }
            else
            {
                current.Clear().Append(candidate);
            }
        }

        if (current.Length > 0)
        {
            yield return line with { Text = current.ToString() };
        }
    }

    /// <summary>An empty document (catalog and an empty page tree) that the report's revision fills.</summary>
    private static byte[] Skeleton()
    {
        var objects = new[] { "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>" };
        var pdf = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        offsets.ForEach(offset => pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n"));
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
