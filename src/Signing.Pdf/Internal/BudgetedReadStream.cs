namespace Signing.Pdf.Internal;

/// <summary>
/// Reads decoded stream data forward, spending every byte from the document's budget and stopping at the per-stream
/// ceiling; zlib's corruption errors become <see cref="PdfFormatException"/>. Owns the inner stream.
/// </summary>
internal sealed class BudgetedReadStream(Stream inner, long maxBytes, string context, PdfResourceBudget budget) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            throw new PdfFormatException($"{context}: corrupt FlateDecode data: {exception.Message}", exception);
        }

        _read += read;
        if (_read > maxBytes)
        {
            throw new PdfFormatException($"{context}: decoded data exceeds the limit of {maxBytes} bytes (decompression bomb?)");
        }

        budget.SpendDecodedBytes(read);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
