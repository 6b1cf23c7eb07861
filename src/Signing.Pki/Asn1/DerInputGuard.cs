using System.Formats.Asn1;

namespace Signing.Pki.Asn1;

/// <summary>
/// Walks a DER blob's tag-length-value tree once, iteratively, before any decoder sees it, so hostile
/// input (truncation, length fields pointing past the end, absurd nesting, oversize blobs) fails
/// with one precise message instead of deep recursion or a confusing error from a library decoder.
/// </summary>
internal static class DerInputGuard
{
    /// <summary>Deepest nesting any structure we decode legitimately needs (CMS with timestamps is ~20).</summary>
    internal const int MaxDepth = 64;

    /// <summary>Largest blob accepted by default (CRLs of large CAs reach tens of MB).</summary>
    internal const int DefaultMaxLength = 64 * 1024 * 1024;

    /// <summary>Marks an open indefinite-length value on the stack of ends.</summary>
    private const int Indefinite = -1;

    /// <summary>
    /// Throws <see cref="MalformedPkiDataException"/> unless <paramref name="data"/> is exactly one well-formed DER value.
    /// With <paramref name="allowIndefiniteLength"/>, BER indefinite-length constructed values (streamed CMS) are accepted too.
    /// </summary>
    internal static void Check(ReadOnlySpan<byte> data, string structure, int maxLength = DefaultMaxLength, bool allowIndefiniteLength = false)
    {
        if (data.IsEmpty)
        {
            throw new MalformedPkiDataException(structure, "input is empty");
        }

        if (data.Length > maxLength)
        {
            throw new MalformedPkiDataException(structure, $"input is {data.Length} bytes, above the limit of {maxLength}");
        }

        // Ends of the constructed values we are inside (Indefinite for BER indefinite length); its count is the depth.
        Span<int> ends = stackalloc int[MaxDepth];
        var depth = 0;
        var offset = 0;
        var topLevelSeen = false;
        while (offset < data.Length)
        {
            while (depth > 0 && offset == ends[depth - 1])
            {
                depth--;
            }

            if (depth > 0 && ends[depth - 1] == Indefinite && data[offset..].StartsWith((ReadOnlySpan<byte>)[0x00, 0x00]))
            {
                // End-of-contents closes the innermost indefinite-length value.
                offset += 2;
                depth--;
                continue;
            }

            if (depth == 0 && topLevelSeen)
            {
                throw new MalformedPkiDataException(structure, $"{data.Length - offset} unexpected bytes after the value at offset {offset}");
            }

            int headerLength;
            int? contentLength;
            Asn1Tag tag;
            try
            {
                tag = Asn1Tag.Decode(data[offset..], out var tagLength);
                contentLength = AsnDecoder.DecodeLength(data[(offset + tagLength)..], AsnEncodingRules.BER, out var lengthLength);
                headerLength = tagLength + lengthLength;
            }
            catch (AsnContentException e)
            {
                throw new MalformedPkiDataException(structure, $"unreadable tag or length at offset {offset}: {e.Message}", e);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new MalformedPkiDataException(structure, $"truncated header at offset {offset}", e);
            }

            topLevelSeen = true;
            if (contentLength is null)
            {
                if (!allowIndefiniteLength || !tag.IsConstructed)
                {
                    throw new MalformedPkiDataException(structure, $"indefinite length at offset {offset} is not DER");
                }

                Push(ref depth, ends, Indefinite, structure, offset);
                offset += headerLength;
                continue;
            }

            var end = (long)offset + headerLength + contentLength.Value;
            var limit = EnclosingLimit(ends[..depth], data.Length);
            if (end > limit)
            {
                throw new MalformedPkiDataException(structure,
                    $"length {contentLength.Value} at offset {offset} runs past the end of its container ({limit - offset - headerLength} bytes available); input truncated or length forged");
            }

            if (tag.IsConstructed && contentLength.Value > 0)
            {
                Push(ref depth, ends, (int)end, structure, offset);
                offset += headerLength;
            }
            else
            {
                offset = (int)end;
            }
        }

        while (depth > 0 && ends[depth - 1] == offset)
        {
            depth--;
        }

        if (depth > 0)
        {
            throw new MalformedPkiDataException(structure, "input truncated: an indefinite-length value has no end-of-contents");
        }
    }

    private static void Push(ref int depth, Span<int> ends, int end, string structure, int offset)
    {
        if (depth == MaxDepth)
        {
            throw new MalformedPkiDataException(structure, $"nesting deeper than {MaxDepth} levels at offset {offset}");
        }

        ends[depth++] = end;
    }

    /// <summary>The innermost definite end among the open values, or the input length.</summary>
    private static int EnclosingLimit(ReadOnlySpan<int> openEnds, int inputLength)
    {
        for (var i = openEnds.Length - 1; i >= 0; i--)
        {
            if (openEnds[i] != Indefinite)
            {
                return openEnds[i];
            }
        }

        return inputLength;
    }

    /// <summary>Runs <paramref name="decode"/> and turns any decoder failure into <see cref="MalformedPkiDataException"/>.</summary>
    internal static T Decode<T>(ReadOnlyMemory<byte> data, string structure, Func<ReadOnlyMemory<byte>, T> decode, int maxLength = DefaultMaxLength, bool allowIndefiniteLength = false)
    {
        Check(data.Span, structure, maxLength, allowIndefiniteLength);
        try
        {
            return decode(data);
        }
        catch (AsnContentException e)
        {
            throw new MalformedPkiDataException(structure, e.Message, e);
        }
        catch (System.Security.Cryptography.CryptographicException e) when (e is not MalformedPkiDataException)
        {
            throw new MalformedPkiDataException(structure, e.Message, e);
        }
        catch (Exception e) when (IsBouncyCastleParseFailure(e))
        {
            throw new MalformedPkiDataException(structure, e.Message, e);
        }
    }

    /// <summary>
    /// How BouncyCastle's ASN.1 parsers report bad input: Asn1Exception (an IOException), ArgumentException
    /// from GetInstance, InvalidCastException for a wrong type, Asn1ParsingException (an InvalidOperationException),
    /// FormatException for a bad time, ArithmeticException (OverflowException among them) for an out-of-range INTEGER or
    /// ENUMERATED: DerEnumerated.IntValueExact throws a plain ArithmeticException, found by the fuzzer.
    /// </summary>
    private static bool IsBouncyCastleParseFailure(Exception e) =>
        e is IOException or ArgumentException or InvalidCastException or InvalidOperationException or FormatException or ArithmeticException;
}
