namespace Signing.Pdf.Signatures.Internal;

/// <summary>A forward-only read view of the two byte-range spans of a document stream, seeking as it goes.</summary>
internal sealed class ByteRangeReadStream(Stream document, PdfByteRange range) : Stream
{
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => range.CoveredLength;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var (source, available) = Locate();
        if (available <= 0)
        {
            return 0;
        }

        document.Position = source;
        var read = document.Read(buffer[..(int)Math.Min(buffer.Length, available)]);
        if (read == 0)
        {
            throw new IOException("The document ended inside its byte range");
        }

        position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var (source, available) = Locate();
        if (available <= 0)
        {
            return 0;
        }

        document.Position = source;
        var read = await document.ReadAsync(buffer[..(int)Math.Min(buffer.Length, available)], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("The document ended inside its byte range");
        }

        position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private (long Source, long Available) Locate() => position < range.FirstLength
        ? (range.FirstStart + position, range.FirstLength - position)
        : (range.SecondStart + position - range.FirstLength, range.CoveredLength - position);
}
