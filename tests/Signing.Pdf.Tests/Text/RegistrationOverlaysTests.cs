using Signing.Pdf.Drawing;
using Signing.Pdf.Text;
using Signing.Testing;

namespace Signing.Pdf.Tests.Text;

public sealed class RegistrationOverlaysTests
{
    private static async Task<byte[]> DraftAsync()
    {
        using var pdf = new MemoryStream();
        await OutgoingDocument.WriteAsync(new OutgoingDocumentContent("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "/QĐ-UBND", "Hòa Bình",
            "Quyết định", "Về việc ban hành Quy chế sử dụng chữ ký số", ["Điều 1. Ban hành kèm theo Quyết định này Quy chế sử dụng chữ ký số."],
            "Chủ tịch", ["Như Điều 1", "Lưu: VT"]), pdf);
        return pdf.ToArray();
    }

    [Fact]
    public async Task FindLines_OfADecree30Draft_GivesItsNumberAndDateLines()
    {
        var (number, date) = RegistrationOverlays.FindLines(new MemoryStream(await DraftAsync()));

        Assert.NotNull(number);
        Assert.StartsWith("Số:", number.Text, StringComparison.Ordinal);
        Assert.NotNull(date);
        Assert.StartsWith("Hòa Bình, ngày", date.Text, StringComparison.Ordinal);
        Assert.Equal(number.Baseline, date.Baseline, 1);
    }

    [Fact]
    public async Task Find_CoversBothLines_WithTheNumberAndTheDate()
    {
        var overlays = RegistrationOverlays.Find(new MemoryStream(await DraftAsync()), "15/QĐ-UBND", new DateOnly(2026, 12, 6));

        Assert.Equal(["Số: 15/QĐ-UBND", "Hòa Bình, " + RegistrationOverlays.DateLine(new DateOnly(2026, 12, 6))], overlays.Select(o => o.Text));
    }

    [Fact]
    public void FindLines_OfADocumentWithoutThem_IsNull()
        => Assert.Equal((null, null), RegistrationOverlays.FindLines(new MemoryStream(ClassicPdfBuilder.SimpleDocument())));
}
