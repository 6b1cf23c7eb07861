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
        var allLines = appearance.HeaderLines.Concat(appearance.TextLines).ToList();
        if (allLines.Count > MaxTextLines || allLines.Any(l => l is null || l.Length > MaxLineLength))
        {
            throw new ArgumentException($"An appearance takes at most {MaxTextLines} text lines of at most {MaxLineLength} characters", nameof(appearance));
        }

        if (!double.IsFinite(appearance.FontSize) || appearance.FontSize is < 4 or > 72)
        {
            throw new ArgumentException($"Font size {appearance.FontSize} is outside 4..72 points", nameof(appearance));
        }

        var lines = appearance.TextLines.Select(l => l.Normalize(NormalizationForm.FormC)).ToList();
        var headers = appearance.HeaderLines.Select(l => l.Normalize(NormalizationForm.FormC)).ToList();
        FontSet? font = allLines.Count > 0
            ? FontSet.Create(appearance.FontProgram is { } program ? TrueTypeFont.Shared(program) : DefaultFont(), appearance.FallbackFontPaths, [.. headers, .. lines])
            : null;
        var textHeight = TextBlockHeight(lines.Count, appearance.FontSize);
        var headerHeight = TextBlockHeight(headers.Count, appearance.FontSize);
        var rectangle = appearance.Rectangle ?? TopRight(writer, page, lines, font, appearance.FontSize, textHeight);
        if (appearance.Rectangle is { } given)
        {
            EnsureOnPage(given, PageBox(writer, page));
        }

        var (width, height) = (rectangle.Width, rectangle.Height);

        var content = new StringBuilder();
        var xObjects = new PdfDictionary();
        var imageArea = ImageArea(width, height, textHeight, headerHeight);
        PdfRectangle? signatureBox = null;
        if (appearance.SignatureImagePng is { } signaturePng)
        {
            var image = EncodedImage.Of(signaturePng);
            signatureBox = Fit(image.Width, image.Height, imageArea);
            xObjects["Sig"] = AddImage(writer, image);
            Draw(content, "Sig", signatureBox.Value);
        }

        if (appearance.SealImagePng is { } sealPng)
        {
            var image = EncodedImage.Of(sealPng);
            var box = signatureBox is { } under ? Fit(image.Width, image.Height, PdfRectangle.SealOver(under)) : Fit(image.Width, image.Height, imageArea);
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
            content.Append("BT 0 g\n");
            DrawLines(content, font, headers, height, width, appearance);
            DrawLines(content, font, lines, textHeight, width, appearance);
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

    /// <summary>
    /// Where the signature image of <paramref name="appearance"/> lands on the page: the box it is fitted into between
    /// the header and the text lines, in page space. Null when the appearance has no rectangle or no signature image.
    /// </summary>
    public static PdfRectangle? SignatureImageBox(SignatureAppearance appearance)
    {
        if (appearance.Rectangle is not { } rectangle || appearance.SignatureImagePng is not { } png)
        {
            return null;
        }

        var (imageWidth, imageHeight) = PngImage.ReadSize(png);
        var area = ImageArea(rectangle.Width, rectangle.Height,
            TextBlockHeight(appearance.TextLines.Count, appearance.FontSize), TextBlockHeight(appearance.HeaderLines.Count, appearance.FontSize));
        var box = Fit(imageWidth, imageHeight, area);
        return new PdfRectangle(rectangle.X + box.X, rectangle.Y + box.Y, box.Width, box.Height);
    }

    private static PdfRectangle ImageArea(double width, double height, double textHeight, double headerHeight)
        => new(0, textHeight, width, Math.Max(0, height - textHeight - headerHeight));

    // Lines top-down from `top`, one line height apart, left-aligned after the padding or centred in the width.
    private static void DrawLines(StringBuilder content, FontSet font, List<string> lines, double top, double width, SignatureAppearance appearance)
    {
        var size = appearance.FontSize;
        for (var i = 0; i < lines.Count; i++)
        {
            var y = top - Padding - size - (i * LineHeight(size));
            var x = appearance.CenterText ? Math.Max(Padding, (width - (font.MeasureWidth(lines[i]) * size / 1000)) / 2) : Padding;
            content.Append(Invariant($"1 0 0 1 {x:0.##} {y:0.##} Tm\n"));
            foreach (var (fontIndex, hex) in font.Encode(lines[i]))
            {
                content.Append(Invariant($"/F{fontIndex + 1} {size:0.##} Tf <{hex}> Tj\n"));
            }
        }
    }

    // A point of slack: rectangles computed from page sizes in other units round a little past the edge.
    private static void EnsureOnPage(PdfRectangle rectangle, PdfRectangle box)
    {
        const double Slack = 1;
        if (rectangle.X < box.X - Slack || rectangle.Y < box.Y - Slack
            || rectangle.X + rectangle.Width > box.X + box.Width + Slack || rectangle.Y + rectangle.Height > box.Y + box.Height + Slack)
        {
            throw new SignatureOutsidePageException(Invariant(
                $"The signature rectangle {rectangle.X:0.##},{rectangle.Y:0.##},{rectangle.Width:0.##},{rectangle.Height:0.##} (x,y,width,height) does not lie within the page, which spans {box.X:0.##},{box.Y:0.##} to {box.X + box.Width:0.##},{box.Y + box.Height:0.##}"));
        }
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

    private static PdfRectangle Fit(int imageWidth, int imageHeight, PdfRectangle area)
    {
        if (area.Width <= 0 || area.Height <= 0)
        {
            throw new ArgumentException("The rectangle leaves no room for the image between the text lines");
        }

        var scale = Math.Min(area.Width / imageWidth, area.Height / imageHeight);
        var (w, h) = (imageWidth * scale, imageHeight * scale);
        return new PdfRectangle(area.X + ((area.Width - w) / 2), area.Y + ((area.Height - h) / 2), w, h);
    }

    private static void Draw(StringBuilder content, string name, PdfRectangle box) =>
        content.Append(Invariant($"q {box.Width:0.###} 0 0 {box.Height:0.###} {box.X:0.###} {box.Y:0.###} cm /{name} Do Q\n"));

    private static PdfReference AddImage(PdfIncrementalWriter writer, EncodedImage image)
    {
        var dictionary = ImageDictionary(image.Width, image.Height, "DeviceRGB");
        if (image.DeflatedAlpha is { } alpha)
        {
            dictionary["SMask"] = writer.AddObject(new PdfStream(ImageDictionary(image.Width, image.Height, "DeviceGray"), alpha));
        }

        return writer.AddObject(new PdfStream(dictionary, image.DeflatedRgb));
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

    /// <summary>
    /// A form XObject of <paramref name="width"/> × <paramref name="height"/> painted white and holding one line of black
    /// text, its baseline a fifth of the height up: the appearance of a <see cref="PdfTextOverlay"/>.
    /// </summary>
    public static PdfReference BuildTextBox(PdfIncrementalWriter writer, string text, double width, double height, double fontSize)
    {
        if (text.Length is 0 or > MaxLineLength || !double.IsFinite(fontSize) || fontSize is < 4 or > 72)
        {
            throw new ArgumentException($"A text overlay holds 1 to {MaxLineLength} characters at 4 to 72 points", nameof(text));
        }

        var line = text.Normalize(NormalizationForm.FormC);
        var font = FontSet.Create(DefaultFont(), DocumentFonts.FallbackPaths, [line]);
        var content = new StringBuilder();
        content.Append(Invariant($"q 1 g 0 0 {width:0.##} {height:0.##} re f Q\nBT 0 g\n"));
        content.Append(Invariant($"1 0 0 1 {Padding:0.##} {height / 5:0.##} Tm\n"));
        foreach (var (fontIndex, hex) in font.Encode(line))
        {
            content.Append(Invariant($"/F{fontIndex + 1} {fontSize:0.##} Tf <{hex}> Tj\n"));
        }

        content.Append("ET\n");
        var form = new PdfDictionary
        {
            ["Type"] = new PdfName("XObject"),
            ["Subtype"] = new PdfName("Form"),
            ["BBox"] = new PdfArray(new PdfInteger(0), new PdfInteger(0), new PdfReal(width), new PdfReal(height)),
            ["Resources"] = new PdfDictionary { ["Font"] = font.AddTo(writer) },
        };
        return writer.AddObject(new PdfStream(form, Encoding.ASCII.GetBytes(content.ToString())));
    }

    private static TrueTypeFont DefaultFont()
    {
        try
        {
            return TrueTypeFont.SharedFile(SignatureAppearance.DefaultFontPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"The appearance font {SignatureAppearance.DefaultFontPath} is missing: install Debian's fonts-liberation, or pass SignatureAppearance.FontProgram", e);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
