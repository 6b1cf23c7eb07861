using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Signing.Pki.Cms;

namespace Signing.Pdf.Validation;

/// <summary>The outcome of checking a /ByteRange against the raw file.</summary>
/// <param name="Problem">Why the range is not acceptable, or null.</param>
/// <param name="Coverage">How much of the file it covers.</param>
/// <param name="Revision">The revision whose end the range reaches, or null.</param>
internal sealed record ByteRangeInspection(string? Problem, ByteRangeCoverage Coverage, PdfRevision? Revision)
{
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Checks that the range is [0, a, b, c] with the gap a..b holding exactly the /Contents hex string (with its
    /// angle brackets), that it stays inside the file, and where it ends relative to the revisions.
    /// </summary>
    public static ByteRangeInspection Inspect(Stream file, IReadOnlyList<long> range, byte[] contents, IReadOnlyList<PdfRevision> revisions)
    {
        if (range.Count != 4)
        {
            return Unclear($"/ByteRange has {range.Count} numbers; 4 are expected");
        }

        var (start1, length1, start2, length2) = (range[0], range[1], range[2], range[3]);
        if (start1 != 0)
        {
            return Unclear($"/ByteRange starts at {start1}, not at 0: the bytes before it are not signed");
        }

        if (length1 <= 0 || length2 < 0 || start2 <= length1 + 1 || start2 > file.Length || length2 > file.Length - start2)
        {
            return Unclear(string.Create(CultureInfo.InvariantCulture,
                $"/ByteRange [{start1} {length1} {start2} {length2}] overlaps itself or runs past the end of the file ({file.Length} bytes)"));
        }

        var gapLength = start2 - length1;
        if (gapLength > contents.Length * 2L + 2 + 64)
        {
            return Unclear($"the unsigned gap of {gapLength} bytes is larger than the /Contents string");
        }

        if (ContentsProblem(file, length1, gapLength, contents) is { } problem)
        {
            return Unclear(problem);
        }

        var end = start2 + length2;
        if (end == file.Length || IsOnlyWhitespace(file, end, file.Length))
        {
            return new ByteRangeInspection(null, ByteRangeCoverage.EntireFile, revisions.Count > 0 ? revisions[^1] : null);
        }

        // Our own signatures end one byte after %%EOF (the newline); other tools stop at %%EOF or after CRLF.
        var revision = revisions.FirstOrDefault(r => end >= r.EndOffset && end <= r.EndOffset + 2 && IsOnlyWhitespace(file, r.EndOffset, end));
        return revision is null
            ? Unclear(string.Create(CultureInfo.InvariantCulture, $"the signed range ends at byte {end}, which is not the end of a revision"))
            : new ByteRangeInspection(null, ByteRangeCoverage.EntireRevision, revision);
    }

    /// <summary>
    /// Null when the gap at <paramref name="start"/> is exactly this signature's /Contents as a hex string in angle
    /// brackets (whitespace allowed); otherwise why not. Streamed in pooled chunks: the gap is tens of kilobytes, and a
    /// fresh array for it (and another for its decoded bytes) landed on the large-object heap in every validation.
    /// </summary>
    private static string? ContentsProblem(Stream file, long start, long gapLength, byte[] contents)
    {
        if (ContentsMatchExactly(file, start, gapLength, contents))
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var matched = 0;
            var high = -1;
            for (long offset = 0; offset < gapLength;)
            {
                var chunk = (int)Math.Min(buffer.Length, gapLength - offset);
                file.Seek(start + offset, SeekOrigin.Begin);
                file.ReadExactly(buffer, 0, chunk);
                for (var i = 0; i < chunk; i++, offset++)
                {
                    var b = buffer[i];
                    if (offset == 0 || offset == gapLength - 1)
                    {
                        if (b != (offset == 0 ? (byte)'<' : (byte)'>'))
                        {
                            return string.Create(CultureInfo.InvariantCulture,
                                $"the unsigned gap at bytes {start}..{start + gapLength - 1} is not a hex string in angle brackets: other bytes are left unsigned");
                        }

                        continue;
                    }

                    var value = HexValue(b);
                    if (value < 0)
                    {
                        if (b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')
                        {
                            continue;
                        }

                        return string.Create(CultureInfo.InvariantCulture, $"byte {start + offset} inside the unsigned gap is not a hex digit");
                    }

                    if (high < 0)
                    {
                        high = value;
                        continue;
                    }

                    if (matched >= contents.Length || contents[matched] != (byte)((high << 4) | value))
                    {
                        return "the unsigned gap does not hold this signature's /Contents string";
                    }

                    matched++;
                    high = -1;
                }
            }

            if (high >= 0)
            {
                if (matched >= contents.Length || contents[matched] != (byte)(high << 4))
                {
                    return "the unsigned gap does not hold this signature's /Contents string";
                }

                matched++;
            }

            return matched == contents.Length ? null : "the unsigned gap does not hold this signature's /Contents string";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The fast path for the usual gap, '&lt;' + 2n hex digits without whitespace + '&gt;': decoded by the vectorised
    /// <see cref="Convert.FromHexString(ReadOnlySpan{byte}, Span{byte}, out int, out int)"/> chunk by chunk and compared.
    /// False sends the caller to the byte-by-byte check, which also says what is wrong.
    /// </summary>
    private static bool ContentsMatchExactly(Stream file, long start, long gapLength, byte[] contents)
    {
        if (gapLength != (contents.Length * 2L) + 2)
        {
            return false;
        }

        var hex = ArrayPool<byte>.Shared.Rent(BufferSize);
        var decoded = ArrayPool<byte>.Shared.Rent(BufferSize / 2);
        try
        {
            file.Seek(start, SeekOrigin.Begin);
            if (file.ReadByte() != '<')
            {
                return false;
            }

            for (var matched = 0; matched < contents.Length;)
            {
                var chunk = Math.Min(BufferSize / 2, contents.Length - matched);
                file.ReadExactly(hex, 0, chunk * 2);
                if (Convert.FromHexString(hex.AsSpan(0, chunk * 2), decoded.AsSpan(0, chunk), out _, out var written) != OperationStatus.Done
                    || written != chunk || !decoded.AsSpan(0, chunk).SequenceEqual(contents.AsSpan(matched, chunk)))
                {
                    return false;
                }

                matched += chunk;
            }

            return file.ReadByte() == '>';
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(hex);
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>Hashes the two spans as a stream.</summary>
    public static byte[] Digest(Stream file, IReadOnlyList<long> range, HashAlgorithmName algorithm) =>
        Digest(file, range, CmsDigest.FromHashAlgorithm(algorithm) ?? throw new CryptographicException($"Digest {algorithm.Name} is not supported."));

    /// <summary>Hashes the two spans as a stream.</summary>
    public static byte[] Digest(Stream file, IReadOnlyList<long> range, CmsDigest algorithm)
    {
        using var hash = algorithm.CreateIncremental();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            DigestInto(file, range, hash, buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hash.Finish();
    }

    private static void DigestInto(Stream file, IReadOnlyList<long> range, CmsDigest.IncrementalDigest hash, byte[] buffer)
    {
        for (var i = 0; i + 1 < range.Count; i += 2)
        {
            file.Seek(range[i], SeekOrigin.Begin);
            var remaining = range[i + 1];
            while (remaining > 0)
            {
                var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0)
                {
                    throw new PdfFormatException($"The file ended inside a signed byte range starting at {range[i]}");
                }

                hash.Append(buffer.AsSpan(0, read));
                remaining -= read;
            }
        }
    }

    private static ByteRangeInspection Unclear(string problem) => new(problem, ByteRangeCoverage.Unclear, null);

    private static bool IsOnlyWhitespace(Stream file, long from, long to)
    {
        if (to - from > 64 || to < from)
        {
            return false;
        }

        file.Seek(from, SeekOrigin.Begin);
        for (var position = from; position < to; position++)
        {
            if (file.ReadByte() is not ('\r' or '\n' or ' ' or '\t' or 0))
            {
                return false;
            }
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
