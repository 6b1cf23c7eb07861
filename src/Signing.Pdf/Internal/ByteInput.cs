namespace Signing.Pdf.Internal;

/// <summary>
/// Buffered, seekable byte access over a stream, so the parser reads objects on demand without loading the file; or
/// (<see cref="Forward"/>) buffered forward-only access to a stream of unknown length, such as inflating content.
/// </summary>
internal sealed class ByteInput
{
    private const int BufferSize = 16 * 1024;
    private readonly Stream stream;
    private readonly byte[] buffer;
    private readonly bool inMemory;
    private readonly bool forward;
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

        // A document already in memory is read in place: the parser seeks from object to object, and refilling a
        // window for each seek copied the file many times over per validation.
        if (InMemory(stream) is { } whole)
        {
            buffer = whole;
            bufferLength = (int)Length;
            inMemory = true;
        }
        else
        {
            buffer = new byte[BufferSize];
        }
    }

    private ByteInput(Stream stream, bool forward)
    {
        this.stream = stream;
        this.forward = forward;
        Length = long.MaxValue;
        buffer = new byte[BufferSize];
    }

    /// <summary>
    /// Forward-only access to <paramref name="stream"/>, whose length is not known: seeking works only within the bytes
    /// still buffered, which is all a parser without reference look-ahead needs.
    /// </summary>
    public static ByteInput Forward(Stream stream) => new(stream, forward: true);

    /// <summary>The length of the input; <see cref="long.MaxValue"/> for a forward-only input.</summary>
    public long Length { get; }

    public long Position => bufferStart + bufferIndex;

    public bool AtEnd => forward ? Peek() == -1 : Position >= Length;

    public void Seek(long position)
    {
        if (forward && (position < bufferStart || position > bufferStart + bufferLength))
        {
            PdfFormatException.ThrowAt(position, "Cannot seek back in a forward-only stream");
        }

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

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes: a slice of the document when it is read in place (stream data is
    /// then never copied), else a new array.
    /// </summary>
    public ReadOnlyMemory<byte> ReadMemory(int count)
    {
        if (!inMemory)
        {
            return ReadBytes(count);
        }

        if (count < 0 || Position + count > Length)
        {
            PdfFormatException.ThrowAt(Position, "Read of " + count + " bytes runs past the end of the file");
        }

        var slice = buffer.AsMemory(bufferIndex, count);
        bufferIndex += count;
        return slice;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes from the current position.</summary>
    public byte[] ReadBytes(int count)
    {
        if (forward)
        {
            var bytes = new byte[count];
            for (var i = 0; i < count; i++)
            {
                var c = Read();
                if (c < 0)
                {
                    PdfFormatException.ThrowAt(Position, "Read of " + count + " bytes runs past the end of the stream");
                }

                bytes[i] = (byte)c;
            }

            return bytes;
        }

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

    /// <summary>
    /// The bytes of a stream that is a view of an array starting at index 0: a publicly visible <see cref="MemoryStream"/>,
    /// or a revision of one (<see cref="Validation.RevisionSliceStream"/>).
    /// </summary>
    private static byte[]? InMemory(Stream stream)
    {
        var (inner, length) = stream is Validation.RevisionSliceStream slice ? (slice.Inner, slice.Length) : (stream, stream.Length);
        return inner is MemoryStream memory && memory.TryGetBuffer(out var segment) && segment.Offset == 0 && segment.Array is { } array
            && length <= segment.Count && length <= int.MaxValue
            ? array
            : null;
    }

    private bool Fill()
    {
        if (inMemory)
        {
            return false;
        }

        if (forward)
        {
            var filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            bufferStart += bufferLength;
            bufferLength = filled;
            bufferIndex = 0;
            return filled > 0;
        }

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
