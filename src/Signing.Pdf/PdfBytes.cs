namespace Signing.Pdf;

/// <summary>Streams over a document held in memory, which the reader parses in place instead of copying.</summary>
public static class PdfBytes
{
    /// <summary>
    /// A read-only stream over the first <paramref name="length"/> bytes of <paramref name="document"/> (all of it when
    /// null). Its buffer is visible, so <see cref="PdfReader"/> reads objects and stream data straight from the array; a
    /// plain <c>new MemoryStream(bytes)</c> hides its buffer and made the reader copy every stream it parsed.
    /// </summary>
    /// <param name="document">The document's bytes; not copied, so they must not change while the stream is in use.</param>
    /// <param name="length">How many leading bytes the stream holds, such as an earlier revision's length.</param>
    public static MemoryStream Open(byte[] document, int? length = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new MemoryStream(document, 0, length ?? document.Length, writable: false, publiclyVisible: true);
    }
}
