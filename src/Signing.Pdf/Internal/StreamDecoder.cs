using System.IO.Compression;

namespace Signing.Pdf.Internal;

/// <summary>
/// Decodes stream data for the filters structure and content streams use: FlateDecode with optional PNG predictors.
/// Every decoded byte is spent from the document's <see cref="PdfResourceBudget"/>.
/// </summary>
internal static class StreamDecoder
{
    public static byte[] Decode(PdfStream stream, long maxDecodedBytes, string context, PdfResourceBudget budget)
    {
        var filters = AsList(stream.Dictionary["Filter"] ?? stream.Dictionary["F"]);
        var parameters = AsList(stream.Dictionary["DecodeParms"] ?? stream.Dictionary["DP"]);
        // The encoded bytes are only read: no copy unless a filter produces new ones.
        var data = stream.EncodedData;
        for (var i = 0; i < filters.Count; i++)
        {
            if (filters[i] is not PdfName filter)
            {
                throw new PdfFormatException($"{context}: /Filter entry is not a name");
            }

            var decodeParms = i < parameters.Count ? parameters[i] as PdfDictionary : null;
            data = filter.Value switch
            {
                "FlateDecode" or "Fl" => Inflate(data, maxDecodedBytes, context, budget),
                _ => throw new PdfFormatException($"{context}: filter /{filter.Value} is not supported for decoding"),
            };
            data = ApplyPredictor(data.ToArray(), decodeParms, context);
        }

        if (data.Length > maxDecodedBytes)
        {
            throw new PdfFormatException($"{context}: stream data exceeds the limit of {maxDecodedBytes} bytes");
        }

        if (filters.Count == 0)
        {
            // Unfiltered data is parsed all the same: a stream listed many times costs each time.
            budget.SpendDecodedBytes(data.Length);
        }

        return data.ToArray();
    }

    /// <summary>
    /// The decoded data as a forward-only stream that inflates while it is read, spending each byte from
    /// <paramref name="budget"/>; streams with predictors or filter chains are decoded up front (they are never large
    /// content). Corrupt data surfaces as <see cref="PdfFormatException"/> from the reads.
    /// </summary>
    public static Stream Open(PdfStream stream, long maxDecodedBytes, string context, PdfResourceBudget budget)
    {
        var filters = AsList(stream.Dictionary["Filter"] ?? stream.Dictionary["F"]);
        var parameters = AsList(stream.Dictionary["DecodeParms"] ?? stream.Dictionary["DP"]);
        if (filters.Count == 0)
        {
            return new BudgetedReadStream(AsStream(stream.EncodedData), maxDecodedBytes, context, budget);
        }

        if (filters is [PdfName { Value: "FlateDecode" or "Fl" }]
            && IntOrDefault((parameters.FirstOrDefault() as PdfDictionary)?["Predictor"], 1) == 1)
        {
            return new BudgetedReadStream(new ZLibStream(AsStream(stream.EncodedData), CompressionMode.Decompress), maxDecodedBytes, context, budget);
        }

        return new MemoryStream(Decode(stream, maxDecodedBytes, context, budget), writable: false);
    }

    private static List<PdfObject?> AsList(PdfObject? value) => value switch
    {
        null => [],
        PdfArray array => [.. array.Items],
        _ => [value],
    };

    private static byte[] Inflate(ReadOnlyMemory<byte> data, long maxDecodedBytes, string context, PdfResourceBudget budget)
    {
        // Sized for the usual 2-4x ratio of structure streams; the chunk comes from the pool (a validation inflates
        // every DSS stream, and a fresh 64 KiB buffer each time was most of what it allocated).
        using var output = new MemoryStream((int)Math.Min(maxDecodedBytes, Math.Min(data.Length * 4L + 256, 1 << 20)));
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var inflater = new ZLibStream(AsStream(data), CompressionMode.Decompress);
            int read;
            while ((read = inflater.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > maxDecodedBytes)
                {
                    throw new PdfFormatException($"{context}: FlateDecode output exceeds the limit of {maxDecodedBytes} bytes (decompression bomb?)");
                }

                budget.SpendDecodedBytes(read);
                output.Write(chunk, 0, read);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // zlib reports some corruptions as ZLibException, an IOException, rather than InvalidDataException.
            throw new PdfFormatException($"{context}: corrupt FlateDecode data: {ex.Message}", ex);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return output.ToArray();
    }

    internal static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is { } array
            ? new MemoryStream(array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private static byte[] ApplyPredictor(byte[] data, PdfDictionary? decodeParms, string context)
    {
        var predictor = IntOrDefault(decodeParms?["Predictor"], 1);
        if (predictor == 1)
        {
            return data;
        }

        if (predictor < 10 || predictor > 15)
        {
            throw new PdfFormatException($"{context}: /Predictor {predictor} is not supported (only PNG predictors 10-15)");
        }

        var colors = IntOrDefault(decodeParms?["Colors"], 1);
        var bitsPerComponent = IntOrDefault(decodeParms?["BitsPerComponent"], 8);
        var columns = IntOrDefault(decodeParms?["Columns"], 1);
        if (colors is < 1 or > 32 || bitsPerComponent is not (1 or 2 or 4 or 8 or 16) || columns is < 1 or > 1 << 24)
        {
            throw new PdfFormatException($"{context}: invalid predictor parameters /Colors {colors} /BitsPerComponent {bitsPerComponent} /Columns {columns}");
        }

        var bytesPerPixel = Math.Max(1, colors * bitsPerComponent / 8);
        var rowLength = (int)(((long)colors * bitsPerComponent * columns + 7) / 8);
        var rows = data.Length / (rowLength + 1);
        var output = new byte[rows * rowLength];
        var previous = new byte[rowLength];
        for (var row = 0; row < rows; row++)
        {
            var source = row * (rowLength + 1);
            var filterType = data[source];
            var current = output.AsSpan(row * rowLength, rowLength);
            data.AsSpan(source + 1, rowLength).CopyTo(current);
            for (var i = 0; i < rowLength; i++)
            {
                var left = i >= bytesPerPixel ? current[i - bytesPerPixel] : 0;
                var up = previous[i];
                var upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                current[i] = filterType switch
                {
                    0 => current[i],
                    1 => (byte)(current[i] + left),
                    2 => (byte)(current[i] + up),
                    3 => (byte)(current[i] + ((left + up) / 2)),
                    4 => (byte)(current[i] + Paeth(left, up, upLeft)),
                    _ => throw new PdfFormatException($"{context}: invalid PNG predictor row filter {filterType} in row {row}"),
                };
            }

            current.CopyTo(previous);
        }

        return output;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int IntOrDefault(PdfObject? value, int fallback) =>
        value is PdfInteger integer && integer.Value is >= int.MinValue and <= int.MaxValue ? (int)integer.Value : fallback;
}
