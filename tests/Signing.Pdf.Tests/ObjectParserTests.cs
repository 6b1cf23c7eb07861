using System.Text;
using Signing.Pdf.Internal;

namespace Signing.Pdf.Tests;

public class ObjectParserTests
{
    private static PdfObject Parse(string text)
    {
        var input = new ByteInput(new MemoryStream(Encoding.Latin1.GetBytes(text)));
        return new ObjectParser(input, PdfReaderLimits.Default, "test").ParseObject();
    }

    [Fact]
    public void LiteralString_WithEscapesAndNesting_Decodes()
    {
        var value = Assert.IsType<PdfString>(Parse(@"(a\(b\) (nested (twice)) \\ \n\101\0532 line\
join)"));
        Assert.Equal("a(b) (nested (twice)) \\ \nA+2 linejoin", Encoding.Latin1.GetString(value.Bytes));
        Assert.False(value.IsHex);
    }

    [Fact]
    public void HexString_WithOddDigitsAndWhitespace_PadsWithZero()
    {
        var value = Assert.IsType<PdfString>(Parse("<48 65 6C6C 6F7>"));
        Assert.Equal([0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x70], value.Bytes);
        Assert.True(value.IsHex);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LongHexString_WithScatteredWhitespaceAndOddRuns_DecodesLikeDigitByDigit(bool inPlace)
    {
        // Longer than the 16 KiB read buffer, so runs of digits also straddle buffer boundaries when not read in place.
        var random = new Random(4711);
        var text = new StringBuilder("<");
        var digits = new List<int>();
        while (digits.Count < 70_000)
        {
            var run = random.Next(0, 5) == 0 ? random.Next(1, 4) : random.Next(1, 3000);
            for (var i = 0; i < run; i++)
            {
                var nibble = random.Next(16);
                digits.Add(nibble);
                text.Append(random.Next(2) == 0 ? "0123456789abcdef"[nibble] : "0123456789ABCDEF"[nibble]);
            }

            text.Append(" \r\n\t\f"[random.Next(5)]);
        }

        text.Append("7>");
        digits.Add(7);
        var expected = new byte[(digits.Count + 1) / 2];
        for (var i = 0; i < digits.Count; i++)
        {
            expected[i / 2] |= (byte)(i % 2 == 0 ? digits[i] << 4 : digits[i]);
        }

        var bytes = Encoding.Latin1.GetBytes(text.ToString());
        var stream = inPlace ? PdfBytes.Open(bytes) : new MemoryStream(bytes);
        var value = Assert.IsType<PdfString>(new ObjectParser(new ByteInput(stream), PdfReaderLimits.Default, "test").ParseObject());
        Assert.Equal(expected, value.Bytes);
    }

    [Fact]
    public void HexString_WithANonHexCharacterAfterALongRun_IsRefused()
    {
        Assert.Throws<PdfFormatException>(() => Parse("<" + new string('a', 5000) + "g0>"));
    }

    [Fact]
    public void Name_WithHashEscapes_Decodes()
    {
        Assert.Equal("A B#C", Assert.IsType<PdfName>(Parse("/A#20B#23C")).Value);
    }

    [Fact]
    public void Numbers_ParseAsIntegerOrReal()
    {
        Assert.Equal(-17, Assert.IsType<PdfInteger>(Parse("-17")).Value);
        Assert.Equal(0.5, Assert.IsType<PdfReal>(Parse(".5")).Value);
        Assert.Equal(-3.25, Assert.IsType<PdfReal>(Parse("-3.25")).Value);
    }

    [Fact]
    public void Dictionary_WithReferencesArraysAndKeywords_Parses()
    {
        var dictionary = Assert.IsType<PdfDictionary>(Parse("<< /Kids [1 0 R 2 0 R 3] /Flag true /Off false /Gone null /Nested << /X 12 5 R >> >>"));
        var kids = Assert.IsType<PdfArray>(dictionary["Kids"]);
        Assert.Equal(new PdfReference(1, 0), kids[0]);
        Assert.Equal(new PdfReference(2, 0), kids[1]);
        Assert.Equal(3, Assert.IsType<PdfInteger>(kids[2]).Value);
        Assert.Same(PdfBoolean.True, dictionary["Flag"]);
        Assert.Null(dictionary["Gone"]);
        Assert.Equal(new PdfReference(12, 5), Assert.IsType<PdfDictionary>(dictionary["Nested"])["X"]);
    }

    [Fact]
    public void DeepNesting_Throws_PdfFormatException()
    {
        var error = Assert.Throws<PdfFormatException>(() => Parse(new string('[', 100_000)));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(unterminated")]
    [InlineData("<< /A 1 ")]
    [InlineData("<4G>")]
    [InlineData("<< 1 2 >>")]
    [InlineData("bogus")]
    public void BadSyntax_Throws_PdfFormatException_WithOffset(string text)
    {
        var error = Assert.Throws<PdfFormatException>(() => Parse(text));
        Assert.Contains("byte offset", error.Message, StringComparison.Ordinal);
    }
}
