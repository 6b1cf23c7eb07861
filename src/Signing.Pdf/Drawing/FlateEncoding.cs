using System.IO.Compression;

namespace Signing.Pdf.Drawing;

/// <summary>Compresses stream data for /FlateDecode (zlib, RFC 1950), as images and embedded font programs are written.</summary>
internal static class FlateEncoding
{
    /// <summary>The zlib-compressed form of <paramref name="data"/>.</summary>
    internal static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var deflater = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(data);
        }

        return output.ToArray();
    }
}
