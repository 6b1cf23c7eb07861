using System.Globalization;
using System.Text;

namespace Signing.Pdf.Drawing;

/// <summary>The main font and its fallbacks; each character is drawn with the first font that has it.</summary>
internal sealed class FontSet
{
    private const int MaxFallbacks = 8;
    private readonly List<FontResource> fonts;

    private FontSet(List<FontResource> fonts) => this.fonts = fonts;

    public static FontSet Create(TrueTypeFont main, IReadOnlyList<string> fallbackPaths, IReadOnlyList<string> lines)
    {
        var fonts = new List<FontResource> { new(main) };
        foreach (var path in fallbackPaths.Take(MaxFallbacks).Where(File.Exists))
        {
            fonts.Add(new FontResource(TrueTypeFont.SharedFile(path)));
        }

        var set = new FontSet(fonts);
        foreach (var line in lines)
        {
            foreach (var rune in line.EnumerateRunes())
            {
                var (font, glyph) = set.Find(rune.Value);
                fonts[font].Use(glyph, rune.ToString());
            }
        }

        return set;
    }

    /// <summary>The line as runs of hex glyph ids, each with the index of the font that draws it.</summary>
    public List<(int FontIndex, string Hex)> Encode(string line)
    {
        var runs = new List<(int, StringBuilder)>();
        foreach (var rune in line.EnumerateRunes())
        {
            var (font, glyph) = Find(rune.Value);
            if (runs.Count == 0 || runs[^1].Item1 != font)
            {
                runs.Add((font, new StringBuilder()));
            }

            runs[^1].Item2.Append(glyph.ToString("X4", CultureInfo.InvariantCulture));
        }

        return [.. runs.Select(r => (r.Item1, r.Item2.ToString()))];
    }

    public double MeasureWidth(string line) => line.EnumerateRunes().Sum(r =>
    {
        var (font, glyph) = Find(r.Value);
        return fonts[font].Font.Width(glyph);
    });

    /// <summary>A /Font resource dictionary naming the fonts actually used /F1, /F2, ….</summary>
    public PdfDictionary AddTo(PdfIncrementalWriter writer)
    {
        var dictionary = new PdfDictionary();
        for (var i = 0; i < fonts.Count; i++)
        {
            if (fonts[i].IsUsed)
            {
                dictionary["F" + (i + 1).ToString(CultureInfo.InvariantCulture)] = fonts[i].AddTo(writer);
            }
        }

        return dictionary;
    }

    private (int Font, int Glyph) Find(int codePoint)
    {
        for (var i = 0; i < fonts.Count; i++)
        {
            if (fonts[i].Font.TryGlyphFor(codePoint, out var glyph))
            {
                return (i, glyph);
            }
        }

        throw new FontFormatException(
            $"No appearance font has a glyph for U+{codePoint:X4} '{char.ConvertFromUtf32(codePoint)}' (tried {string.Join(", ", fonts.Select(f => f.Font.PostScriptName))})");
    }
}

/// <summary>A Type0 / CIDFontType2 font (Identity-H, CIDToGIDMap /Identity) holding a subset of a TrueType font, with /W and /ToUnicode.</summary>
internal sealed class FontResource
{
    private readonly TrueTypeFont font;
    private readonly SortedDictionary<int, string> unicodeByGlyph = [];

    public FontResource(TrueTypeFont font) => this.font = font;

    public TrueTypeFont Font => font;

    public bool IsUsed => unicodeByGlyph.Count > 0;

    public void Use(int glyph, string unicode) => unicodeByGlyph.TryAdd(glyph, unicode);

    public PdfReference AddTo(PdfIncrementalWriter writer)
    {
        // ISO 32000-1 §9.6.4: a subset font's name starts with six uppercase letters and '+'; derive them from the glyph set.
        var tag = new string([.. System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', unicodeByGlyph.Keys))).Take(6).Select(b => (char)('A' + (b % 26)))]);
        var name = new PdfName(tag + "+" + font.PostScriptName);
        var (programLength, deflated) = font.DeflatedSubset(unicodeByGlyph.Keys);
        var fontFile = writer.AddObject(new PdfStream(new PdfDictionary { ["Length1"] = new PdfInteger(programLength), ["Filter"] = new PdfName("FlateDecode") }, deflated));
        var scale = 1000.0 / font.UnitsPerEm;
        var descriptor = writer.AddObject(new PdfDictionary
        {
            ["Type"] = new PdfName("FontDescriptor"),
            ["FontName"] = name,
            ["Flags"] = new PdfInteger(34),
            ["FontBBox"] = new PdfArray(font.BoundingBox.Select(v => (PdfObject)new PdfInteger((long)Math.Round(v * scale)))),
            ["ItalicAngle"] = new PdfInteger(0),
            ["Ascent"] = new PdfInteger((long)Math.Round(font.Ascent * scale)),
            ["Descent"] = new PdfInteger((long)Math.Round(font.Descent * scale)),
            ["CapHeight"] = new PdfInteger((long)Math.Round(font.Ascent * scale)),
            ["StemV"] = new PdfInteger(80),
            ["FontFile2"] = fontFile,
        });
        var widths = new PdfArray();
        foreach (var glyph in unicodeByGlyph.Keys)
        {
            widths.Items.Add(new PdfInteger(glyph));
            widths.Items.Add(new PdfArray(new PdfInteger((long)Math.Round(font.Width(glyph)))));
        }

        var cidFont = writer.AddObject(new PdfDictionary
        {
            ["Type"] = new PdfName("Font"),
            ["Subtype"] = new PdfName("CIDFontType2"),
            ["BaseFont"] = name,
            ["CIDSystemInfo"] = new PdfDictionary { ["Registry"] = PdfString.FromText("Adobe"), ["Ordering"] = PdfString.FromText("Identity"), ["Supplement"] = new PdfInteger(0) },
            ["FontDescriptor"] = descriptor,
            ["W"] = widths,
            ["CIDToGIDMap"] = new PdfName("Identity"),
        });
        var toUnicode = writer.AddObject(new PdfStream(new PdfDictionary(), Encoding.ASCII.GetBytes(ToUnicodeCMap())));
        return writer.AddObject(new PdfDictionary
        {
            ["Type"] = new PdfName("Font"),
            ["Subtype"] = new PdfName("Type0"),
            ["BaseFont"] = name,
            ["Encoding"] = new PdfName("Identity-H"),
            ["DescendantFonts"] = new PdfArray(cidFont),
            ["ToUnicode"] = toUnicode,
        });
    }

    /// <summary>A ToUnicode CMap (Adobe TN 5411) mapping each used glyph id to its UTF-16BE text.</summary>
    private string ToUnicodeCMap()
    {
        var text = new StringBuilder();
        text.Append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
        text.Append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n");
        text.Append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        foreach (var chunk in unicodeByGlyph.Chunk(100))
        {
            text.Append(CultureInfo.InvariantCulture, $"{chunk.Length} beginbfchar\n");
            foreach (var (glyph, unicode) in chunk)
            {
                text.Append(CultureInfo.InvariantCulture, $"<{glyph:X4}> <{Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(unicode))}>\n");
            }

            text.Append("endbfchar\n");
        }

        text.Append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        return text.ToString();
    }
}
