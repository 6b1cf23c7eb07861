using System.Globalization;
using System.IO.Compression;
using System.Text;
using Signing.Pdf.Drawing;

namespace Signing.Pdf.Signatures.Internal;

/// <summary>Draws a <see cref="SignatureAppearance"/> as a form XObject (/AP /N) with its images and an embedded font subset.</summary>
internal static class AppearanceBuilder
{
    private const double Margin = 18;
    private const double Padding = 2;
    private const int MaxTextLines = SignatureAppearanceOptions.MaxLines;
    private const int MaxLineLength = SignatureAppearanceOptions.MaxLineLength;

    /// <summary>The height of the text block under the images: lines of 1.2 × the font size, padded above and below.</summary>
    public static double TextBlockHeight(int lineCount, double fontSize) => lineCount == 0 ? 0 : (lineCount * LineHeight(fontSize)) + (2 * Padding);

    private static double LineHeight(double fontSize) => fontSize * 1.2;

    /// <summary>The widget rectangle (page space) and the appearance stream.</summary>
    public static (PdfRectangle Rectangle, PdfReference Appearance) Build(PdfIncrementalWriter writer, PdfDictionary page, SignatureAppearance appearance)
    {
        if (appearance.TextLines.Count > MaxTextLines || appearance.TextLines.Any(l => l is null || l.Length > MaxLineLength))
        {
            throw new ArgumentException($"An appearance takes at most {MaxTextLines} text lines of at most {MaxLineLength} characters", nameof(appearance));
        }

        if (!double.IsFinite(appearance.FontSize) || appearance.FontSize is < 4 or > 72)
        {
            throw new ArgumentException($"Font size {appearance.FontSize} is outside 4..72 points", nameof(appearance));
        }

        var lines = appearance.TextLines.Select(l => l.Normalize(NormalizationForm.FormC)).ToList();
        FontSet? font = lines.Count > 0 ? FontSet.Create(appearance.FontProgram ?? ReadDefaultFont(), appearance.FallbackFontPaths, lines) : null;
        var textHeight = TextBlockHeight(lines.Count, appearance.FontSize);
        var rectangle = appearance.Rectangle ?? TopRight(writer, page, lines, font, appearance.FontSize, textHeight);
        var (width, height) = (rectangle.Width, rectangle.Height);

        var content = new StringBuilder();
        var xObjects = new PdfDictionary();
        var imageArea = new PdfRectangle(0, textHeight, width, Math.Max(0, height - textHeight));
        PdfRectangle? signatureBox = null;
        if (appearance.SignatureImagePng is { } signaturePng)
        {
            var image = PngImage.Decode(signaturePng);
            signatureBox = Fit(image, imageArea);
            xObjects["Sig"] = AddImage(writer, image);
            Draw(content, "Sig", signatureBox.Value);
        }

        if (appearance.SealImagePng is { } sealPng)
        {
            var image = PngImage.Decode(sealPng);
            var box = signatureBox is { } under ? Fit(image, PdfRectangle.SealOver(under)) : Fit(image, imageArea);
            xObjects["Seal"] = AddImage(writer, image);
            Draw(content, "Seal", box);
        }

        var resources = new PdfDictionary();
        if (xObjects.Count > 0)
        {
            resources["XObject"] = xObjects;
        }

        if (font is not null)
        {
            resources["Font"] = font.AddTo(writer);
            var y = textHeight - Padding - appearance.FontSize;
            content.Append("BT 0 g\n");
            content.Append(Invariant($"{Padding:0.##} {y:0.##} Td\n"));
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0)
                {
                    content.Append(Invariant($"0 {-LineHeight(appearance.FontSize):0.##} Td\n"));
                }

                foreach (var (fontIndex, hex) in font.Encode(lines[i]))
                {
                    content.Append(Invariant($"/F{fontIndex + 1} {appearance.FontSize:0.##} Tf <{hex}> Tj\n"));
                }
            }

