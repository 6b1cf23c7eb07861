using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Signing.Pdf.Drawing;

/// <summary>
/// A PNG as the samples of a PDF image XObject: RGB and, when the PNG has transparency, the soft mask, each already
/// Flate-compressed. The same officials' signature images and the agency's seal go into every document they sign, so
/// the decoded and compressed form is kept per image content (at most <see cref="Capacity"/> images) instead of being
/// inflated, unfiltered and deflated again for each signature.
/// </summary>
internal sealed record EncodedImage(int Width, int Height, byte[] DeflatedRgb, byte[]? DeflatedAlpha)
{
    /// <summary>Distinct images kept; beyond it the cache starts over, which costs one decode per image.</summary>
    public const int Capacity = 64;

    private static readonly ConcurrentDictionary<string, EncodedImage> Cache = new(StringComparer.Ordinal);

    /// <summary>The encoded form of <paramref name="png"/>; throws <see cref="PngFormatException"/> when it is not a usable PNG.</summary>
    public static EncodedImage Of(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        var key = Convert.ToHexString(SHA256.HashData(png));
        if (Cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var image = PngImage.Decode(png);
        var encoded = new EncodedImage(image.Width, image.Height, FlateEncoding.Deflate(image.Rgb),
            image.Alpha is { } alpha ? FlateEncoding.Deflate(alpha) : null);
        if (Cache.Count >= Capacity)
        {
            Cache.Clear();
        }

        Cache[key] = encoded;
        return encoded;
    }
}
