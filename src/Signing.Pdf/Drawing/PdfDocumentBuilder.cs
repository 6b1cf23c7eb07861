using System.Globalization;
using System.Text;

namespace Signing.Pdf.Drawing;

/// <summary>How a text run sits on its anchor point.</summary>
public enum TextAlign
{
    /// <summary>The anchor is the left end of the text.</summary>
    Left,

    /// <summary>The anchor is the middle of the text.</summary>
    Center,

    /// <summary>The anchor is the right end of the text.</summary>
    Right,
}

/// <summary>
/// Writes new PDF documents made of positioned text and ruled lines: the documents the service renders itself (GCC
/// request dossiers, the register of outgoing documents, demo documents). Text is set in Liberation Serif regular or
/// bold with DejaVu Serif for the letters they lack, embedded as subsets with /ToUnicode, so Vietnamese prints and
/// extracts correctly. Coordinates are PDF points from the page's lower-left corner.
/// </summary>
public sealed class PdfDocumentBuilder
{
    /// <summary>A4 width in points.</summary>
    public const double A4Width = 595.28;

    /// <summary>A4 height in points.</summary>
    public const double A4Height = 841.89;

    private const int MaxPages = 5_000;
    private readonly List<PdfPageBuilder> _pages = [];
    private readonly FontSet _regularMetrics;
    private readonly FontSet _boldMetrics;

    /// <summary>Creates an empty document.</summary>
    /// <exception cref="FileNotFoundException">fonts-liberation or fonts-dejavu-core is not installed.</exception>
    public PdfDocumentBuilder()
    {
        _regularMetrics = FontSet.Create(TrueTypeFont.Shared(RegularProgram.Value), DocumentFonts.FallbackPaths, []);
        _boldMetrics = FontSet.Create(TrueTypeFont.Shared(DocumentFonts.ReadSerifBold()), DocumentFonts.BoldFallbackPaths, []);
    }

    private static readonly Lazy<byte[]> RegularProgram = new(() => File.ReadAllBytes(DocumentFonts.SerifPath));

    /// <summary>The pages added so far.</summary>
    public int PageCount => _pages.Count;

    /// <summary>Adds a page (A4 portrait unless given).</summary>
    /// <exception cref="InvalidOperationException">The document already has the most pages a rendered document may have.</exception>
    public PdfPageBuilder AddPage(double width = A4Width, double height = A4Height)
    {
        if (_pages.Count >= MaxPages)
        {
            throw new InvalidOperationException($"A rendered document has at most {MaxPages} pages.");
        }

        var page = new PdfPageBuilder(this, width, height);
        _pages.Add(page);
        return page;
    }

    /// <summary>The width of <paramref name="text"/> at <paramref name="size"/> points.</summary>
    public double Measure(string text, double size, bool bold = false)
        => (bold ? _boldMetrics : _regularMetrics).MeasureWidth(text.Normalize(NormalizationForm.FormC)) * size / 1000;

