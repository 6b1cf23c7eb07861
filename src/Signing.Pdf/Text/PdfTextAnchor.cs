using System.Globalization;
using System.Text;
using Signing.Pdf.Drawing;
using Signing.Pdf.Internal;

namespace Signing.Pdf.Text;

/// <summary>A line of text found on a page, in default user space units (points).</summary>
/// <param name="Page">1-based page number.</param>
/// <param name="Text">The line's text as extracted.</param>
/// <param name="X">Left edge of the line.</param>
/// <param name="Baseline">The line's baseline.</param>
/// <param name="Width">Width of the line (from the fonts' glyph widths where given).</param>
/// <param name="FontSize">The effective font size.</param>
public sealed record PdfTextLine(int Page, string Text, double X, double Baseline, double Width, double FontSize);

/// <summary>
/// Places a visible signature by a text anchor, e.g. the signer's title line ("CHỦ TỊCH"): Decree 30 puts the
/// handwritten signature centred between the title and the name, so the rectangle goes centred just below the
/// anchor's line. Text is read from the page content streams (not form XObjects), decoded through each font's
/// /ToUnicode map, or as single bytes for simple fonts without one.
/// </summary>
public static class PdfTextAnchor
{
    /// <summary>Every text line of a page, top to bottom.</summary>
    /// <param name="pdf">The document (seekable).</param>
    /// <param name="page">1-based page number.</param>
    /// <param name="limits">Reader limits; defaults apply when null.</param>
    /// <exception cref="PdfFormatException">The document or the page's content is malformed.</exception>
    public static IReadOnlyList<PdfTextLine> ReadLines(Stream pdf, int page, PdfReaderLimits? limits = null)
    {
        var reader = PdfReader.Open(pdf, limits);
        var pages = reader.GetPageReferences();
        if (page < 1 || page > pages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(page), $"The document has {pages.Count} page(s); page {page} does not exist.");
        }

