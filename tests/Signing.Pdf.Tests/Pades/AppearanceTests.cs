using System.Security.Cryptography;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests.Pades;

[Collection(PadesCollection.Name)]
public sealed class AppearanceTests(PadesEnvironment pki)
{
    private const string Agency = "Ủy ban nhân dân xã Hòa Bình";

    [Fact]
    public void Png_FromCairo_DecodesColourAndAlpha()
    {
        var image = PngImage.Decode(TestImages.Signature);

        Assert.Equal((200, 80), (image.Width, image.Height));
        var alpha = Assert.IsType<byte[]>(image.Alpha);
        Assert.Contains((byte)0, alpha);
        Assert.Contains((byte)255, alpha);
        var opaque = Array.IndexOf(alpha, (byte)255);
        Assert.Equal((0, 0, 255), (image.Rgb[opaque * 3], image.Rgb[(opaque * 3) + 1], image.Rgb[(opaque * 3) + 2]));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("signature")]
    [InlineData("huge")]
    [InlineData("bad-zlib")]
    public void Png_Malformed_GivesPngFormatException(string damage)
    {
        var png = (byte[])TestImages.Seal.Clone();
        switch (damage)
        {
            case "truncated":
                png = png[..(png.Length / 2)];
                break;
            case "signature":
                png[1] = (byte)'X';
                break;
            case "huge":
                // IHDR width := 0x7FFFFFFF (the chunk CRC is not checked; the dimension limit must trip first).
                png[16] = 0x7F;
                png[17] = png[18] = png[19] = 0xFF;
                break;
            default:
                var idat = IndexOf(png, "IDAT"u8);
                png[idat + 4] ^= 0xFF;
                png[idat + 5] ^= 0xFF;
                break;
        }

        Assert.Throws<PngFormatException>(() => PngImage.Decode(png));
    }