            content.Append("ET\n");
        }

        var form = new PdfDictionary
        {
            ["Type"] = new PdfName("XObject"),
            ["Subtype"] = new PdfName("Form"),
            ["BBox"] = new PdfArray(new PdfInteger(0), new PdfInteger(0), new PdfReal(width), new PdfReal(height)),
            ["Resources"] = resources,
        };
        return (rectangle, writer.AddObject(new PdfStream(form, Encoding.ASCII.GetBytes(content.ToString()))));
    }

    /// <summary>The visible page box: /CropBox, else /MediaBox, either possibly inherited from /Pages nodes.</summary>
    public static PdfRectangle PageBox(PdfIncrementalWriter writer, PdfDictionary page)
    {
        var node = page;
        PdfArray? crop = null;
        for (var depth = 0; depth < writer.Reader.Limits.MaxNestingDepth && node is not null; depth++)
        {
            crop ??= writer.Resolve(node["CropBox"]) as PdfArray;
            if (writer.Resolve(node["MediaBox"]) is PdfArray media)
            {
                var box = crop ?? media;
                var numbers = box.Items.Select(i => writer.Resolve(i) switch
                {
                    PdfInteger integer => integer.Value,
                    PdfReal real => real.Value,
                    _ => throw new PdfFormatException("A page box holds a non-number"),
                }).ToArray();
                if (numbers.Length != 4)
                {
                    throw new PdfFormatException("A page box does not hold four numbers");
                }

                return new PdfRectangle(Math.Min(numbers[0], numbers[2]), Math.Min(numbers[1], numbers[3]), Math.Abs(numbers[2] - numbers[0]), Math.Abs(numbers[3] - numbers[1]));
            }

            node = writer.Resolve(node["Parent"]) as PdfDictionary;
        }

        throw new PdfFormatException("The page has no /MediaBox, neither its own nor inherited");
    }

    private static PdfRectangle TopRight(PdfIncrementalWriter writer, PdfDictionary page, List<string> lines, FontSet? font, double fontSize, double textHeight)
    {
        if (font is null)
        {
            throw new ArgumentException("An appearance without a rectangle is a text stamp and needs text lines");
        }

        var box = PageBox(writer, page);
        var width = lines.Max(l => font.MeasureWidth(l) * fontSize / 1000) + (2 * Padding);
        return new PdfRectangle(box.X + box.Width - Margin - width, box.Y + box.Height - Margin - textHeight, width, textHeight);
    }

    private static PdfRectangle Fit(PngImage image, PdfRectangle area)
    {
        if (area.Width <= 0 || area.Height <= 0)
        {
            throw new ArgumentException("The rectangle leaves no room for the image above the text lines");
        }

        var scale = Math.Min(area.Width / image.Width, area.Height / image.Height);
        var (w, h) = (image.Width * scale, image.Height * scale);
        return new PdfRectangle(area.X + ((area.Width - w) / 2), area.Y + ((area.Height - h) / 2), w, h);
    }

    private static void Draw(StringBuilder content, string name, PdfRectangle box) =>
        content.Append(Invariant($"q {box.Width:0.###} 0 0 {box.Height:0.###} {box.X:0.###} {box.Y:0.###} cm /{name} Do Q\n"));

    private static PdfReference AddImage(PdfIncrementalWriter writer, PngImage image)
    {
        var dictionary = ImageDictionary(image.Width, image.Height, "DeviceRGB");
        if (image.Alpha is { } alpha)
        {
            dictionary["SMask"] = writer.AddObject(new PdfStream(ImageDictionary(image.Width, image.Height, "DeviceGray"), Deflate(alpha)));
        }

        return writer.AddObject(new PdfStream(dictionary, Deflate(image.Rgb)));
    }

    private static PdfDictionary ImageDictionary(int width, int height, string colorSpace) => new()
    {
        ["Type"] = new PdfName("XObject"),
        ["Subtype"] = new PdfName("Image"),
        ["Width"] = new PdfInteger(width),
        ["Height"] = new PdfInteger(height),
        ["ColorSpace"] = new PdfName(colorSpace),
        ["BitsPerComponent"] = new PdfInteger(8),
        ["Filter"] = new PdfName("FlateDecode"),
    };

    internal static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var deflater = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] ReadDefaultFont()
    {
        try
        {
            return File.ReadAllBytes(SignatureAppearance.DefaultFontPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"The appearance font {SignatureAppearance.DefaultFontPath} is missing: install Debian's fonts-liberation, or pass SignatureAppearance.FontProgram", e);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The main font and its fallbacks; each character is drawn with the first font that has it.</summary>
internal sealed class FontSet
{
    private const int MaxFallbacks = 8;
    private readonly List<FontResource> fonts;

    private FontSet(List<FontResource> fonts) => this.fonts = fonts;

    public static FontSet Create(byte[] mainProgram, IReadOnlyList<string> fallbackPaths, IReadOnlyList<string> lines)
    {
        var fonts = new List<FontResource> { new(TrueTypeFont.Load(mainProgram)) };
        foreach (var path in fallbackPaths.Take(MaxFallbacks).Where(File.Exists))
        {
            fonts.Add(new FontResource(TrueTypeFont.Load(File.ReadAllBytes(path))));
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
        var program = font.Subset(unicodeByGlyph.Keys);
        var fontFile = writer.AddObject(new PdfStream(new PdfDictionary { ["Length1"] = new PdfInteger(program.Length), ["Filter"] = new PdfName("FlateDecode") }, AppearanceBuilder.Deflate(program)));
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