        return new ContentTextExtractor(reader, page, reader.ResolveDictionary(pages[page - 1], $"page {page}")).Lines();
    }

    /// <summary>
    /// The rectangle for a signature of <paramref name="width"/> × <paramref name="height"/> centred below the line that
    /// is <paramref name="anchor"/> (case-insensitive), else the first line containing it, searching
    /// <paramref name="page"/> or, when null, every page from the last; null when no line contains it.
    /// </summary>
    public static (int Page, PdfRectangle Rectangle)? FindSignatureRectangle(
        Stream pdf, string anchor, double width, double height, int? page = null, PdfReaderLimits? limits = null)
        => FindLine(pdf, anchor, page, limits) is { } line ? (line.Page, RectangleBelow(line, width, height)) : null;

    /// <summary>
    /// The line that is <paramref name="anchor"/> (case-insensitive), else the first line containing it, on
    /// <paramref name="page"/> or, when null, on the last page that has one; null when no line contains it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="page"/> is not a page of the document.</exception>
    /// <exception cref="PdfFormatException">The document or a page's content is malformed.</exception>
    public static PdfTextLine? FindLine(Stream pdf, string anchor, int? page = null, PdfReaderLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(anchor);
        var reader = PdfReader.Open(pdf, limits);
        var pages = reader.GetPageReferences();
        var wanted = Normalize(anchor);
        var candidates = page is { } only ? [only] : Enumerable.Range(1, pages.Count).Reverse();
        foreach (var number in candidates)
        {
            if (number < 1 || number > pages.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(page), $"The document has {pages.Count} page(s); page {number} does not exist.");
            }

            var pageDictionary = reader.ResolveDictionary(pages[number - 1], $"page {number}");
            // A line that is the anchor and nothing else (the title over a signature block) wins over a line that merely
            // contains it, such as "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …" opening the body of a decision.
            var lines = new ContentTextExtractor(reader, number, pageDictionary).Lines();
            var line = lines.FirstOrDefault(l => Normalize(l.Text) == wanted)
                ?? lines.FirstOrDefault(l => Normalize(l.Text).Contains(wanted, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>
    /// The rectangle of <paramref name="width"/> × <paramref name="height"/> centred on <paramref name="line"/> and
    /// hanging from just under its baseline, where Decree 30 puts the handwritten signature below the title.
    /// </summary>
    public static PdfRectangle RectangleBelow(PdfTextLine line, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(line);
        var centre = line.X + (line.Width / 2);
        var top = line.Baseline - (line.FontSize * 0.4);
        return new PdfRectangle(Math.Max(0, centre - (width / 2)), Math.Max(0, top - height), width, height);
    }

    private static string Normalize(string text)
        => string.Join(' ', text.Normalize(NormalizationForm.FormC).ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>
/// Walks one page's content streams, the form XObjects they draw and the normal appearances of its visible annotations,
/// and records where text is shown. Content is inflated while it is parsed, never concatenated in memory, and every byte
/// and operator is spent from the document's <see cref="PdfResourceBudget"/>.
/// </summary>
internal sealed class ContentTextExtractor
{
    private const int MaxOperations = 2_000_000;
    private const int MaxRuns = 200_000;
    private const int MaxFormDepth = 8;
    private const double ColumnGapEms = 3;

    // Annotation flags (ISO 32000-1 §12.5.3) whose annotations are not shown: Invisible, Hidden and NoView.
    private const long NotShownFlags = 1 | 2 | 32;
    private readonly PdfReader reader;
    private readonly int page;
    private readonly PdfDictionary pageDictionary;
    private readonly Dictionary<PdfDictionary, FontDecoder?> fonts = new(ReferenceEqualityComparer.Instance);
    private readonly List<(string Text, double X, double Y, double Width, double Size)> runs = [];
    private readonly HashSet<int> formsOpen = [];
    private int operations;

    public ContentTextExtractor(PdfReader reader, int page, PdfDictionary pageDictionary)
    {
        this.reader = reader;
        this.page = page;
        this.pageDictionary = pageDictionary;
    }

    public IReadOnlyList<PdfTextLine> Lines()
    {
        Walk();
        var lines = new List<PdfTextLine>();
        foreach (var group in runs.GroupBy(r => Math.Round(r.Y / Math.Max(1, r.Size * 0.5))).OrderByDescending(g => g.Key))
        {
            // A gap of several ems on one baseline separates columns (Decree 30's header puts "Số: …" left of the date
            // line, and "Nơi nhận:" left of the title), which are separate lines to anyone reading the page.
            var column = new List<(string Text, double X, double Y, double Width, double Size)>();
            var end = double.NegativeInfinity;
            foreach (var run in group.OrderBy(r => r.X))
            {
                if (column.Count > 0 && run.X - end > run.Size * ColumnGapEms)
                {
                    lines.Add(Join(column));
                    column.Clear();
                }

                column.Add(run);
                end = Math.Max(column.Count == 1 ? run.X : end, run.X + run.Width);
            }

            lines.Add(Join(column));
        }

        return lines;
    }

    private PdfTextLine Join(List<(string Text, double X, double Y, double Width, double Size)> column)
    {
        var text = new StringBuilder();
        var end = column[0].X;
        foreach (var run in column)
        {
            if (text.Length > 0 && run.X - end > run.Size * 0.2)
            {
                text.Append(' ');
            }

            text.Append(run.Text);
            end = Math.Max(end, run.X + run.Width);
        }

        return new PdfTextLine(page, text.ToString().Trim(), column[0].X, column[0].Y, end - column[0].X, column.Max(r => r.Size));
    }

    private void Walk()
    {
        var resources = Inherited("Resources") as PdfDictionary;
        var contents = reader.Resolve(pageDictionary["Contents"]);
        var streams = contents switch
        {
            PdfStream single => [single],
            PdfArray array => array.Items.Select(item => reader.Resolve(item)).OfType<PdfStream>().ToList(),
            _ => [],
        };

        // Content streams of one page are one sequence of operators, split anywhere: they are read as one stream.
        using (var content = new ContentSequence(reader, streams, $"content of page {page}"))
        {
            WalkContent(content, resources, Identity(), new TextState(), 0, $"content of page {page}");
        }

        WalkAnnotations(resources);
    }

    private void WalkAnnotations(PdfDictionary? pageResources)
    {
        if (reader.Resolve(pageDictionary["Annots"]) is not PdfArray annotations)
        {
            return;
        }

        foreach (var item in annotations.Items)
        {
            if (reader.Resolve(item) is not PdfDictionary annotation
                || (annotation["F"] is PdfInteger flags && (flags.Value & NotShownFlags) != 0)
                || reader.Resolve(annotation["Rect"]) is not PdfArray { Count: 4 } rect
                || reader.Resolve(annotation["AP"]) is not PdfDictionary appearances)
            {
                continue;
            }

            // /N is a form, or a dictionary of forms by state (check boxes, radio buttons) chosen by /AS.
            var normal = appearances["N"];
            var form = reader.Resolve(normal) is PdfDictionary states && annotation["AS"] is PdfName state
                ? states[state.Value]
                : normal;
            if (reader.Resolve(form) is not PdfStream appearance)
            {
                continue;
            }

            // ISO 32000-1 §12.5.5: the appearance's bounding box, transformed by its /Matrix, is fitted to /Rect.
            var matrix = MatrixOf(appearance.Dictionary);
            var box = Box(reader.Resolve(appearance.Dictionary["BBox"]) as PdfArray);
            var target = Box(rect);
            if (box is null || target is null)
            {
                continue;
            }

            var (x0, y0, x1, y1) = Transformed(box.Value, matrix);
            if (x1 - x0 < 1e-6 || y1 - y0 < 1e-6)
            {
                continue;
            }

            var sx = (target.Value.X1 - target.Value.X0) / (x1 - x0);
            var sy = (target.Value.Y1 - target.Value.Y0) / (y1 - y0);
            double[] fit = [sx, 0, 0, sy, target.Value.X0 - (x0 * sx), target.Value.Y0 - (y0 * sy)];
            WalkForm(form as PdfReference, appearance, pageResources, fit, new TextState(), 0);
        }
    }

    private void WalkForm(PdfReference? reference, PdfStream form, PdfDictionary? inherited, double[] ctm, TextState outer, int depth)
    {
        if (depth >= MaxFormDepth || (reference is not null && !formsOpen.Add(reference.ObjectNumber)))
        {
            // Deeper nesting is no real document's, and a form that draws itself would never end.
            return;
        }

        try
        {
            var resources = reader.Resolve(form.Dictionary["Resources"]) as PdfDictionary ?? inherited;
            var context = reference is null ? $"appearance on page {page}" : $"form XObject {reference.ObjectNumber} on page {page}";
            using var content = new ContentSequence(reader, [form], context);
            WalkContent(content, resources, Multiply(MatrixOf(form.Dictionary), ctm), new TextState { Font = outer.Font, Size = outer.Size }, depth + 1, context);
        }
        finally
        {
            if (reference is not null)
            {
                formsOpen.Remove(reference.ObjectNumber);
            }
        }
    }

    private void WalkContent(Stream content, PdfDictionary? resources, double[] ctm, TextState state, int depth, string context)
    {
        var fontResources = reader.Resolve(resources?["Font"]) as PdfDictionary;
        var input = ByteInput.Forward(content);
        var parser = new ObjectParser(input, reader.Limits, context, reader.Budget, references: false);
        var operands = new List<PdfObject>();
        var stack = new Stack<double[]>();
        for (; operations < MaxOperations && runs.Count < MaxRuns; operations++)
        {
            parser.SkipWhitespace();
            var next = input.Peek();
            if (next == -1)
            {
                return;
            }

            if (next is '/' or '(' or '<' or '[' or '+' or '-' or '.' or (>= '0' and <= '9'))
            {
                operands.Add(parser.ParseObject());
                continue;
            }

            var op = parser.ReadKeyword();
            parser.CountOperation();
            if (op.Length == 0)
            {
                input.Read();
                operands.Clear();
                continue;
            }

            switch (op)
            {
                case "q": stack.Push(ctm); break;
                case "Q": ctm = stack.Count > 0 ? stack.Pop() : ctm; break;
                case "cm" when operands.Count == 6: ctm = Multiply(Numbers(operands), ctm); break;
                case "BT": state.Matrix = Identity(); state.LineMatrix = Identity(); break;
                case "Tf" when operands.Count == 2:
                    state.Font = operands[0] is PdfName name ? Font(fontResources, name.Value) : null;
                    state.Size = Number(operands[1]);
                    break;
                case "TL" when operands.Count == 1: state.Leading = Number(operands[0]); break;
                case "Td" when operands.Count == 2: state.MoveLine(Number(operands[0]), Number(operands[1])); break;
                case "TD" when operands.Count == 2:
                    state.Leading = -Number(operands[1]);
                    state.MoveLine(Number(operands[0]), Number(operands[1]));
                    break;
                case "Tm" when operands.Count == 6: state.Matrix = Numbers(operands); state.LineMatrix = state.Matrix; break;
                case "T*": state.MoveLine(0, -state.Leading); break;
                case "Tj" when operands.Count == 1: Show(state, ctm, operands[0]); break;
                case "'" when operands.Count == 1: state.MoveLine(0, -state.Leading); Show(state, ctm, operands[0]); break;
                case "\"" when operands.Count == 3: state.MoveLine(0, -state.Leading); Show(state, ctm, operands[2]); break;
                case "TJ" when operands.Count == 1 && operands[0] is PdfArray parts:
                    foreach (var part in parts.Items)
                    {
                        if (part is PdfString)
                        {
                            Show(state, ctm, part);
                        }
                        else
                        {
                            state.Advance(-Number(part) / 1000 * state.Size);
                        }
                    }

                    break;
                case "Do" when operands.Count == 1 && operands[0] is PdfName xobjectName:
                    DrawXObject(resources, xobjectName.Value, ctm, state, depth);
                    break;
                case "BI":
                    SkipInlineImage(input);
                    break;
            }

            operands.Clear();
        }
    }

    private void DrawXObject(PdfDictionary? resources, string name, double[] ctm, TextState state, int depth)
    {
        var entry = (reader.Resolve(resources?["XObject"]) as PdfDictionary)?[name];
        if (reader.Resolve(entry) is PdfStream { Dictionary: var dictionary } form && (dictionary["Subtype"] as PdfName)?.Value == "Form")
        {
            WalkForm(entry as PdfReference, form, resources, ctm, state, depth);
        }
    }

    private static double[] MatrixOf(PdfDictionary dictionary)
        => dictionary["Matrix"] is PdfArray { Count: 6 } matrix ? [.. matrix.Items.Select(Number)] : Identity();

    private static (double X0, double Y0, double X1, double Y1)? Box(PdfArray? array)
    {
        if (array is not { Count: 4 })
        {
            return null;
        }

        var (a, b, c, d) = (Number(array[0]), Number(array[1]), Number(array[2]), Number(array[3]));
        return (Math.Min(a, c), Math.Min(b, d), Math.Max(a, c), Math.Max(b, d));
    }

    private static (double X0, double Y0, double X1, double Y1) Transformed((double X0, double Y0, double X1, double Y1) box, double[] m)
    {
        (double X, double Y)[] corners = [(box.X0, box.Y0), (box.X1, box.Y0), (box.X0, box.Y1), (box.X1, box.Y1)];
        var xs = corners.Select(p => (m[0] * p.X) + (m[2] * p.Y) + m[4]).ToArray();
        var ys = corners.Select(p => (m[1] * p.X) + (m[3] * p.Y) + m[5]).ToArray();
        return (xs.Min(), ys.Min(), xs.Max(), ys.Max());
    }

    private void Show(TextState state, double[] ctm, PdfObject operand)
    {
        if (operand is not PdfString text || state.Font is null)
        {
            return;
        }

        var (decoded, advance) = state.Font.Decode(text.Bytes);
        var renderMatrix = Multiply(state.Matrix, ctm);
        var scale = Math.Sqrt((renderMatrix[0] * renderMatrix[0]) + (renderMatrix[1] * renderMatrix[1]));
        var width = advance / 1000 * state.Size;
        runs.Add((decoded, renderMatrix[4], renderMatrix[5], width * scale, state.Size * scale));
        state.Advance(width);
    }

    private FontDecoder? Font(PdfDictionary? fontResources, string name)
    {
        // By dictionary, not by name: a form's /F1 may be another font than the page's.
        if (reader.Resolve(fontResources?[name]) is not PdfDictionary font)
        {
            return null;
        }

        if (!fonts.TryGetValue(font, out var decoder))
        {
            decoder = FontDecoder.For(reader, font);
            fonts[font] = decoder;
        }

        return decoder;
    }

    private PdfObject? Inherited(string key)
    {
        PdfDictionary? node = pageDictionary;
        for (var depth = 0; node is not null && depth < 32; depth++)
        {
            if (reader.Resolve(node[key]) is { } value)
            {
                return value;
            }

            node = reader.Resolve(node["Parent"]) as PdfDictionary;
        }

        return null;
    }

    private static void SkipInlineImage(ByteInput input)
    {
        // Inline image data is binary: skip to the "EI" that stands alone after it.
        var previous = -1;
        while (input.Peek() != -1)
        {
            var c = input.Read();
            if (c == 'E' && input.Peek() == 'I' && ObjectParser.IsWhitespace(previous))
            {
                input.Read();
                if (input.Peek() == -1 || ObjectParser.IsWhitespace(input.Peek()))
                {
                    return;
                }
            }

            previous = c;
        }
    }

    private static double Number(PdfObject value) => value switch
    {
        PdfInteger integer => integer.Value,
        PdfReal real => real.Value,
        _ => 0,
    };

    private static double[] Numbers(List<PdfObject> operands) => [.. operands.Select(Number)];

    private static double[] Identity() => [1, 0, 0, 1, 0, 0];

    private static double[] Multiply(double[] m, double[] n) =>
    [
        (m[0] * n[0]) + (m[1] * n[2]), (m[0] * n[1]) + (m[1] * n[3]),
        (m[2] * n[0]) + (m[3] * n[2]), (m[2] * n[1]) + (m[3] * n[3]),
        (m[4] * n[0]) + (m[5] * n[2]) + n[4], (m[4] * n[1]) + (m[5] * n[3]) + n[5],
    ];

    private sealed class TextState
    {
        public double[] Matrix { get; set; } = Identity();

        public double[] LineMatrix { get; set; } = Identity();

        public FontDecoder? Font { get; set; }

        public double Size { get; set; } = 12;

        public double Leading { get; set; }

        public void MoveLine(double tx, double ty)
        {
            LineMatrix = Multiply([1, 0, 0, 1, tx, ty], LineMatrix);
            Matrix = LineMatrix;
        }

        public void Advance(double tx) => Matrix = Multiply([1, 0, 0, 1, tx, 0], Matrix);
    }
}

/// <summary>Turns a font's codes into text and widths (1/1000 em): /ToUnicode when given, else single bytes.</summary>
internal sealed class FontDecoder
{
    private const int MaxMappings = 65_536;
    private readonly Dictionary<int, string> unicode = [];
    private readonly Dictionary<int, double> widths = [];
    private readonly double defaultWidth;
    private readonly int codeBytes;

    private FontDecoder(int codeBytes, double defaultWidth)
    {
        this.codeBytes = codeBytes;
        this.defaultWidth = defaultWidth;
    }

    public static FontDecoder For(PdfReader reader, PdfDictionary font)
    {
        var composite = (font["Subtype"] as PdfName)?.Value == "Type0";
        var decoder = new FontDecoder(composite ? 2 : 1, composite ? 1000 : 500);
        if (composite && reader.Resolve(font["DescendantFonts"]) is PdfArray descendants
            && reader.Resolve(descendants.Items.FirstOrDefault()) is PdfDictionary cid)
        {
            decoder.ReadCidWidths(reader, cid);
        }
        else if (!composite)
        {
            decoder.ReadSimpleWidths(reader, font);
        }

        if (reader.Resolve(font["ToUnicode"]) is PdfStream toUnicode)
        {
            decoder.ReadToUnicode(reader.DecodeStream(toUnicode));
        }

        return decoder;
    }

    public (string Text, double Advance) Decode(byte[] bytes)
    {
        var text = new StringBuilder();
        double advance = 0;
        for (var i = 0; i + codeBytes <= bytes.Length; i += codeBytes)
        {
            var code = codeBytes == 2 ? (bytes[i] << 8) | bytes[i + 1] : bytes[i];
            text.Append(unicode.TryGetValue(code, out var mapped) ? mapped : codeBytes == 1 ? ((char)code).ToString() : "");
            advance += widths.TryGetValue(code, out var width) ? width : defaultWidth;
        }

        return (text.ToString(), advance);
    }

    private void ReadSimpleWidths(PdfReader reader, PdfDictionary font)
    {
        if (font["FirstChar"] is PdfInteger first && reader.Resolve(font["Widths"]) is PdfArray list)
        {
            for (var i = 0; i < list.Count && i < 256; i++)
            {
                widths[(int)first.Value + i] = reader.Resolve(list[i]) is PdfInteger w ? w.Value : (reader.Resolve(list[i]) as PdfReal)?.Value ?? 0;
            }
        }
    }

    private void ReadCidWidths(PdfReader reader, PdfDictionary cid)
    {
        // Identity-H: codes are CIDs. /W is [c [w1 w2 ...] c_first c_last w ...].
        if (reader.Resolve(cid["W"]) is not PdfArray w)
        {
            return;
        }

        for (var i = 0; i + 1 < w.Count && widths.Count < MaxMappings; i++)
        {
            if (reader.Resolve(w[i]) is not PdfInteger start)
            {
                continue;
            }

            if (reader.Resolve(w[i + 1]) is PdfArray each)
            {
                for (var j = 0; j < each.Count && widths.Count < MaxMappings; j++)
                {
                    widths[(int)start.Value + j] = Value(reader.Resolve(each[j]));
                }

                i++;
            }
            else if (i + 2 < w.Count && reader.Resolve(w[i + 1]) is PdfInteger last)
            {
                var width = Value(reader.Resolve(w[i + 2]));
                for (var c = start.Value; c <= last.Value && widths.Count < MaxMappings; c++)
                {
                    widths[(int)c] = width;
                }

                i += 2;
            }
        }

        static double Value(PdfObject? o) => o is PdfInteger n ? n.Value : (o as PdfReal)?.Value ?? 0;
    }

    private void ReadToUnicode(byte[] cmap)
    {
        // bfchar: <code> <unicode>; bfrange: <lo> <hi> <unicode> or <lo> <hi> [<u1> <u2> ...]. Hex only, as CMaps are.
        var text = Encoding.Latin1.GetString(cmap);
        var tokens = Tokenize(text);
        for (var i = 0; i < tokens.Count && unicode.Count < MaxMappings; i++)
        {
            if (tokens[i] == "beginbfchar")
            {
                for (i++; i + 1 < tokens.Count && tokens[i] != "endbfchar"; i += 2)
                {
                    unicode[Code(tokens[i])] = Utf16(tokens[i + 1]);
                }
            }
            else if (tokens[i] == "beginbfrange")
            {
                for (i++; i + 2 < tokens.Count && tokens[i] != "endbfrange";)
                {
                    var low = Code(tokens[i]);
                    var high = Math.Min(Code(tokens[i + 1]), low + MaxMappings);
                    if (tokens[i + 2] == "[")
                    {
                        var j = i + 3;
                        for (var c = low; c <= high && j < tokens.Count && tokens[j] != "]"; c++, j++)
                        {
                            unicode[c] = Utf16(tokens[j]);
                        }

                        while (j < tokens.Count && tokens[j] != "]")
                        {
                            j++;
                        }

                        i = j + 1;
                    }
                    else
                    {
                        var first = Utf16(tokens[i + 2]);
                        for (var c = low; c <= high && first.Length > 0; c++)
                        {
                            unicode[c] = first[..^1] + (char)(first[^1] + (c - low));
                        }

                        i += 3;
                    }
                }
            }
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == '<')
            {
                var end = text.IndexOf('>', i + 1);
                if (end < 0)
                {
                    break;
                }

                tokens.Add(text[(i + 1)..end]);
                i = end + 1;
            }
            else if (c is '[' or ']')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && char.IsLetter(text[i]))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else
            {
                i++;
            }
        }

        return tokens;
    }

    private static int Code(string hex) => int.TryParse(hex.Length > 8 ? hex[^8..] : hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code) ? code : -1;

    private static string Utf16(string hex)
    {
        var clean = new string([.. hex.Where(Uri.IsHexDigit)]);
        if (clean.Length % 4 != 0)
        {
            return "";
        }

        return Encoding.BigEndianUnicode.GetString(Convert.FromHexString(clean));
    }
}