    /// <summary>
    /// Splits <paramref name="text"/> into lines no wider than <paramref name="width"/> at word boundaries; a word wider
    /// than the width is cut by characters.
    /// </summary>
    public IReadOnlyList<string> Wrap(string text, double width, double size, bool bold = false)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Normalize(NormalizationForm.FormC).Split('\n'))
        {
            var current = new StringBuilder();
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : $"{current} {word}";
                if (Measure(candidate, size, bold) <= width)
                {
                    current.Clear().Append(candidate);
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }

                var piece = new StringBuilder();
                foreach (var rune in word.EnumerateRunes())
                {
                    if (piece.Length > 0 && Measure(piece + rune.ToString(), size, bold) > width)
                    {
                        lines.Add(piece.ToString());
                        piece.Clear();
                    }

                    piece.Append(rune.ToString());
                }

                current.Append(piece);
            }

            lines.Add(current.ToString());
        }

        return lines;
    }

    /// <summary>Writes the document.</summary>
    /// <exception cref="InvalidOperationException">The document has no page.</exception>
    public async Task WriteAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_pages.Count == 0)
        {
            throw new InvalidOperationException("A document needs at least one page.");
        }

        var regularText = _pages.SelectMany(page => page.Runs).Where(run => !run.Bold).Select(run => run.Text).ToList();
        var boldText = _pages.SelectMany(page => page.Runs).Where(run => run.Bold).Select(run => run.Text).ToList();
        var regular = FontSet.Create(TrueTypeFont.Shared(RegularProgram.Value), DocumentFonts.FallbackPaths, regularText);
        var bold = FontSet.Create(TrueTypeFont.Shared(DocumentFonts.ReadSerifBold()), DocumentFonts.BoldFallbackPaths, boldText);

        var reader = PdfReader.Open(PdfBytes.Open(Skeleton()));
        var writer = new PdfIncrementalWriter(reader);
        var fonts = new PdfDictionary();
        foreach (var (name, value) in regular.AddTo(writer).Entries)
        {
            fonts[name] = value;
        }

        // The bold set's /F1, /F2 … are renamed /B1, /B2 … so both sets live in one resource dictionary.
        foreach (var (name, value) in bold.AddTo(writer).Entries)
        {
            fonts[new PdfName("B" + name.Value[1..])] = value;
        }

        var pagesReference = (PdfReference)reader.Catalog["Pages"]!;
        var kids = new List<PdfObject>();
        foreach (var page in _pages)
        {
            var data = Encoding.ASCII.GetBytes(page.Content(regular, bold));
            var stream = writer.AddObject(new PdfStream(new PdfDictionary { ["Filter"] = new PdfName("FlateDecode") }, FlateEncoding.Deflate(data)));
            kids.Add(writer.AddObject(new PdfDictionary
            {
                ["Type"] = new PdfName("Page"),
                ["Parent"] = pagesReference,
                ["MediaBox"] = new PdfArray(new PdfInteger(0), new PdfInteger(0), new PdfReal(page.Width), new PdfReal(page.Height)),
                ["Resources"] = new PdfDictionary { ["Font"] = fonts },
                ["Contents"] = stream,
            }));
        }

        writer.SetObject(pagesReference, new PdfDictionary
        {
            ["Type"] = new PdfName("Pages"),
            ["Kids"] = new PdfArray(kids),
            ["Count"] = new PdfInteger(kids.Count),
        });
        await writer.WriteToAsync(output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An empty document (catalog and an empty page tree) that the rendered revision fills.</summary>
    internal static byte[] Skeleton()
    {
        var objects = new[] { "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>" };
        var pdf = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        offsets.ForEach(offset => pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n"));
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    internal sealed record TextRun(double X, double Y, string Text, double Size, bool Bold, TextAlign Align, double Width);

    internal sealed record Rule(double X1, double Y1, double X2, double Y2, double LineWidth);

    /// <summary>One page of a <see cref="PdfDocumentBuilder"/>.</summary>
    public sealed class PdfPageBuilder
    {
        private const int MaxItems = 100_000;
        private readonly PdfDocumentBuilder _document;
        private readonly List<Rule> _rules = [];

        internal PdfPageBuilder(PdfDocumentBuilder document, double width, double height)
        {
            _document = document;
            Width = width;
            Height = height;
        }

        /// <summary>The page width in points.</summary>
        public double Width { get; }

        /// <summary>The page height in points.</summary>
        public double Height { get; }

        internal List<TextRun> Runs { get; } = [];

        /// <summary>Writes <paramref name="text"/> with its baseline at <paramref name="y"/>; returns the text's width.</summary>
        public double Text(double x, double y, string text, double size, bool bold = false, TextAlign align = TextAlign.Left)
        {
            ArgumentNullException.ThrowIfNull(text);
            CheckRoom();
            var normalized = text.Normalize(NormalizationForm.FormC);
            var width = _document.Measure(normalized, size, bold);
            if (normalized.Length > 0)
            {
                Runs.Add(new TextRun(x, y, normalized, size, bold, align, width));
            }

            return width;
        }

        /// <summary>Draws a straight line.</summary>
        public void Line(double x1, double y1, double x2, double y2, double lineWidth = 0.5)
        {
            CheckRoom();
            _rules.Add(new Rule(x1, y1, x2, y2, lineWidth));
        }

        /// <summary>Draws the outline of a rectangle.</summary>
        public void Box(PdfRectangle box, double lineWidth = 0.5)
        {
            Line(box.X, box.Y, box.X + box.Width, box.Y, lineWidth);
            Line(box.X + box.Width, box.Y, box.X + box.Width, box.Y + box.Height, lineWidth);
            Line(box.X + box.Width, box.Y + box.Height, box.X, box.Y + box.Height, lineWidth);
            Line(box.X, box.Y + box.Height, box.X, box.Y, lineWidth);
        }

        internal string Content(FontSet regular, FontSet bold)
        {
            var content = new StringBuilder();
            foreach (var rule in _rules)
            {
                content.Append(CultureInfo.InvariantCulture,
                    $"{rule.LineWidth:0.##} w {rule.X1:0.##} {rule.Y1:0.##} m {rule.X2:0.##} {rule.Y2:0.##} l S\n");
            }

            content.Append("BT 0 g\n");
            foreach (var run in Runs)
            {
                var x = run.Align switch
                {
                    TextAlign.Center => run.X - (run.Width / 2),
                    TextAlign.Right => run.X - run.Width,
                    _ => run.X,
                };
                content.Append(CultureInfo.InvariantCulture, $"1 0 0 1 {x:0.##} {run.Y:0.##} Tm\n");
                var prefix = run.Bold ? "B" : "F";
                foreach (var (fontIndex, hex) in (run.Bold ? bold : regular).Encode(run.Text))
                {
                    content.Append(CultureInfo.InvariantCulture, $"/{prefix}{fontIndex + 1} {run.Size:0.##} Tf <{hex}> Tj\n");
                }
            }

            content.Append("ET\n");
            return content.ToString();
        }

        private void CheckRoom()
        {
            if (Runs.Count + _rules.Count >= MaxItems)
            {
                throw new InvalidOperationException($"A rendered page holds at most {MaxItems} text runs and lines.");
            }
        }
    }
}
