namespace Signing.Pdf.Internal;

/// <summary>
/// A page's content streams read as one forward-only sequence of bytes (ISO 32000-1 §7.8.2: operators may be split
/// across them), with a newline between streams. Each stream is inflated only while it is read, so a page that lists
/// one large stream many times costs its budget, not its memory.
/// </summary>
internal sealed class ContentSequence(PdfReader reader, IReadOnlyList<PdfStream> streams, string context) : Stream
{
    private int _next;
    private Stream? _current;
    private bool _separatorDue;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_separatorDue)
            {
                _separatorDue = false;
                buffer[0] = (byte)'\n';
                return 1;
            }

            if (_current is null)
            {
                if (_next >= streams.Count)
                {
                    return 0;
                }

                _current = reader.OpenDecodedStream(streams[_next], streams.Count == 1 ? context : $"{context}, stream {_next + 1}");
                _next++;
            }

            var read = _current.Read(buffer);
            if (read > 0)
            {
                return read;
            }

            _current.Dispose();
            _current = null;
            _separatorDue = true;
        }

        return 0;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
        }

        base.Dispose(disposing);
    }
}
