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

    /// <summary>Throws <see cref="MalformedPkiDataException"/> unless <paramref name="data"/> is exactly one well-formed DER value.</summary>
    internal static void Check(ReadOnlySpan<byte> data, string structure, int maxLength = DefaultMaxLength)
    {
        if (data.IsEmpty)
        {
            throw new MalformedPkiDataException(structure, "input is empty");
        }

        if (data.Length > maxLength)
        {
            throw new MalformedPkiDataException(structure, $"input is {data.Length} bytes, above the limit of {maxLength}");
        }

        // Ends of the constructed values we are inside; its count is the current depth.
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

            if (contentLength is null)
            {
                throw new MalformedPkiDataException(structure, $"indefinite length at offset {offset} is not DER");
            }

            var end = (long)offset + headerLength + contentLength.Value;
            var limit = depth > 0 ? ends[depth - 1] : data.Length;
            if (end > limit)
            {
                throw new MalformedPkiDataException(structure,
                    $"length {contentLength.Value} at offset {offset} runs past the end of its container ({limit - offset - headerLength} bytes available); input truncated or length forged");
            }

            topLevelSeen = true;
            if (tag.IsConstructed && contentLength.Value > 0)
            {
                if (depth == MaxDepth)
                {
                    throw new MalformedPkiDataException(structure, $"nesting deeper than {MaxDepth} levels at offset {offset}");
                }

                ends[depth++] = (int)end;
                offset += headerLength;
            }
            else
            {
                offset = (int)end;
            }
        }
    }

    /// <summary>Runs <paramref name="decode"/> and turns any decoder failure into <see cref="MalformedPkiDataException"/>.</summary>
    internal static T Decode<T>(ReadOnlyMemory<byte> data, string structure, Func<ReadOnlyMemory<byte>, T> decode, int maxLength = DefaultMaxLength)
    {
        Check(data.Span, structure, maxLength);
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
    }
}
