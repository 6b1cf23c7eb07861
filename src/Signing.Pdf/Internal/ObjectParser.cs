using System.Globalization;

namespace Signing.Pdf.Internal;

/// <summary>
/// Lexer and recursive-descent parser for PDF objects (ISO 32000-1 §7.2–7.3) with bounded depth and token size. Every
/// object parsed is spent from <paramref name="budget"/> when one is given. Content streams hold no indirect references,
/// so their parser (<paramref name="references"/> false) never looks ahead for "n g R" and never seeks back, which lets it
/// read a forward-only stream.
/// </summary>
internal sealed class ObjectParser(ByteInput input, PdfReaderLimits limits, string context, PdfResourceBudget? budget = null, bool references = true)
{
    private const int MaxKeywordLength = 64;

    // Objects are counted here and spent from the shared (thread-safe) budget in batches, to keep the hot path cheap.
    private const int SpendBatch = 256;
    private int unspentOperations;

    public ByteInput Input => input;

    public static bool IsWhitespace(int c) => c is 0 or 9 or 10 or 12 or 13 or 32;

    public static bool IsDelimiter(int c) => c is '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%';

    private static bool IsRegular(int c) => c >= 0 && !IsWhitespace(c) && !IsDelimiter(c);

    private static readonly System.Buffers.SearchValues<byte> Whitespace = System.Buffers.SearchValues.Create([0, 9, 10, 12, 13, 32]);
    private static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789ABCDEFabcdef"u8);
    private static readonly System.Buffers.SearchValues<byte> LineEnds = System.Buffers.SearchValues.Create([10, 13]);

