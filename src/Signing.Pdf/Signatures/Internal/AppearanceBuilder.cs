using System.Globalization;
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
            dictionary["SMask"] = writer.AddObject(new PdfStream(ImageDictionary(image.Width, image.Height, "DeviceGray"), FlateEncoding.Deflate(alpha)));
        }

        return writer.AddObject(new PdfStream(dictionary, FlateEncoding.Deflate(image.Rgb)));
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
