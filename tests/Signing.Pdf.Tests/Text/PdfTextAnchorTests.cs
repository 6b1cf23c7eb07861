using Signing.Pdf.Text;

namespace Signing.Pdf.Tests.Text;

public sealed class PdfTextAnchorTests
{
    private static byte[] LibreOffice() => PdfIncrementalWriterTests.Input("libreoffice");

    [Fact]
    public void ReadLines_OfALibreOfficeExport_GivesTheVietnameseLinesTopDown()
    {
        var lines = PdfTextAnchor.ReadLines(new MemoryStream(LibreOffice()), 1);

        var texts = lines.Select(l => l.Text).ToList();
        Assert.Contains("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", texts);
        Assert.Contains("CHỦ TỊCH", texts);
        var title = lines.Single(l => l.Text == "CHỦ TỊCH");
        var name = lines.Single(l => l.Text == "Nguyễn Văn An");
        Assert.True(title.Baseline > name.Baseline, "the title stands above the name");
        Assert.True(title.Width > 0 && title.FontSize > 0);
    }

    [Fact]
    public void FindSignatureRectangle_IsCentredBelowTheTitle_AboveTheName()
    {
        var found = PdfTextAnchor.FindSignatureRectangle(new MemoryStream(LibreOffice()), "chủ tịch", width: 120, height: 30);

        Assert.NotNull(found);
        var (page, rectangle) = found.Value;
        Assert.Equal(1, page);
        var lines = PdfTextAnchor.ReadLines(new MemoryStream(LibreOffice()), 1);
        var title = lines.Single(l => l.Text == "CHỦ TỊCH");
        Assert.Equal(title.X + (title.Width / 2), rectangle.X + (rectangle.Width / 2), 1);
        Assert.True(rectangle.Y + rectangle.Height < title.Baseline);
    }

    [Fact]
    public void FindLine_GivesTheAnchorsLine_AndTheRectangleHangsFromIt()
    {
        var line = PdfTextAnchor.FindLine(new MemoryStream(LibreOffice()), "chủ tịch");

        Assert.NotNull(line);
        Assert.Equal("CHỦ TỊCH", line.Text);
        Assert.Equal(1, line.Page);
        var rectangle = PdfTextAnchor.RectangleBelow(line, width: 120, height: 30);
        Assert.Equal(line.X + (line.Width / 2) - 60, rectangle.X, 6);
        Assert.Equal(line.Baseline - (line.FontSize * 0.4), rectangle.Y + rectangle.Height, 6);
        Assert.Equal((120, 30), (rectangle.Width, rectangle.Height));
        Assert.Equal((1, rectangle), PdfTextAnchor.FindSignatureRectangle(new MemoryStream(LibreOffice()), "chủ tịch", 120, 30));
    }

    [Fact]
    public void FindLine_OnAPageTheDocumentDoesNotHave_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => PdfTextAnchor.FindLine(new MemoryStream(LibreOffice()), "CHỦ TỊCH", page: 2));

    [Fact]
    public void FindSignatureRectangle_MissingAnchor_IsNull()
        => Assert.Null(PdfTextAnchor.FindSignatureRectangle(new MemoryStream(LibreOffice()), "PHÓ CHỦ TỊCH THƯỜNG TRỰC", 120, 30));

    [Theory]
    [InlineData("cairo")]
    [InlineData("classic")]
    public void ReadLines_FindsTextInOtherProducersToo(string kind)
    {
        var lines = PdfTextAnchor.ReadLines(new MemoryStream(PdfIncrementalWriterTests.Input(kind)), 1);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.False(string.IsNullOrWhiteSpace(line.Text)));
    }

    [Fact]
    public void MalformedContent_GivesPdfFormatException_NotAHang()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Malformed"), "*.pdf").Take(60))
        {
            try
            {
                PdfTextAnchor.ReadLines(new MemoryStream(File.ReadAllBytes(file)), 1);
            }
            catch (Exception exception) when (exception is PdfFormatException or ArgumentOutOfRangeException)
            {
                // Either a clear structural error or a page that does not exist; both are fine.
            }
        }
    }
}
