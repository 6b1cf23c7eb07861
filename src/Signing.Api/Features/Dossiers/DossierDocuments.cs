using System.Globalization;
using System.IO.Compression;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.GccRequests;
using Signing.Api.Hosting;
using Signing.Pdf.Drawing;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Dossiers;

/// <summary>One row of a dossier: a request, in the columns of its kind's form.</summary>
/// <param name="Kind">The request's kind.</param>
/// <param name="RequestId">The request.</param>
/// <param name="Cells">One cell per column of <see cref="DossierDocuments.Columns"/> (empty where the kind has no such column).</param>
public sealed record DossierRow(string Kind, string RequestId, IReadOnlyList<string> Cells);

/// <summary>
/// The documents of a dossier, all from the same rows: a Vietnamese PDF with one table per kind of request (each with its
/// form's columns) and the head's signature line, a CSV and an XLSX with every row under one header (a kind fills the
/// columns of its form), and the package sent to the GCC (the signed PDF, the CSV and the CSRs, zipped).
/// </summary>
public static class DossierDocuments
{
    /// <summary>Every column; a kind's table shows its own of them, in this order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "Loại yêu cầu", "STT", "Họ và tên / Tên chủ thể", "Số CCCD", "Chức vụ", "Đơn vị công tác", "Cơ quan, tổ chức", "Mã định danh", "Tỉnh, thành phố",
        "Thư điện tử công vụ", "Điện thoại", "Mô tả thiết bị, dịch vụ", "Nơi lưu khóa", "Số hiệu chứng thư", "Hiệu lực đến", "Thông tin hiện tại",
        "Thông tin đề nghị thay đổi", "Gia hạn (năm)", "Lý do", "Số serial thiết bị", "Mã yêu cầu",
    ];

    private const int Kind = 0, Number = 1, Name = 2, Cccd = 3, Position = 4, Unit = 5, Organization = 6, Code = 7, Province = 8, Email = 9, Phone = 10,
        Description = 11, KeyPlace = 12, Serial = 13, ValidTo = 14, Before = 15, After = 16, Years = 17, Reason = 18, TokenSerial = 19, RequestCode = 20;

    private static readonly double[] Weights = [0, 24, 110, 72, 75, 90, 120, 72, 70, 115, 62, 115, 58, 105, 58, 190, 190, 42, 115, 75, 62];

    private static readonly Dictionary<string, int[]> KindColumns = new(StringComparer.Ordinal)
    {
        [GccRequestKinds.IssueIndividual] = [Number, Name, Cccd, Position, Unit, Organization, Province, Email, Phone, KeyPlace, RequestCode],
        [GccRequestKinds.IssueAgency] = [Number, Name, Organization, Code, Province, Email, KeyPlace, RequestCode],
        [GccRequestKinds.IssueDevice] = [Number, Name, Organization, Code, Province, Description, KeyPlace, RequestCode],
        [GccRequestKinds.Renew] = [Number, Name, Serial, ValidTo, Years, Reason, RequestCode],
        [GccRequestKinds.ChangeInfo] = [Number, Name, Position, Code, Serial, Before, After, RequestCode],
        [GccRequestKinds.Revoke] = [Number, Name, Serial, Reason, RequestCode],
        [GccRequestKinds.RestoreDevice] = [Number, Name, Serial, Reason, TokenSerial, RequestCode],
    };

    /// <summary>The short code of a request that the documents print (the random tail of its id).</summary>
    public static string ShortCode(string requestId) => requestId.Length > 10 ? requestId[^10..].ToUpperInvariant() : requestId.ToUpperInvariant();

    /// <summary>The rows of a dossier's items, grouped by kind in the order of <see cref="GccRequestKinds.All"/>.</summary>
    public static IReadOnlyList<DossierRow> Rows(IReadOnlyList<GccRequest> items, IReadOnlyDictionary<string, CertificateRecord> certificates)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(certificates);
        var rows = new List<DossierRow>();
        foreach (var kind in GccRequestKinds.All)
        {
            var number = 0;
            foreach (var item in items.Where(i => i.Kind == kind.Code).OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                var cells = Enumerable.Repeat("", Columns.Count).ToArray();
                var fields = GccRequestService.FieldsOf(item);
                var certificate = item.CertificateId is { } id ? certificates.GetValueOrDefault(id) : null;
                cells[Kind] = kind.Form is null ? kind.Title : $"{kind.Form} - {kind.Title}";
                cells[Number] = (++number).ToString(CultureInfo.InvariantCulture);
                cells[Name] = kind.Code switch
                {
                    GccRequestKinds.IssueIndividual => fields.FullName ?? "",
                    GccRequestKinds.IssueAgency => fields.AgencyName ?? "",
                    GccRequestKinds.IssueDevice => fields.DeviceName ?? "",
                    _ => certificate?.CommonName ?? "",
                };
                cells[Cccd] = fields.Cccd ?? "";
                cells[Position] = fields.Position ?? "";
                cells[Unit] = fields.Unit ?? "";
                cells[Organization] = kind.Code switch
                {
                    GccRequestKinds.IssueAgency => fields.ParentBody ?? "",
                    _ => SubjectPart(item.SubjectAfter, "O") ?? fields.Organization ?? fields.AgencyName ?? "",
                };
                cells[Code] = fields.AgencyCode ?? "";
                cells[Province] = SubjectPart(item.SubjectAfter, "L") ?? fields.Province ?? "";
                cells[Email] = fields.Email ?? "";
                cells[Phone] = fields.Phone ?? "";
                cells[Description] = fields.DeviceDescription ?? "";
                cells[KeyPlace] = fields.KeyLocation switch
                {
                    KeyLocations.Hsm => "HSM của cơ quan",
                    KeyLocations.UsbToken => "USB token",
                    _ => "",
                };
                cells[Serial] = certificate?.Serial ?? "";
                cells[ValidTo] = certificate is null ? "" : DateTimeOffset.FromUnixTimeMilliseconds(certificate.NotAfter).ToOffset(TimeSpan.FromHours(7))
                    .ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
                cells[Before] = item.SubjectBefore ?? "";
                cells[After] = item.SubjectAfter ?? "";
                cells[Years] = fields.ExtensionYears?.ToString(CultureInfo.InvariantCulture) ?? "";
                cells[Reason] = string.Join(". ", new[] { RevocationReasons.Find(item.RevocationReason)?.Vietnamese, fields.Note }.Where(r => !string.IsNullOrEmpty(r)));
                cells[TokenSerial] = fields.TokenSerial ?? "";
                cells[RequestCode] = ShortCode(item.Id);
                rows.Add(new DossierRow(kind.Code, item.Id, cells));
            }
        }

        return rows;
    }

    /// <summary>The rows as CSV (UTF-8 with a byte order mark).</summary>
    public static byte[] Csv(IReadOnlyList<DossierRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return TableFile.WriteCsv(Columns, rows.Select(row => row.Cells));
    }

    /// <summary>The rows as an XLSX workbook of one sheet.</summary>
    public static byte[] Xlsx(IReadOnlyList<DossierRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return TableFile.WriteXlsx("Ho so", Columns, rows.Select(row => row.Cells));
    }

    /// <summary>The columns a kind's table shows (indexes into <see cref="Columns"/>), in order.</summary>
    public static IReadOnlyList<int> ColumnsOf(string kind) => KindColumns[kind];

    /// <summary>
    /// The dossier as a printable PDF, A4 landscape: the agency and the national motto, the title and recipient, one ruled
    /// table per kind with its form's columns, and the head's signature line, below which the signature goes.
    /// <paramref name="progress"/> hears <see cref="RenderPhases.Draw"/> (rows drawn of all rows), then
    /// <see cref="RenderPhases.Write"/> while the file is written.
    /// </summary>
    public static async Task<byte[]> PdfAsync(DossierHeading heading, IReadOnlyList<DossierRow> rows, CancellationToken ct, ProgressSink? progress = null)
    {
        ArgumentNullException.ThrowIfNull(heading);
        ArgumentNullException.ThrowIfNull(rows);
        const double margin = 36;
        const double size = 8;
        const double leading = size * 1.3;
        var builder = new PdfDocumentBuilder();
        PdfDocumentBuilder.PdfPageBuilder page = builder.AddPage(PdfDocumentBuilder.A4Height, PdfDocumentBuilder.A4Width);
        var width = page.Width - (2 * margin);
        var y = page.Height - margin;

        void NewPage()
        {
            page = builder.AddPage(PdfDocumentBuilder.A4Height, PdfDocumentBuilder.A4Width);
            y = page.Height - margin;
        }

        void Line(string text, double textSize, bool bold, TextAlign align = TextAlign.Left, double x = margin)
        {
            foreach (var line in builder.Wrap(text, width, textSize, bold))
            {
                if (y - textSize < margin)
                {
                    NewPage();
                }

                page.Text(align == TextAlign.Center ? page.Width / 2 : x, y - textSize, line, textSize, bold, align);
                y -= textSize * 1.35;
            }
        }

        // Heading: agency on the left, the national motto on the right (Decree 30's layout).
        var left = margin + 150;
        var right = page.Width - margin - 180;
        page.Text(left, y - 10, heading.ParentBody?.ToUpperInvariant() ?? "", 10, bold: false, TextAlign.Center);
        page.Text(left, y - 23, heading.AgencyName.ToUpperInvariant(), 10, bold: true, TextAlign.Center);
        page.Text(right, y - 10, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 10, bold: true, TextAlign.Center);
        page.Text(right, y - 23, "Độc lập - Tự do - Hạnh phúc", 10, bold: true, TextAlign.Center);
        page.Text(right, y - 42, $"{heading.Province ?? ""}, ngày {heading.Date.Day:00} tháng {heading.Date.Month:00} năm {heading.Date.Year}", 10, bold: false, TextAlign.Center);
        y -= 64;
        Line("HỒ SƠ ĐỀ NGHỊ CẤP, GIA HẠN, THAY ĐỔI THÔNG TIN, THU HỒI CHỨNG THƯ CHỮ KÝ SỐ CHUYÊN DÙNG CÔNG VỤ", 12, bold: true, TextAlign.Center);
        Line(heading.Title, 10, bold: false, TextAlign.Center);
        y -= 4;
        Line($"Kính gửi: {heading.Recipient}", 10, bold: false, TextAlign.Center);
        y -= 4;
        Line($"Căn cứ Nghị định số 68/2024/NĐ-CP, {heading.AgencyName} (mã định danh {heading.AgencyCode}) đề nghị thực hiện {rows.Count} yêu cầu dưới đây.", 10, false);
        y -= 6;

        progress ??= (_, _) => Task.CompletedTask;
        await progress(new WorkProgress(RenderPhases.Draw, 0, rows.Count), ct);
        var section = 0;
        var drawn = 0;
        foreach (var group in rows.GroupBy(row => row.Kind))
        {
            ct.ThrowIfCancellationRequested();
            var kind = GccRequestKinds.Find(group.Key)!;
            var columns = KindColumns[group.Key];
            var total = columns.Sum(column => Weights[column]);
            var widths = columns.Select(column => Weights[column] * width / total).ToArray();
            if (y - 60 < margin)
            {
                NewPage();
            }

            Line($"{Roman(++section)}. {kind.Title}{(kind.Form is null ? "" : $" ({kind.Form})")}: {group.Count()} yêu cầu", 10, bold: true);
            y -= 2;
            Row(columns.Select(column => Columns[column]).ToList(), widths, bold: true, header: null);
            foreach (var row in group)
            {
                Row(columns.Select(column => row.Cells[column]).ToList(), widths, bold: false, header: columns.Select(column => Columns[column]).ToList());
                if (WorkProgress.Worth(++drawn, rows.Count))
                {
                    await progress(new WorkProgress(RenderPhases.Draw, drawn, rows.Count), ct);
                }
            }

            y -= 10;
        }

        // The signature line: the head signs below it in the signature-request workflow (anchor).
        if (y - 120 < margin)
        {
            NewPage();
        }

        y -= 8;
        page.Text(page.Width - margin - 150, y - 11, heading.SignatureAnchor, 11, bold: true, TextAlign.Center);
        page.Text(page.Width - margin - 150, y - 24, "(Ký số)", 9, bold: false, TextAlign.Center);
        page.Text(margin, y - 11, "Nơi nhận:", 9, bold: true);
        page.Text(margin, y - 23, $"- {heading.Recipient};", 9, bold: false);
        page.Text(margin, y - 35, "- Lưu: VT.", 9, bold: false);

        await progress(new WorkProgress(RenderPhases.Write, 0, 0), ct);
        using var output = new MemoryStream();
        await builder.WriteAsync(output, ct);
        return output.ToArray();

        void Row(IReadOnlyList<string> cells, double[] widths, bool bold, IReadOnlyList<string>? header)
        {
            var wrapped = cells.Select((cell, i) => builder.Wrap(cell, widths[i] - 4, size, bold)).ToList();
            var height = (wrapped.Max(lines => lines.Count) * leading) + 4;
            if (y - height < margin)
            {
                NewPage();
                if (header is not null)
                {
                    Row(header, widths, bold: true, header: null);
                }
            }

            var x = margin;
            for (var i = 0; i < cells.Count; i++)
            {
                page.Box(new PdfRectangle(x, y - height, widths[i], height));
                for (var line = 0; line < wrapped[i].Count; line++)
                {
                    page.Text(x + 2, y - 2 - size - (line * leading), wrapped[i][line], size, bold);
                }

                x += widths[i];
            }

            y -= height;
        }
    }

    /// <summary>The package sent to the GCC: the signed PDF, the CSV of its rows, and each request's CSR (PEM), zipped.</summary>
    public static byte[] Package(string baseName, byte[] signedPdf, byte[] csv, IEnumerable<(string Name, byte[] CsrDer)> csrs)
    {
        ArgumentNullException.ThrowIfNull(signedPdf);
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(csrs);
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, $"{baseName}.pdf", signedPdf);
            Add(zip, $"{baseName}.csv", csv);
            foreach (var (name, der) in csrs)
            {
                Add(zip, $"csr/{name}.csr", System.Text.Encoding.ASCII.GetBytes(new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", der)) + "\n"));
            }
        }

        return stream.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var output = entry.Open();
        output.Write(content);
    }

    // "O" or "L" of a subject as written by SubjectName.ToString (values with separators are quoted there).
    private static string? SubjectPart(string? subject, string label)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        try
        {
            var name = Pki.Names.SubjectName.Parse(subject);
            return label == "O" ? name.Organization : name.Locality;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Roman(int number) => number switch
    {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        5 => "V",
        6 => "VI",
        7 => "VII",
        _ => number.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>What heads a dossier's PDF.</summary>
/// <param name="AgencyName">The managing agency.</param>
/// <param name="AgencyCode">Its identifier code.</param>
/// <param name="ParentBody">Its parent body (the line above its name).</param>
/// <param name="Province">Where the document is dated.</param>
/// <param name="Date">The date.</param>
/// <param name="Title">The dossier's own title.</param>
/// <param name="Recipient">Kính gửi.</param>
/// <param name="SignatureAnchor">The head's title line, below which the signature goes.</param>
public sealed record DossierHeading(
    string AgencyName, string AgencyCode, string? ParentBody, string? Province, DateOnly Date, string Title, string Recipient, string SignatureAnchor);

/// <summary>The phases of rendering a dossier, as its progress reports them.</summary>
public static class RenderPhases
{
    /// <summary>Gathering the dossier's requests and their certificates (done of the requests).</summary>
    public const string Collect = "collect";

    /// <summary>Drawing the rows (done of all rows).</summary>
    public const string Draw = "draw";

    /// <summary>Writing the PDF file.</summary>
    public const string Write = "write";

    /// <summary>Reading the PDF already stored (sent or signed dossiers are not rendered again).</summary>
    public const string Stored = "stored";
}
