namespace Signing.Pdf.Drawing;

/// <summary>What an outgoing document (văn bản đi) says, laid out as Decree 30/2020 Appendix I shows it.</summary>
/// <param name="ParentBody">The governing body, e.g. <c>ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ</c> (may be empty).</param>
/// <param name="AgencyName">The issuing agency, e.g. <c>ỦY BAN NHÂN DÂN XÃ HÒA BÌNH</c>.</param>
/// <param name="SymbolPattern">The symbol with the number left blank, e.g. <c>/QĐ-UBND</c>.</param>
/// <param name="Place">The place of the date line, e.g. <c>Hòa Bình</c>.</param>
/// <param name="DocumentType">E.g. <c>QUYẾT ĐỊNH</c>.</param>
/// <param name="Title">The abstract (trích yếu).</param>
/// <param name="Paragraphs">The body.</param>
/// <param name="SignerTitle">The signer's position as the block shows it, e.g. <c>CHỦ TỊCH</c>.</param>
/// <param name="Recipients">The lines under <c>Nơi nhận:</c>.</param>
public sealed record OutgoingDocumentContent(
    string ParentBody, string AgencyName, string SymbolPattern, string Place, string DocumentType, string Title, IReadOnlyList<string> Paragraphs,
    string SignerTitle, IReadOnlyList<string> Recipients);

/// <summary>
/// Renders a draft outgoing document in the layout of Decree 30/2020 Appendix I: the agency and the national motto
/// side by side, the <c>Số:</c> line with the number left blank, the place and date line with day, month and year
/// blank, the type and abstract, the body, and the signer's title with room below it for the signature block; the
/// recipients on the left. The number and date are filled in when a clerk registers the document.
/// </summary>
public static class OutgoingDocument
{
    private const double Margin = 60;
    private const double Size = 13;
    private const double Leading = 17;

    // The draft's year is Vietnam's: from 00:00 to 07:00 on 1 January, UTC is still in the old one.
    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>Writes the document as PDF.</summary>
    public static async Task WriteAsync(OutgoingDocumentContent content, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage();
        var left = Margin + 90;
        var right = page.Width - Margin - 150;
        var y = page.Height - 60;
        if (content.ParentBody.Length > 0)
        {
            page.Text(left, y, content.ParentBody, 12, align: TextAlign.Center);
        }

        page.Text(right, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold: true, align: TextAlign.Center);
        y -= Leading;
        page.Text(left, y, content.AgencyName, 12, bold: true, align: TextAlign.Center);
        page.Text(right, y, "Độc lập - Tự do - Hạnh phúc", 13, bold: true, align: TextAlign.Center);
        y -= Leading * 1.6;
        page.Text(left, y, $"Số:        {content.SymbolPattern}", Size, align: TextAlign.Center);
        page.Text(right, y, $"{content.Place}, ngày      tháng      năm {DateTimeOffset.UtcNow.ToOffset(VietnamOffset).Year}", Size, align: TextAlign.Center);
        y -= Leading * 2.5;
        page.Text(page.Width / 2, y, content.DocumentType.ToUpperInvariant(), 14, bold: true, align: TextAlign.Center);
        y -= Leading;
        foreach (var line in builder.Wrap(content.Title, page.Width - (2 * Margin) - 60, 14, bold: true))
        {
            page.Text(page.Width / 2, y, line, 14, bold: true, align: TextAlign.Center);
            y -= Leading;
        }

        y -= Leading;
        foreach (var paragraph in content.Paragraphs)
        {
            foreach (var line in builder.Wrap(paragraph, page.Width - (2 * Margin), Size))
            {
                page.Text(Margin, y, line, Size);
                y -= Leading;
            }

            y -= Leading / 3;
        }

        y -= Leading;
        page.Text(Margin, y, "Nơi nhận:", 12, bold: true);
        page.Text(right, y, content.SignerTitle.ToUpperInvariant(), Size, bold: true, align: TextAlign.Center);
        foreach (var recipient in content.Recipients)
        {
            y -= Leading * 0.8;
            page.Text(Margin, y, $"- {recipient};", 11);
        }

        await builder.WriteAsync(output, cancellationToken).ConfigureAwait(false);
    }
}
