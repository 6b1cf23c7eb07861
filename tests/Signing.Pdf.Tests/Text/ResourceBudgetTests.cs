using System.Text;
using Signing.Pdf.Text;
using Signing.Pdf.Validation;
using Signing.Testing;

namespace Signing.Pdf.Tests.Text;

/// <summary>
/// One decompression and parse budget per document (or per request): a stream referred to many times, from a page's
/// /Contents, a form XObject, annotation appearances or many pages, costs each time it is read, and the reader stops
/// with <see cref="PdfResourceLimitException"/> once the total is spent.
/// </summary>
public sealed class ResourceBudgetTests
{
    private const long StreamBytes = 1024 * 1024;

    // 40 references to a 1 MiB stream need 40 MiB; the budget allows 8.
    private static readonly PdfReaderLimits Small = PdfReaderLimits.Default with { MaxDecodedBytes = 8 * StreamBytes };

    [Theory]
    [MemberData(nameof(BombPdfs.Kinds), MemberType = typeof(BombPdfs))]
    public void AnchorSearch_OverABomb_StopsAtTheDecodedBytesBudget(string kind)
    {
        var pdf = BombPdfs.Build(kind, StreamBytes);

        var error = Assert.Throws<PdfResourceLimitException>(() =>
            PdfTextAnchor.FindSignatureRectangle(new MemoryStream(pdf), "CHỦ TỊCH", 160, 70, limits: Small));

        Assert.Equal(PdfResource.DecodedBytes, error.Resource);
        Assert.Equal(8 * StreamBytes, error.Limit);
        Assert.Contains("decompressed bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABudgetSharedByOneRequest_CountsEveryReadOfTheDocument()
    {
        // Each read decodes 5 MiB; the request may decode 12 MiB in all.
        var pdf = BombPdfs.ListedOnOnePage(BombPdfs.Deflate(StreamBytes), "/Filter /FlateDecode", times: 5);
        var request = (PdfReaderLimits.Default with { MaxDecodedBytes = 12 * StreamBytes }).WithNewBudget();

        PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1, request);
        PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1, request);
        Assert.Throws<PdfResourceLimitException>(() => PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1, request));
        Assert.True(request.Budget!.DecodedBytes > 12 * StreamBytes);

        // Without a shared budget each reader starts afresh.
        var perRead = PdfReaderLimits.Default with { MaxDecodedBytes = 12 * StreamBytes };
        for (var i = 0; i < 3; i++)
        {
            Assert.Empty(PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1, perRead));
        }
    }

    [Fact]
    public void ManyOperators_StopAtTheParseBudget()
    {
        // 3 bytes per operator: the decoded-bytes budget would allow far more than the parse budget does.
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("q Q ", 500_000)));
        var pdf = BombPdfs.ListedOnOnePage(content, "", times: 1);
        var limits = PdfReaderLimits.Default with { MaxParseOperations = 100_000 };

        var error = Assert.Throws<PdfResourceLimitException>(() => PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1, limits));

        Assert.Equal(PdfResource.ParseOperations, error.Resource);
    }

    [Fact]
    public async Task Validation_OfADocumentWhoseDssIsABomb_StopsAtTheBudget_NotAFormatFailure()
    {
        var bomb = BombPdfs.Deflate(StreamBytes);
        var builder = new ClassicPdfBuilder();
        builder.Add(1, "<< /Type /Catalog /Pages 2 0 R /DSS 6 0 R >>");
        builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
        builder.Add(4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>");
        builder.Add(5, ClassicPdfBuilder.StreamBody("/Filter /FlateDecode", bomb));
        builder.Add(6, $"<< /CRLs [{string.Join(' ', Enumerable.Repeat("5 0 R", 40))}] >>");
        var pdf = builder.Build("/Root 1 0 R");

        var validator = new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = [], ReaderLimits = Small });
        await Assert.ThrowsAsync<PdfResourceLimitException>(() => validator.ValidateAsync(new MemoryStream(pdf), default));
    }

    [Fact]
    public void AnchorInAFormXObject_IsFound_WhereTheFormDrawsIt()
    {
        var builder = new ClassicPdfBuilder();
        builder.Add(1, "<< /Type /Catalog /Pages 2 0 R >>");
        builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
        builder.Add(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 126 /Widths [" + string.Join(' ', Enumerable.Repeat("500", 95)) + "] >>");
        builder.Add(4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Block 5 0 R >> >> /Contents 6 0 R >>");
        builder.Add(5, ClassicPdfBuilder.StreamBody("/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Matrix [1 0 0 1 10 20] /Resources << /Font << /F1 3 0 R >> >>",
            Encoding.ASCII.GetBytes("BT /F1 12 Tf 0 50 Td (GIAM DOC) Tj ET")));
        builder.Add(6, ClassicPdfBuilder.StreamBody("", Encoding.ASCII.GetBytes("q 1 0 0 1 300 400 cm /Block Do Q")));
        var pdf = builder.Build("/Root 1 0 R");

        var line = Assert.Single(PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1));

        Assert.Equal("GIAM DOC", line.Text);
        Assert.Equal(310, line.X, 3);
        Assert.Equal(470, line.Baseline, 3);
        Assert.NotNull(PdfTextAnchor.FindSignatureRectangle(new MemoryStream(pdf), "giam doc", 100, 50));
    }

    [Fact]
    public void AnchorInAnAnnotationAppearance_IsFound_FittedToItsRect_HiddenOnesAreNot()
    {
        var builder = new ClassicPdfBuilder();
        builder.Add(1, "<< /Type /Catalog /Pages 2 0 R >>");
        builder.Add(2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
        builder.Add(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        builder.Add(4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Annots [7 0 R 8 0 R] >>");
        builder.Add(5, ClassicPdfBuilder.StreamBody("/Type /XObject /Subtype /Form /BBox [0 0 200 20] /Resources << /Font << /F1 3 0 R >> >>",
            Encoding.ASCII.GetBytes("BT /F1 10 Tf 2 5 Td (CHU TICH) Tj ET")));
        builder.Add(6, ClassicPdfBuilder.StreamBody("", Encoding.ASCII.GetBytes("BT /F1 12 Tf 72 720 Td (Body) Tj ET")));
        // A text field's appearance drawn at twice its box's size, and a hidden copy elsewhere.
        builder.Add(7, "<< /Type /Annot /Subtype /Widget /FT /Tx /Rect [100 300 500 340] /AP << /N 5 0 R >> >>");
        builder.Add(8, "<< /Type /Annot /Subtype /Widget /FT /Tx /F 2 /Rect [100 600 300 620] /AP << /N 5 0 R >> >>");
        var pdf = builder.Build("/Root 1 0 R");

        var lines = PdfTextAnchor.ReadLines(new MemoryStream(pdf), 1);

        var title = Assert.Single(lines, l => l.Text == "CHU TICH");
        Assert.Equal(104, title.X, 3);
        Assert.Equal(310, title.Baseline, 3);
        Assert.Equal(20, title.FontSize, 3);
    }
}
