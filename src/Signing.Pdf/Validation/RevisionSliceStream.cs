namespace Signing.Pdf.Validation;

/// <summary>A read-only, seekable view of the first <c>length</c> bytes of a stream: the file as it was at one revision.</summary>
internal sealed class RevisionSliceStream(Stream inner, long length) : Stream
{
    private long position;

    /// <summary>The whole file this is a view of.</summary>
    public Stream Inner => inner;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = Math.Clamp(value, 0, length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var available = (int)Math.Min(buffer.Length, length - position);
        if (available <= 0)
        {
            return 0;
        }

        inner.Seek(position, SeekOrigin.Begin);
        var read = inner.Read(buffer[..available]);
        position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
