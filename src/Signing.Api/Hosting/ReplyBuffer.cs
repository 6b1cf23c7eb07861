using Signing.Pdf;

namespace Signing.Api.Hosting;

/// <summary>
/// Holds a reply back from the client until it is stored for replay: the first bytes in memory, the rest (a signed
/// document of tens of megabytes) in a private scratch file. Written by the endpoint, then rewound and read to store
/// and to send it.
/// </summary>
internal sealed class ReplyBuffer(int memoryBytes) : Stream
{
    private MemoryStream? _memory = new();
    private FileStream? _file;
    private bool _reading;

    /// <summary>The bytes written so far.</summary>
    public override long Length => Active.Length;

    public override bool CanRead => _reading;
    public override bool CanSeek => false;
    public override bool CanWrite => !_reading;
    public override long Position { get => Active.Position; set => throw new NotSupportedException(); }

    private Stream Active => (Stream?)_file ?? _memory!;

    /// <summary>The reply as one array (read back from the scratch file when it was spilled).</summary>
    public async Task<byte[]> ToArrayAsync(CancellationToken ct)
    {
        if (_memory is not null)
        {
            return _memory.ToArray();
        }

        var bytes = new byte[_file!.Length];
        _file.Position = 0;
        await _file.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    /// <summary>Whether the reply is still in memory.</summary>
    public bool InMemory => _file is null;

    /// <summary>Starts (or restarts) reading from the first byte; no more writes.</summary>
    public void Rewind()
    {
        _reading = true;
        Active.Position = 0;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_reading)
        {
            throw new InvalidOperationException("The reply is complete.");
        }

        if (_file is null && _memory!.Length + buffer.Length > memoryBytes)
        {
            _file = PdfScratchFile.Create("reply");
            _memory.Position = 0;
            _memory.CopyTo(_file);
            _memory.Dispose();
            _memory = null;
        }

        Active.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_file is null && _memory!.Length + buffer.Length <= memoryBytes)
        {
            Write(buffer.Span);
            return;
        }

        if (_reading)
        {
            throw new InvalidOperationException("The reply is complete.");
        }

        if (_file is null)
        {
            _file = PdfScratchFile.Create("reply");
            _memory!.Position = 0;
            await _memory.CopyToAsync(_file, cancellationToken);
            await _memory.DisposeAsync();
            _memory = null;
        }

        await _file.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => _reading ? Active.Read(buffer) : throw new InvalidOperationException("Rewind first.");

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _reading ? Active.ReadAsync(buffer, cancellationToken) : throw new InvalidOperationException("Rewind first.");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Flushing must not reach the client: nothing leaves before the reply is stored.
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _memory?.Dispose();
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_memory is not null)
        {
            await _memory.DisposeAsync();
        }

        if (_file is not null)
        {
            await _file.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
