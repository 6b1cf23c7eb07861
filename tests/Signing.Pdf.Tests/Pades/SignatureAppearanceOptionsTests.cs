using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Pdf.Text;
using Signing.Testing;

namespace Signing.Pdf.Tests.Pades;

/// <summary>The options the CLI and the API share: what each means, and which option a bad value is blamed on.</summary>
public sealed class SignatureAppearanceOptionsTests
{
    private static readonly DateTimeOffset Time = new(2025, 7, 1, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void NoOptions_IsInvisible_AndTheDocumentIsNotRead()
    {
        var options = new SignatureAppearanceOptions();

        Assert.True(options.IsEmpty);
        Assert.Null(options.Resolve(new UnreadableStream(), Time, "Nguyễn Văn An"));
    }

    [Fact]
    public void Rect_WithoutLines_ShowsTheSignerAndTheTimeInVietnam_AnEmptyLineShowsNoText()
    {
        var document = new MemoryStream(ClassicPdfBuilder.SimpleDocument(pages: 2));

        var appearance = new SignatureAppearanceOptions { Rect = "10,20,160,70", Page = 2 }.Resolve(document, Time, "Nguyễn Văn An");

        Assert.NotNull(appearance);
        Assert.Equal(2, appearance.PageNumber);
        Assert.Equal(new PdfRectangle(10, 20, 160, 70), appearance.Rectangle);
        Assert.Equal(["Nguyễn Văn An", "2025-07-01T10:04:05+07:00"], appearance.TextLines);
        Assert.Equal(0, document.Position);

        var silent = new SignatureAppearanceOptions { Rect = "10,20,160,70", Lines = [""] }.Resolve(document, Time, "Nguyễn Văn An");
        Assert.Empty(silent!.TextLines);
        var unnamed = new SignatureAppearanceOptions { Rect = "10,20,160,70" }.Resolve(document, Time, signerName: null);
        Assert.Empty(unnamed!.TextLines);
    }

    [Fact]
    public void Anchor_IsPlacedWherePdfTextAnchorSays_WithRectGivingTheSize()
    {
        var pdf = PdfIncrementalWriterTests.Input("libreoffice");

        var appearance = new SignatureAppearanceOptions { Anchor = "chủ tịch", Rect = "0,0,120,50", Lines = ["Nguyễn Văn An"] }
            .Resolve(new MemoryStream(pdf), Time, "ignored");

        var expected = PdfTextAnchor.FindSignatureRectangle(new MemoryStream(pdf), "CHỦ TỊCH", 120, 50);
        Assert.Equal(expected!.Value.Page, appearance!.PageNumber);
        Assert.Equal(expected.Value.Rectangle, appearance.Rectangle);
        Assert.Equal(["Nguyễn Văn An"], appearance.TextLines);
    }

    [Fact]
    public void Stamp_IsTheCopyStamp_WithOrWithoutAnAgency()
    {
        var document = new MemoryStream(ClassicPdfBuilder.SimpleDocument());

        var full = new SignatureAppearanceOptions { Stamp = "Bản sao điện tử|Ủy ban nhân dân xã Hòa Bình" }.Resolve(document, Time, "x");
        var formOnly = new SignatureAppearanceOptions { Stamp = "Số: 12/UBND-VP" }.Resolve(document, Time, "x");

        Assert.Null(full!.Rectangle);
        Assert.Equal(["Bản sao điện tử", "Ủy ban nhân dân xã Hòa Bình", "2025-07-01T10:04:05+07:00"], full.TextLines);
        Assert.Equal(["Số: 12/UBND-VP", "2025-07-01T10:04:05+07:00"], formOnly!.TextLines);
    }

    public static TheoryData<string, SignatureAppearanceOptions, string> Refused => new()
    {
        { "rect", new() { Rect = "1,2,3" }, "not a rectangle" },
        { "page", new() { Rect = "1,2,3,4", Page = 0 }, "numbered from 1" },
        { "page", new() { Rect = "1,2,3,4", Page = 3 }, "has 1 page(s)" },
        { "page", new() { Anchor = "Page", Page = 3 }, "does not exist" },
        { "page", new() { Page = 1 }, "needs rect or anchor" },
        { "anchor", new() { Anchor = "CHỦ TỊCH" }, "No line of the document contains 'CHỦ TỊCH'" },
        { "anchor", new() { Anchor = " " }, "empty" },
        { "image", new() { ImagePng = [1, 2, 3] }, "not a usable PNG" },
        { "image", new() { ImagePng = TestImages.Signature }, "needs rect or anchor" },
        { "seal", new() { SealPng = [1, 2, 3], Rect = "1,2,30,40" }, "not a usable PNG" },
        { "rect", new() { SealPng = TestImages.Seal, Rect = "1,2,30,28" }, "no room for the image" },
        { "line", new() { Lines = ["a"] }, "needs rect or anchor" },
        { "line", new() { Rect = "1,2,3,4", Lines = [.. Enumerable.Repeat("a", 17)] }, "at most 16" },
        { "line", new() { Rect = "1,2,3,4", Lines = [new string('a', 501)] }, "longer than 500" },
        { "stamp", new() { Stamp = "a|b", Anchor = "x", ImagePng = TestImages.Seal }, "cannot be combined with anchor, image" },
        { "stamp", new() { Stamp = "|agency" }, "copy form" },
        { "page", new() { Stamp = "a", Page = 2 }, "page 1" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void UnusableValue_IsBlamedOnItsOption(string option, SignatureAppearanceOptions options, string messagePart)
    {
        var error = Assert.Throws<AppearanceOptionException>(
            () => options.Resolve(new MemoryStream(ClassicPdfBuilder.SimpleDocument()), Time, "Nguyễn Văn An"));

        Assert.Equal(option, error.Option);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Fails any read or seek, to show a path never touches the document.</summary>
    private sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("read");

        public override long Seek(long offset, SeekOrigin loc) => throw new InvalidOperationException("seek");

        public override long Position { get => throw new InvalidOperationException("position"); set => throw new InvalidOperationException("position"); }
    }
}