    public void SkipWhitespace()
    {
        while (true)
        {
            var c = input.Peek();
            if (IsWhitespace(c))
            {
                // Span by span: content can hold megabytes of padding, and a byte-by-byte loop made a bomb of zeros slow.
                var span = input.Buffered();
                var run = span.IndexOfAnyExcept(Whitespace);
                input.Advance(run < 0 ? span.Length : run);
            }
            else if (c == '%')
            {
                // A comment runs to the end of the line; the loop is bounded by the file length.
                while (true)
                {
                    var span = input.Buffered();
                    if (span.IsEmpty)
                    {
                        break;
                    }

                    var end = span.IndexOfAny(LineEnds);
                    input.Advance(end < 0 ? span.Length : end);
                    if (end >= 0)
                    {
                        break;
                    }
                }
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Reads a keyword or other run of regular characters; empty when the next byte is a delimiter.</summary>
    public string ReadKeyword()
    {
        SkipWhitespace();
        Span<byte> token = stackalloc byte[MaxKeywordLength];
        var length = ReadToken(token);
        return Keyword(token[..length]);
    }

    /// <summary>
    /// Copies the run of regular characters at the current position into <paramref name="token"/> (at most
    /// <see cref="MaxKeywordLength"/>) and returns its length. Works on the buffered span, so a token costs no allocation.
    /// </summary>
    private int ReadToken(Span<byte> token)
    {
        var length = 0;
        while (true)
        {
            var span = input.Buffered();
            if (span.IsEmpty)
            {
                return length;
            }

            var used = 0;
            while (used < span.Length && IsRegular(span[used]))
            {
                if (length >= MaxKeywordLength)
                {
                    input.Advance(used);
                    Fail("Token longer than " + MaxKeywordLength + " characters");
                }

                token[length++] = span[used++];
            }

            input.Advance(used);
            if (used < span.Length)
            {
                return length;
            }
        }
    }

    /// <summary>The token as a string; the keywords met in every object are shared constants, not new strings.</summary>
    private static string Keyword(ReadOnlySpan<byte> token) => token switch
    {
        [] => string.Empty,
        [(byte)'R'] => "R",
        [(byte)'n'] => "n",
        [(byte)'f'] => "f",
        _ when token.SequenceEqual("obj"u8) => "obj",
        _ when token.SequenceEqual("endobj"u8) => "endobj",
        _ when token.SequenceEqual("stream"u8) => "stream",
        _ when token.SequenceEqual("endstream"u8) => "endstream",
        _ when token.SequenceEqual("null"u8) => "null",
        _ when token.SequenceEqual("true"u8) => "true",
        _ when token.SequenceEqual("false"u8) => "false",
        _ => System.Text.Encoding.Latin1.GetString(token),
    };

    public void ExpectKeyword(string keyword)
    {
        var start = input.Position;
        var actual = ReadKeyword();
        if (actual != keyword)
        {
            PdfFormatException.ThrowAt(start, $"{context}: expected '{keyword}' but found '{Printable(actual)}'");
        }
    }

    /// <summary>Reads a non-negative integer token, as used in xref sections and object headers.</summary>
    public long ReadNonNegativeInteger(string what)
    {
        SkipWhitespace();
        var start = input.Position;
        var token = ReadKeyword();
        if (token.Length == 0 || token.Length > 18 || !token.All(char.IsAsciiDigit))
        {
            PdfFormatException.ThrowAt(start, $"{context}: expected {what} (a non-negative integer) but found '{Printable(token)}'");
        }

        return long.Parse(token, CultureInfo.InvariantCulture);
    }

    /// <summary>Counts one parse operation (an object, or a content operator parsed by the caller) against the budget.</summary>
    public void CountOperation()
    {
        if (budget is not null && ++unspentOperations >= SpendBatch)
        {
            unspentOperations = 0;
            budget.SpendParseOperations(SpendBatch);
        }
    }

    public PdfObject ParseObject(int depth = 0)
    {
        CountOperation();
        if (depth > limits.MaxNestingDepth)
        {
            Fail($"{context}: arrays and dictionaries nested deeper than {limits.MaxNestingDepth}");
        }

        SkipWhitespace();
        var start = input.Position;
        var c = input.Peek();
        switch (c)
        {
            case -1:
                PdfFormatException.ThrowAt(start, context + ": unexpected end of file while reading an object");
                break;
            case '[':
                input.Read();
                return ParseArray(depth);
            case '<':
                input.Read();
                if (input.Peek() == '<')
                {
                    input.Read();
                    return ParseDictionaryBody(depth);
                }

                return ParseHexString();
            case '(':
                input.Read();
                return ParseLiteralString();
            case '/':
                input.Read();
                return ParseName();
        }

        if (c is '+' or '-' or '.' || (c >= '0' && c <= '9'))
        {
            return ParseNumberOrReference();
        }

        var keyword = ReadKeyword();
        return keyword switch
        {
            "true" => PdfBoolean.True,
            "false" => PdfBoolean.False,
            "null" => PdfNull.Instance,
            "" => FailAt<PdfObject>(start, $"{context}: unexpected character '{Printable(((char)input.Read()).ToString())}'"),
            _ => FailAt<PdfObject>(start, $"{context}: unexpected token '{Printable(keyword)}'"),
        };
    }

    private PdfArray ParseArray(int depth)
    {
        var items = new List<PdfObject>();
        while (true)
        {
            SkipWhitespace();
            var c = input.Peek();
            if (c == ']')
            {
                input.Read();
                return PdfArray.Wrap(items);
            }

            if (c == -1)
            {
                Fail(context + ": unterminated array");
            }

            items.Add(ParseObject(depth + 1));
        }
    }

    private PdfDictionary ParseDictionaryBody(int depth)
    {
        var dictionary = new PdfDictionary();
        while (true)
        {
            SkipWhitespace();
            var start = input.Position;
            var c = input.Read();
            if (c == '>')
            {
                if (input.Read() != '>')
                {
                    PdfFormatException.ThrowAt(start, context + ": expected '>>' to close a dictionary");
                }

                return dictionary;
            }

            if (c != '/')
            {
                PdfFormatException.ThrowAt(start, context + (c == -1 ? ": unterminated dictionary" : ": dictionary key is not a name"));
            }

            var key = ParseName();
            SkipWhitespace();
            if (input.Peek() == '>')
            {
                PdfFormatException.ThrowAt(input.Position, $"{context}: dictionary key {key} has no value");
            }

            var value = ParseObject(depth + 1);

            // ISO 32000-1 §7.3.7: a null value is equivalent to an absent entry.
            if (value is not PdfNull)
            {
                dictionary[key] = value;
            }
        }
    }

    /// <summary>
    /// A hexadecimal string, scanned span by span: signature /Contents strings run to tens of kilobytes and are read
    /// several times per validation, so this is one of the hottest loops of the reader.
    /// </summary>
    private PdfString ParseHexString()
    {
        // Sized from the closing '>' when it is already buffered (always, for a document read in place).
        var closing = input.Buffered().IndexOf((byte)'>');
        var bytes = new byte[closing > 0 ? (closing + 1) / 2 : 256];
        var count = 0;
        var high = -1;
        while (true)
        {
            var span = input.Buffered();
            if (span.IsEmpty)
            {
                Fail(context + ": unterminated hexadecimal string");
            }

            var used = 0;
            var closed = false;
            for (; used < span.Length; used++)
            {
                if (high < 0)
                {
                    // A signature's /Contents is tens of kilobytes of unbroken hex digits: decode such runs vectorised,
                    // leaving whitespace, the closing '>' and a lone trailing digit to the loop below.
                    var run = span[used..].IndexOfAnyExcept(HexDigits);
                    var pairs = (run < 0 ? span.Length - used : run) / 2;
                    if (pairs > 0)
                    {
                        if (count + pairs > bytes.Length)
                        {
                            CheckTokenLength(count + pairs);
                            Array.Resize(ref bytes, Math.Max(count + pairs, checked(bytes.Length * 2)));
                        }

                        Convert.FromHexString(span.Slice(used, pairs * 2), bytes.AsSpan(count, pairs), out _, out _);
                        count += pairs;
                        used += pairs * 2;
                        if (used == span.Length)
                        {
                            break;
                        }
                    }
                }

                var c = span[used];
                if (c == '>')
                {
                    closed = true;
                    used++;
                    break;
                }

                if (IsWhitespace(c))
                {
                    continue;
                }

                var nibble = HexValue(c);
                if (nibble < 0)
                {
                    input.Advance(used);
                    Fail(context + ": invalid character in hexadecimal string");
                }

                if (high < 0)
                {
                    high = nibble;
                    continue;
                }

                if (count == bytes.Length)
                {
                    CheckTokenLength(count + 1);
                    Array.Resize(ref bytes, checked(bytes.Length * 2));
                }

                bytes[count++] = (byte)((high << 4) | nibble);
                high = -1;
            }

            input.Advance(used);
            if (closed)
            {
                break;
            }
        }

        if (high >= 0)
        {
            if (count == bytes.Length)
            {
                Array.Resize(ref bytes, bytes.Length + 1);
            }

            bytes[count++] = (byte)(high << 4);
        }

        CheckTokenLength(count);
        return new PdfString(count == bytes.Length ? bytes : bytes.AsSpan(0, count).ToArray(), isHex: true);
    }

    private PdfString ParseLiteralString()
    {
        var bytes = new List<byte>();
        var nesting = 1;
        while (true)
        {
            var c = input.Read();
            switch (c)
            {
                case -1:
                    Fail(context + ": unterminated literal string");
                    break;
                case '(':
                    nesting++;
                    bytes.Add((byte)c);
                    break;
                case ')':
                    if (--nesting == 0)
                    {
                        return new PdfString([.. bytes]);
                    }

                    bytes.Add((byte)c);
                    break;
                case '\\':
                    ReadEscape(bytes);
                    break;
                case '\r':
                    // §7.3.4.2: an unescaped end-of-line in a literal string reads as a single line feed.
                    if (input.Peek() == '\n')
                    {
                        input.Read();
                    }

                    bytes.Add((byte)'\n');
                    break;
                default:
                    bytes.Add((byte)c);
                    break;
            }

            CheckTokenLength(bytes.Count);
        }
    }

    private void ReadEscape(List<byte> bytes)
    {
        var c = input.Read();
        switch (c)
        {
            case 'n': bytes.Add((byte)'\n'); break;
            case 'r': bytes.Add((byte)'\r'); break;
            case 't': bytes.Add((byte)'\t'); break;
            case 'b': bytes.Add((byte)'\b'); break;
            case 'f': bytes.Add((byte)'\f'); break;
            case '(' or ')' or '\\': bytes.Add((byte)c); break;
            case '\r':
                if (input.Peek() == '\n')
                {
                    input.Read();
                }

                break;
            case '\n':
                break;
            case >= '0' and <= '7':
                var value = c - '0';
                for (var i = 0; i < 2 && input.Peek() is >= '0' and <= '7'; i++)
                {
                    value = (value * 8) + (input.Read() - '0');
                }

                bytes.Add((byte)value);
                break;
            case -1:
                Fail(context + ": unterminated literal string");
                break;
            default:
                // §7.3.4.2: a backslash before any other character is ignored.
                bytes.Add((byte)c);
                break;
        }
    }

    private PdfName ParseName()
    {
        var span = input.Buffered();
        var simple = 0;
        while (simple < span.Length && IsRegular(span[simple]) && span[simple] != '#')
        {
            simple++;
        }

        // The common case, a name without #xx escapes that ends inside the buffer: one string, nothing else.
        if (simple < span.Length && span[simple] != '#')
        {
            CheckTokenLength(simple);
            var name = System.Text.Encoding.Latin1.GetString(span[..simple]);
            input.Advance(simple);
            return new PdfName(name);
        }

        var bytes = new List<byte>();
        while (IsRegular(input.Peek()))
        {
            var c = input.Read();
            if (c == '#')
            {
                var high = HexValue(input.Peek());
                if (high >= 0)
                {
                    input.Read();
                    var low = HexValue(input.Read());
                    if (low < 0)
                    {
                        Fail(context + ": invalid #xx escape in a name");
                    }

                    c = (high << 4) | low;
                }
            }

            bytes.Add((byte)c);
            CheckTokenLength(bytes.Count);
        }

        return new PdfName(System.Text.Encoding.Latin1.GetString([.. bytes]));
    }

    private PdfObject ParseNumberOrReference()
    {
        var start = input.Position;
        Span<byte> token = stackalloc byte[MaxKeywordLength];
        var length = ReadToken(token);
        var text = token[..length];
        if (length is > 0 and <= 18 && AllDigits(text))
        {
            var value = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            if (references && value <= int.MaxValue && TryReadReferenceTail(out var generation))
            {
                return new PdfReference((int)value, generation);
            }

            return new PdfInteger(value);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return new PdfInteger(integer);
        }

        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
        {
            return new PdfReal(real);
        }

        return FailAt<PdfObject>(start, $"{context}: malformed number '{Printable(Keyword(text))}'");
    }

    private static bool AllDigits(ReadOnlySpan<byte> token) => token.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private bool TryReadReferenceTail(out int generation)
    {
        var rewind = input.Position;
        generation = 0;
        SkipWhitespace();
        Span<byte> token = stackalloc byte[MaxKeywordLength];
        var length = ReadToken(token);
        if (length is > 0 and <= 5 && AllDigits(token[..length]))
        {
            SkipWhitespace();
            if (input.Peek() == 'R')
            {
                input.Read();
                if (!IsRegular(input.Peek()))
                {
                    generation = int.Parse(token[..length], NumberStyles.None, CultureInfo.InvariantCulture);
                    return true;
                }
            }
        }

        input.Seek(rewind);
        return false;
    }

    private void CheckTokenLength(int length)
    {
        if (length > limits.MaxTokenBytes)
        {
            Fail($"{context}: string or name longer than {limits.MaxTokenBytes} bytes");
        }
    }

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    internal static string Printable(string token)
    {
        var shortened = token.Length > 32 ? token[..32] + "..." : token;
        return new string([.. shortened.Select(ch => ch is >= ' ' and < (char)0x7F ? ch : '?')]);
    }

    private void Fail(string message) => PdfFormatException.ThrowAt(input.Position, message);

    private static T FailAt<T>(long offset, string message)
    {
        PdfFormatException.ThrowAt(offset, message);
        return default!;
    }
}
