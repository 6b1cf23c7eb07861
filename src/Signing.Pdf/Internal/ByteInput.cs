namespace Signing.Pdf.Internal;

/// <summary>Buffered, seekable byte access over a stream, so the parser reads objects on demand without loading the file.</summary>
internal sealed class ByteInput
{
    private const int BufferSize = 16 * 1024;
    private readonly Stream stream;
    private readonly byte[] buffer = new byte[BufferSize];
    private long bufferStart;
    private int bufferLength;
    private int bufferIndex;

    public ByteInput(Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("The PDF stream must be readable and seekable.", nameof(stream));
        }

        this.stream = stream;
        Length = stream.Length;
    }

    public long Length { get; }

    public long Position => bufferStart + bufferIndex;

    public bool AtEnd => Position >= Length;

    public void Seek(long position)
    {
        if (position < 0 || position > Length)
        {
            PdfFormatException.ThrowAt(position, "Offset points outside the file (length " + Length + ")");
        }

        if (position >= bufferStart && position <= bufferStart + bufferLength)
        {
            bufferIndex = (int)(position - bufferStart);
            return;
        }

        bufferStart = position;
        bufferLength = 0;
        bufferIndex = 0;
    }

    /// <summary>Returns the next byte without consuming it, or -1 at the end.</summary>
    public int Peek()
    {
        if (bufferIndex >= bufferLength && !Fill())
        {
            return -1;
        }

        return buffer[bufferIndex];
    }

    /// <summary>Consumes and returns the next byte, or -1 at the end.</summary>
    public int Read()
    {
        if (bufferIndex >= bufferLength && !Fill())
        {
            return -1;
        }

        return buffer[bufferIndex++];
    }

    /// <summary>
    /// The bytes already buffered from the current position on (refilling when none are), without consuming them; empty
    /// at the end of the input. Lets a scanner work on spans instead of one call per byte.
    /// </summary>
    public ReadOnlySpan<byte> Buffered()
    {
        if (bufferIndex >= bufferLength && !Fill())
        {
            return [];
        }

        return buffer.AsSpan(bufferIndex, bufferLength - bufferIndex);
    }

    /// <summary>Consumes <paramref name="count"/> bytes of those <see cref="Buffered"/> returned.</summary>
    public void Advance(int count) => bufferIndex += count;

    /// <summary>Reads exactly <paramref name="count"/> bytes from the current position.</summary>
    public byte[] ReadBytes(int count)
    {
        if (count < 0 || Position + count > Length)
        {
            PdfFormatException.ThrowAt(Position, "Read of " + count + " bytes runs past the end of the file");
        }

        var result = new byte[count];
        var copied = 0;
        var available = bufferLength - bufferIndex;
        if (available > 0)
        {
            var fromBuffer = Math.Min(available, count);
            Array.Copy(buffer, bufferIndex, result, 0, fromBuffer);
            bufferIndex += fromBuffer;
            copied = fromBuffer;
        }

        if (copied < count)
        {
            var next = Position;
            stream.Position = next;
            stream.ReadExactly(result, copied, count - copied);
            bufferStart = next + (count - copied);
            bufferLength = 0;
            bufferIndex = 0;
        }

        return result;
    }

    private bool Fill()
    {
        var next = bufferStart + bufferIndex;
        if (next >= Length)
        {
            return false;
        }

        stream.Position = next;
        var read = stream.ReadAtLeast(buffer, (int)Math.Min(BufferSize, Length - next), throwOnEndOfStream: false);
        bufferStart = next;
        bufferLength = read;
        bufferIndex = 0;
        return read > 0;
    }
}
