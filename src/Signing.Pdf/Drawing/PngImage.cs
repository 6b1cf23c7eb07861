using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Signing.Pdf.Drawing;

/// <summary>A PNG file is malformed, unsupported, or beyond the size limits.</summary>
public sealed class PngFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public PngFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public PngFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PngFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A decoded PNG (ISO/IEC 15948): 8-bit RGB samples and, when the image has transparency, an 8-bit alpha plane — the
/// shapes a PDF image XObject and its /SMask take. Decoding inflates IDAT and reverses the per-row filters.
/// </summary>
internal sealed class PngImage
{
    public const int MaxDimension = 8192;
    public const long MaxPixels = 16L * 1024 * 1024;
    public const int MaxFileBytes = 32 * 1024 * 1024;
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private PngImage(int width, int height, byte[] rgb, byte[]? alpha)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
        Alpha = alpha;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Width × height × 3 bytes, rows top to bottom.</summary>
    public byte[] Rgb { get; }

    /// <summary>Width × height bytes, or null when fully opaque.</summary>
    public byte[]? Alpha { get; }

    /// <summary>The pixel size from the IHDR chunk, without decoding the image.</summary>
    /// <exception cref="PngFormatException">The file does not start with a PNG signature and IHDR.</exception>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> file)
    {
        // The signature, then IHDR first (ISO/IEC 15948 §11.2.2): length (4) "IHDR" (4) width (4) height (4).
        if (file.Length < 24 || !file[..8].SequenceEqual(Signature) || !file.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            throw new PngFormatException("Not a PNG file: the signature or the IHDR chunk is missing");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(file[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(file[20..]);
        if (width is 0 or > MaxDimension || height is 0 or > MaxDimension)
        {
            throw new PngFormatException($"PNG size {width}×{height} is outside 1..{MaxDimension}");
        }

        return ((int)width, (int)height);
    }

    public static PngImage Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length > MaxFileBytes)
        {
            throw new PngFormatException($"The PNG is {file.Length} bytes; the limit is {MaxFileBytes}");
        }

        if (file.Length < 8 || !file[..8].SequenceEqual(Signature))
        {
            throw new PngFormatException("Not a PNG file: the 8-byte signature is missing");
        }

        int width = 0, height = 0, bitDepth = 0, colorType = -1;
        byte[]? palette = null;
        byte[]? transparency = null;
        using var idat = new MemoryStream();
        var position = 8;
        var ended = false;
        while (!ended)
        {
            if (position + 12 > file.Length)
            {
                throw new PngFormatException($"The PNG ends inside a chunk header at byte {position}");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(file[position..]);
            var type = Encoding.ASCII.GetString(file.Slice(position + 4, 4));
            if (length > (uint)(file.Length - position - 12))
            {
                throw new PngFormatException($"PNG chunk '{type}' at byte {position} claims {length} bytes, past the end of the file");
            }

            var data = file.Slice(position + 8, (int)length);
            position += 12 + (int)length;
            switch (type)
            {
                case "IHDR":
                    if (data.Length != 13)
                    {
                        throw new PngFormatException("IHDR is not 13 bytes");
                    }

                    width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data), int.MaxValue);
                    height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[4..]), int.MaxValue);
                    bitDepth = data[8];
                    colorType = data[9];
                    if (data[10] != 0 || data[11] != 0)
                    {
                        throw new PngFormatException("Unknown PNG compression or filter method");
                    }

                    if (data[12] != 0)
                    {
                        throw new PngFormatException("Interlaced (Adam7) PNGs are not supported; save the image non-interlaced");
                    }

                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "tRNS":
                    transparency = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }
        }

        if (width <= 0 || height <= 0 || width > MaxDimension || height > MaxDimension || (long)width * height > MaxPixels)
        {
            throw new PngFormatException($"PNG dimensions {width}×{height} are outside 1..{MaxDimension} per side and {MaxPixels} pixels");
        }

        var channels = colorType switch
        {
            0 => 1,
            2 => 3,
            3 => 1,
            4 => 2,
            6 => 4,
            _ => throw new PngFormatException($"PNG colour type {colorType} is not valid"),
        };
        var validDepth = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            _ => bitDepth is 8 or 16,
        };
        if (!validDepth)
        {
            throw new PngFormatException($"Bit depth {bitDepth} is not valid for PNG colour type {colorType}");
        }

        if (colorType == 3 && (palette is null || palette.Length % 3 != 0))
        {
            throw new PngFormatException("A palette PNG has no valid PLTE chunk");
        }

        var bitsPerPixel = channels * bitDepth;
        var rowBytes = (int)(((long)width * bitsPerPixel + 7) / 8);
        var bytesPerPixel = Math.Max(1, bitsPerPixel / 8);
        var raw = Inflate(idat, (long)(rowBytes + 1) * height);
        Unfilter(raw, rowBytes, height, bytesPerPixel);
        return Expand(raw, width, height, rowBytes, bitDepth, colorType, palette, transparency);
    }

    private static byte[] Inflate(MemoryStream idat, long expected)
    {
        var output = new byte[expected];
        idat.Position = 0;
        try
        {
            using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
            var filled = 0;
            while (filled < output.Length)
            {
                var read = inflater.Read(output, filled, output.Length - filled);
                if (read == 0)
                {
                    throw new PngFormatException($"The PNG image data inflates to {filled} bytes; {expected} expected");
                }

                filled += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new PngFormatException($"The PNG image data is not valid zlib: {e.Message}", e);
        }

        return output;
    }

    private static void Unfilter(byte[] raw, int rowBytes, int height, int bpp)
    {
        for (var y = 0; y < height; y++)
        {
            var start = (y * (rowBytes + 1)) + 1;
            var previous = start - (rowBytes + 1);
            var filter = raw[start - 1];
            for (var i = 0; i < rowBytes; i++)
            {
                int left = i >= bpp ? raw[start + i - bpp] : 0;
                int up = y > 0 ? raw[previous + i] : 0;
                int upLeft = y > 0 && i >= bpp ? raw[previous + i - bpp] : 0;
                raw[start + i] = (byte)(raw[start + i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new PngFormatException($"PNG row {y} has unknown filter type {filter}"),
                });
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static PngImage Expand(byte[] raw, int width, int height, int rowBytes, int bitDepth, int colorType, byte[]? palette, byte[]? transparency)
    {
        var rgb = new byte[width * height * 3];
        var hasAlpha = colorType is 4 or 6 || transparency is not null;
        var alpha = hasAlpha ? new byte[width * height] : null;
        var channels = colorType switch { 0 or 3 => 1, 2 => 3, 4 => 2, _ => 4 };
        Span<int> samples = stackalloc int[4];
        for (var y = 0; y < height; y++)
        {
            var row = (y * (rowBytes + 1)) + 1;
            for (var x = 0; x < width; x++)
            {
                var pixel = (y * width) + x;
                for (var c = 0; c < channels; c++)
                {
                    samples[c] = Sample(raw, row, (x * channels) + c, bitDepth);
                }

                byte r, g, b, a = 255;
                switch (colorType)
                {
                    case 3:
                        var index = samples[0];
                        if ((index * 3) + 2 >= palette!.Length)
                        {
                            throw new PngFormatException($"Pixel ({x},{y}) uses palette index {index} beyond the {palette.Length / 3}-entry PLTE");
                        }

                        (r, g, b) = (palette[index * 3], palette[(index * 3) + 1], palette[(index * 3) + 2]);
                        a = transparency is not null && index < transparency.Length ? transparency[index] : (byte)255;
                        break;
                    case 0:
                        r = g = b = Scale(samples[0], bitDepth);
                        if (transparency is { Length: >= 2 } && samples[0] == BinaryPrimitives.ReadUInt16BigEndian(transparency))
                        {
                            a = 0;
                        }

                        break;
                    case 4:
                        r = g = b = Scale(samples[0], bitDepth);
                        a = Scale(samples[1], bitDepth);
                        break;
                    case 2:
                        (r, g, b) = (Scale(samples[0], bitDepth), Scale(samples[1], bitDepth), Scale(samples[2], bitDepth));
                        if (transparency is { Length: >= 6 }
                            && samples[0] == BinaryPrimitives.ReadUInt16BigEndian(transparency)
                            && samples[1] == BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(2))
                            && samples[2] == BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(4)))
                        {
                            a = 0;
                        }

                        break;
                    default:
                        (r, g, b, a) = (Scale(samples[0], bitDepth), Scale(samples[1], bitDepth), Scale(samples[2], bitDepth), Scale(samples[3], bitDepth));
                        break;
                }

                rgb[pixel * 3] = r;
                rgb[(pixel * 3) + 1] = g;
                rgb[(pixel * 3) + 2] = b;
                if (alpha is not null)
                {
                    alpha[pixel] = a;
                }
            }
        }

        return new PngImage(width, height, rgb, alpha);
    }

    private static int Sample(byte[] raw, int row, int index, int bitDepth) => bitDepth switch
    {
        16 => (raw[row + (2 * index)] << 8) | raw[row + (2 * index) + 1],
        8 => raw[row + index],
        _ => (raw[row + (index * bitDepth / 8)] >> (8 - bitDepth - (index * bitDepth % 8))) & ((1 << bitDepth) - 1),
    };

    private static byte Scale(int sample, int bitDepth) => bitDepth switch
    {
        16 => (byte)(sample >> 8),
        8 => (byte)sample,
        _ => (byte)(sample * 255 / ((1 << bitDepth) - 1)),
    };
}

/// <summary>Reads a PNG's pixel size without decoding it, to lay out an image before it is drawn.</summary>
public static class PngSize
{
    /// <summary>The width and height in pixels from the IHDR chunk.</summary>
    /// <exception cref="PngFormatException">The data is not a PNG.</exception>
    public static (int Width, int Height) Read(ReadOnlySpan<byte> png) => PngImage.ReadSize(png);
}