    [Fact]
    public void FontSubset_KeepsUsedGlyphs_AndIsMuchSmaller()
    {
        // Debian's DejaVu Serif has the precomposed Vietnamese letters (Liberation Serif 1.07 lacks U+1EE6 'Ủ').
        var original = File.ReadAllBytes("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf");
        var font = TrueTypeFont.Load(original);
        var used = Agency.Normalize(System.Text.NormalizationForm.FormC).EnumerateRunes().Select(r => font.GlyphFor(r.Value)).ToList();
        var subset = TrueTypeFont.Load(font.Subset(used));

        Assert.True(font.Subset(used).Length < original.Length / 4, "the subset is not much smaller than the font");
        Assert.Equal(font.GlyphCount, subset.GlyphCount);
        Assert.Equal(used.Select(g => font.Width(g)), used.Select(g => subset.Width(g)));
        var liberation = TrueTypeFont.Load(File.ReadAllBytes(SignatureAppearance.DefaultFontPath));
        Assert.True(liberation.TryGlyphFor('H', out _));
        var missing = Assert.Throws<FontFormatException>(() => font.GlyphFor(0x4E2D));
        Assert.Contains("U+4E2D", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedFonts_AreParsedOncePerProgramOrFile_AndAgainWhenTheFileChanges()
    {
        var program = File.ReadAllBytes("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf");
        Assert.Same(TrueTypeFont.Shared(program), TrueTypeFont.Shared(program));
        Assert.NotSame(TrueTypeFont.Shared(program), TrueTypeFont.Shared([.. program]));

        var directory = Directory.CreateTempSubdirectory("shared-font-");
        try
        {
            var path = Path.Combine(directory.FullName, "font.ttf");
            File.WriteAllBytes(path, program);
            var first = TrueTypeFont.SharedFile(path);
            Assert.Same(first, TrueTypeFont.SharedFile(path));

            File.Copy(SignatureAppearance.DefaultFontPath, path, overwrite: true);
            var replaced = TrueTypeFont.SharedFile(path);
            Assert.NotSame(first, replaced);
            Assert.Equal(TrueTypeFont.Load(File.ReadAllBytes(SignatureAppearance.DefaultFontPath)).PostScriptName, replaced.PostScriptName);
            Assert.NotEqual(first.PostScriptName, replaced.PostScriptName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("cairo")]
    [InlineData("qpdf-object-streams")]
    [InlineData("libreoffice")]
    public async Task ThreeSignatures_OfficialWithImage_Seal_CopyStamp_AllValid_TextExtracts(string input)
    {
        using var directory = new TempDirectory();
        var signatureRect = new PdfRectangle(330, 160, 200, 110);
        var official = await SignAsync(directory, "1-official.pdf", PdfIncrementalWriterTests.Input(input), pki.Official.Key, pki.Official.Certificate, new SignatureAppearance
        {
            PageNumber = 1,
            Rectangle = signatureRect,
            SignatureImagePng = TestImages.Signature,
            TextLines = ["Nguyễn Văn An", "Chủ tịch", SignatureAppearance.VietnamTime(DateTimeOffset.UtcNow)],
        });

        // The seal's own signature: its widget covers the left third of the official's image (the area above the text lines).
        var imageArea = new PdfRectangle(signatureRect.X, signatureRect.Y + 40, signatureRect.Width, signatureRect.Height - 40);
        var sealed_ = await SignAsync(directory, "2-seal.pdf", File.ReadAllBytes(official), pki.Seal.Key, pki.Seal.Certificate, new SignatureAppearance
        {
            Rectangle = PdfRectangle.SealOver(imageArea),
            SealImagePng = TestImages.Seal,
        });

        var stampTime = new DateTimeOffset(2026, 11, 22, 14, 5, 9, TimeSpan.FromHours(7));
        var stamped = await SignAsync(directory, "3-copy.pdf", File.ReadAllBytes(sealed_), pki.Seal.Key, pki.Seal.Certificate, SignatureAppearance.CopyStamp("Bản sao điện tử", Agency, stampTime));

        SignedPdfAssert.AllSignaturesValid(stamped, 3);
        SignedPdfAssert.QpdfClean(stamped);

        var text = ExternalTool.Run("pdftotext", "-f", "1", "-l", "1", stamped, "-");
        Assert.True(text.ExitCode == 0, text.Combined);
        Assert.Contains(Agency, text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Bản sao điện tử", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2026-11-22T14:05:09+07:00", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn An", text.StandardOutput, StringComparison.Ordinal);

        // One pixel per point: the blue stroke shows inside the official's image area, red where the seal is.
        var page = PngImage.Decode(TestImages.RenderPage(stamped, directory));
        Assert.True(CountPixels(page, imageArea, (r, g, b) => b > 200 && r < 80 && g < 80) > 20, "no blue signature stroke rendered in the image area");
        Assert.True(CountPixels(page, PdfRectangle.SealOver(imageArea), (r, g, b) => r > 200 && g < 80 && b < 80) > 20, "no red seal rendered over the signature");
    }

    [Fact]
    public async Task BadPlacementOrText_GivesClearErrors()
    {
        using var directory = new TempDirectory();
        var noPage = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SignAsync(directory, "p5.pdf", TestDocuments.FromCairo(1), pki.Official.Key, pki.Official.Certificate,
            new SignatureAppearance { PageNumber = 5, Rectangle = new PdfRectangle(10, 10, 100, 50), TextLines = ["x"] }));
        Assert.Contains("Page 5 does not exist", noPage.Message, StringComparison.Ordinal);

        var noGlyph = await Assert.ThrowsAsync<FontFormatException>(() => SignAsync(directory, "cjk.pdf", TestDocuments.FromCairo(1), pki.Official.Key, pki.Official.Certificate,
            SignatureAppearance.CopyStamp("中文", Agency, DateTimeOffset.UtcNow)));
        Assert.Contains("U+4E2D", noGlyph.Message, StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => PdfRectangle.Parse("1,2,3"));
        Assert.Throws<FormatException>(() => PdfRectangle.Parse("1,2,-3,4"));
        Assert.Equal(new PdfRectangle(1.5, 2, 30, 40), PdfRectangle.Parse("1.5, 2,30,40"));
    }

    private static int CountPixels(PngImage page, PdfRectangle area, Func<byte, byte, byte, bool> match)
    {
        var count = 0;
        for (var y = (int)area.Y; y < (int)(area.Y + area.Height); y++)
        {
            for (var x = Math.Max(0, (int)area.X); x < (int)(area.X + area.Width); x++)
            {
                var row = page.Height - 1 - y;
                var i = ((row * page.Width) + x) * 3;
                if (row >= 0 && x < page.Width && match(page.Rgb[i], page.Rgb[i + 1], page.Rgb[i + 2]))
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    private async Task<string> SignAsync(TempDirectory directory, string name, byte[] input, AsymmetricAlgorithm key, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, SignatureAppearance appearance)
    {
        var path = directory.File(name);
        await using var output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        await PadesSigner.SignAsync(new MemoryStream(input), output, key, pki.Options(PadesLevel.BaselineT, certificate, new PdfSignatureOptions { Appearance = appearance }));
        return path;
    }
}
