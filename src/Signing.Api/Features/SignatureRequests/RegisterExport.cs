using System.Globalization;
using System.Text;
using Signing.Pdf.Drawing;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>
/// One row of the register of outgoing documents (sổ đăng ký văn bản đi), with the columns of Decree 30/2020
/// Appendix IV: number and symbol, date, type and abstract, signer, recipients, units and people who keep copies,
/// number of copies, and notes.
/// </summary>
/// <param name="Number">Số (the registered number).</param>
/// <param name="Symbol">Ký hiệu.</param>
/// <param name="IssuedDate">Ngày tháng văn bản (yyyy-MM-dd).</param>
/// <param name="DocumentType">Tên loại văn bản.</param>
/// <param name="Title">Trích yếu nội dung.</param>
/// <param name="Signer">Người ký.</param>
/// <param name="Recipients">Nơi nhận văn bản (the submitting system or person).</param>
/// <param name="Keeper">Đơn vị, người nhận bản lưu (the clerk who sealed it).</param>
/// <param name="Copies">Số lượng bản (electronic copies made).</param>
/// <param name="Notes">Ghi chú: state, urgency and secrecy.</param>
/// <param name="Series">The numbering series.</param>
/// <param name="RequestId">The request.</param>
public sealed record RegisterEntry(
    long Number, string Symbol, string IssuedDate, string DocumentType, string Title, string Signer, string Recipients, string Keeper, int Copies,
    string Notes, string Series, string RequestId);

/// <summary>The register as JSON rows, CSV (UTF-8 with a BOM, for spreadsheets) and a printable A4 landscape PDF.</summary>
public static class RegisterExport
{
    private static readonly string[] Columns =
        ["Số", "Ký hiệu", "Ngày tháng", "Tên loại", "Trích yếu nội dung", "Người ký", "Nơi nhận", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ghi chú"];

    private static readonly double[] Widths = [34, 80, 62, 62, 190, 90, 80, 90, 40, 62];

    /// <summary>The rows of registered requests (their history tells who signed and sealed).</summary>
    public static IReadOnlyList<RegisterEntry> Entries(IReadOnlyList<(SignatureRequest Request, IReadOnlyList<RequestStep> Steps, int Copies)> registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return [.. registered.Select(item =>
        {
            var (request, steps, copies) = item;
            var signer = string.Join(", ", steps.Where(s => s.Kind == StepKinds.Sign && s.ActorName is not null).Select(s => s.ActorName));
            var keeper = steps.FirstOrDefault(s => s.Kind == StepKinds.Seal)?.ActorName ?? "";
            var notes = string.Join("; ", new[]
            {
                request.State == RequestStates.Completed ? null : request.State,
                request.Urgency == Urgencies.Normal ? null : Urgencies.Words(request.Urgency),
                request.Secrecy == Secrecies.None ? null : "Mật",
            }.Where(n => n is not null));
            return new RegisterEntry(request.Number ?? 0, request.Symbol ?? "", request.IssuedDate ?? "", request.DocumentType, request.Title, signer,
                $"{request.SubmitterKind}:{request.SubmitterName}", keeper, copies, notes, request.Series, request.Id);
        })];
    }

    /// <summary>The register as CSV with the Appendix IV headers.</summary>
    public static byte[] Csv(IReadOnlyList<RegisterEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', Columns.Select(Quote)));
        foreach (var e in entries)
        {
            csv.AppendLine(string.Join(',', new[]
            {
                e.Number.ToString("00", CultureInfo.InvariantCulture), e.Symbol, e.IssuedDate, e.DocumentType, e.Title, e.Signer, e.Recipients, e.Keeper,
                e.Copies.ToString(CultureInfo.InvariantCulture), e.Notes,
            }.Select(Quote)));
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>The register as a printable PDF: A4 landscape, a ruled table with the Appendix IV columns, rows wrapped.</summary>
    public static async Task<byte[]> PdfAsync(IReadOnlyList<RegisterEntry> entries, string agencyName, int year, string? series, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        const double margin = 30;
        const double size = 8.5;
        const double leading = size * 1.25;
        var builder = new PdfDocumentBuilder();
        PdfDocumentBuilder.PdfPageBuilder? page = null;
        var y = 0.0;
        void NewPage()
        {
            page = builder.AddPage(PdfDocumentBuilder.A4Height, PdfDocumentBuilder.A4Width);
            y = page.Height - margin;
            page.Text(margin, y, agencyName.ToUpperInvariant(), 10, bold: true);
            page.Text(page.Width / 2, y - 22, $"SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM {year}{(series == "secret" ? " (MẬT)" : "")}", 13, bold: true, align: TextAlign.Center);
            y -= 40;
            Row(Columns, bold: true);
        }

        void Row(IReadOnlyList<string> cells, bool bold)
        {
            var wrapped = cells.Select((cell, i) => builder.Wrap(cell, Widths[i] - 4, size, bold)).ToList();
            var height = (wrapped.Max(lines => lines.Count) * leading) + 4;
            if (page is null || y - height < margin)
            {
                NewPage();
            }

            var x = margin;
            for (var i = 0; i < cells.Count; i++)
            {
                page!.Box(new PdfRectangle(x, y - height, Widths[i], height));
                for (var line = 0; line < wrapped[i].Count; line++)
                {
                    page.Text(x + 2, y - 2 - size - (line * leading), wrapped[i][line], size, bold);
                }

                x += Widths[i];
            }

            y -= height;
        }

        NewPage();
        foreach (var e in entries)
        {
            ct.ThrowIfCancellationRequested();
            Row([e.Number.ToString("00", CultureInfo.InvariantCulture), e.Symbol, e.IssuedDate, e.DocumentType, e.Title, e.Signer, e.Recipients, e.Keeper,
                e.Copies.ToString(CultureInfo.InvariantCulture), e.Notes], bold: false);
        }

        using var output = new MemoryStream();
        await builder.WriteAsync(output, ct);
        return output.ToArray();
    }

    private static string Quote(string value) => value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
