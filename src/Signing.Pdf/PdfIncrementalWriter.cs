using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Signing.Pdf.Internal;

namespace Signing.Pdf;

/// <summary>Where a finished incremental update put things.</summary>
/// <param name="Length">The total length of the written file.</param>
/// <param name="StartXref">The offset of the new cross-reference section.</param>
/// <param name="PlaceholderOffsets">The absolute offset of each <see cref="PdfPlaceholder"/> written.</param>
public sealed record PdfIncrementalWriteResult(long Length, long StartXref, IReadOnlyDictionary<PdfPlaceholder, long> PlaceholderOffsets);

/// <summary>
/// Appends an incremental update (ISO 32000-1 §7.5.6): the original bytes are copied verbatim, followed by the new and
/// changed objects and a cross-reference section of the same kind as the file's last one, with /Prev and /Size.
/// </summary>
public sealed class PdfIncrementalWriter
{
    // Room for the dictionaries, the xref section and the trailer beside the streams and placeholders counted exactly.
    private const int UpdateStructureBytes = 8 * 1024;

    private readonly PdfReader reader;
    private readonly SortedDictionary<int, (PdfReference Reference, PdfObject Value)> pending = [];
    private int nextObjectNumber;

    /// <summary>Starts an update of the document the reader has open.</summary>
    /// <param name="reader">The reader over the original file.</param>
    public PdfIncrementalWriter(PdfReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.Encryption is { } encryption)
        {
            // The writer does not encrypt; objects added in the clear to an encrypted file would read as garbage.
            throw new PdfEncryptedException($"The PDF is encrypted ({encryption}); remove the encryption (e.g. qpdf --decrypt) before signing or changing it");
        }

        this.reader = reader;
        nextObjectNumber = Math.Max(1, reader.Size);
    }

    /// <summary>The reader over the original document.</summary>
    public PdfReader Reader => reader;

    /// <summary>Adds a new indirect object and returns its reference.</summary>
    /// <param name="value">The object (not a reference).</param>
    public PdfReference AddObject(PdfObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var reference = new PdfReference(nextObjectNumber++, 0);
        pending[reference.ObjectNumber] = (reference, value);
        return reference;
    }

    /// <summary>Replaces an existing indirect object in the update.</summary>
    /// <param name="reference">The object to replace.</param>
    /// <param name="value">The new value.</param>
    public void SetObject(PdfReference reference, PdfObject value)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(value);
        pending[reference.ObjectNumber] = (reference, value);
    }

    /// <summary>The object as the update will leave it: the pending value when changed, otherwise the original.</summary>
    /// <param name="reference">The reference.</param>
    public PdfObject GetObject(PdfReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return pending.TryGetValue(reference.ObjectNumber, out var changed) ? changed.Value : reader.GetObject(reference);
    }

    /// <summary>Follows a reference through <see cref="GetObject"/>; other values are returned as they are.</summary>
    /// <param name="value">The object or reference.</param>
    public PdfObject? Resolve(PdfObject? value) => value is PdfReference reference ? GetObject(reference) : value;

    /// <summary>Writes the original file followed by the update.</summary>
    /// <param name="output">Where to write; offsets are counted from its current position, which becomes byte 0 of the file.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    public async Task<PdfIncrementalWriteResult> WriteToAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var source = reader.Source;
        source.Position = 0;
        var copied = await CopyExactlyAsync(source, output, reader.Length, cancellationToken).ConfigureAwait(false);

        // Sized from what is pending (a signing update is mostly its /Contents placeholder and appearance streams): one
        // allocation of about the right size, instead of doubling through small steps or a fixed worst case.
        using var update = new MemoryStream(EstimatedUpdateBytes());
        if (copied > 0 && LastByte(source) is not ((byte)'\n' or (byte)'\r'))
        {
            update.WriteByte((byte)'\n');
        }

        var serializer = new ObjectSerializer(update);
        var offsets = new SortedDictionary<int, (PdfReference Reference, long Offset)>();
        foreach (var (number, (reference, value)) in pending)
        {
            offsets[number] = (reference, copied + update.Position);
            serializer.WriteIndirect(reference, value);
        }

        var startXref = copied + update.Position;
        if (reader.LastXrefKind == PdfXrefKind.Table)
        {
            WriteTable(update, offsets);
        }
        else
        {
            WriteXrefStream(update, serializer, offsets, startXref);
        }

        update.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"startxref\n{startXref}\n%%EOF\n")));
        await output.WriteAsync(update.GetBuffer().AsMemory(0, (int)update.Length), cancellationToken).ConfigureAwait(false);

        var placeholderOffsets = serializer.Placeholders.ToDictionary(p => p.Placeholder, p => copied + p.Offset);
        return new PdfIncrementalWriteResult(copied + update.Length, startXref, placeholderOffsets);
    }

    private int EstimatedUpdateBytes()
    {
        long bytes = UpdateStructureBytes;
        foreach (var (_, (_, value)) in pending)
        {
            var dictionary = value as PdfDictionary;
            if (value is PdfStream stream)
            {
                bytes += stream.EncodedData.Length;
                dictionary = stream.Dictionary;
            }

            foreach (var (_, entry) in dictionary?.Entries ?? [])
            {
                bytes += entry is PdfPlaceholder placeholder ? placeholder.InitialBytes.Length : 0;
            }
        }

        return (int)Math.Min(bytes, Array.MaxLength);
    }

    private static async Task<long> CopyExactlyAsync(Stream source, Stream output, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        long copied = 0;
        try
        {
            while (copied < length)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - copied)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("The source PDF ended while copying it");
                }

                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                copied += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return copied;
    }

    private int LastByte(Stream source)
    {
        source.Position = reader.Length - 1;
        return source.ReadByte();
    }

    private PdfDictionary NewTrailerEntries(int size, long previous)
    {
        var trailer = new PdfDictionary
        {
            ["Size"] = new PdfInteger(size),
            ["Root"] = reader.Trailer["Root"],
            ["Info"] = reader.Trailer["Info"],
            ["Prev"] = new PdfInteger(previous),
        };

        // §14.4: the first ID element stays fixed for the document's life; the second changes with each update.
        var first = (reader.Trailer["ID"] as PdfArray)?.Items.FirstOrDefault() as PdfString
            ?? new PdfString(RandomNumberGenerator.GetBytes(16), isHex: true);
        trailer["ID"] = new PdfArray(first, new PdfString(RandomNumberGenerator.GetBytes(16), isHex: true));
        return trailer;
    }

    private void WriteTable(MemoryStream update, SortedDictionary<int, (PdfReference Reference, long Offset)> offsets)
    {
        var text = new StringBuilder("xref\n");
        foreach (var run in ContiguousRuns(offsets.Keys))
        {
            text.Append(CultureInfo.InvariantCulture, $"{run.First} {run.Count}\n");
            for (var number = run.First; number < run.First + run.Count; number++)
            {
                var (reference, offset) = offsets[number];
                text.Append(CultureInfo.InvariantCulture, $"{offset:D10} {reference.Generation:D5} n\r\n");
            }
        }

        text.Append("trailer\n");
        update.Write(Encoding.ASCII.GetBytes(text.ToString()));
        var trailer = NewTrailerEntries(Math.Max(reader.Size, nextObjectNumber), reader.StartXref);
        new ObjectSerializer(update).Write(trailer, 0);
        update.WriteByte((byte)'\n');
    }

    private void WriteXrefStream(MemoryStream update, ObjectSerializer serializer, SortedDictionary<int, (PdfReference Reference, long Offset)> offsets, long streamOffset)
    {
        var self = new PdfReference(nextObjectNumber, 0);
        offsets[self.ObjectNumber] = (self, streamOffset);
        var offsetWidth = 1;
        while (offsetWidth < 8 && streamOffset >= 1L << (8 * offsetWidth))
        {
            offsetWidth++;
        }

        var rows = new MemoryStream();
        foreach (var (_, (reference, offset)) in offsets)
        {
            rows.WriteByte(1);
            for (var shift = (offsetWidth - 1) * 8; shift >= 0; shift -= 8)
            {
                rows.WriteByte((byte)(offset >> shift));
            }

            rows.WriteByte((byte)(reference.Generation >> 8));
            rows.WriteByte((byte)reference.Generation);
        }

        using var compressed = new MemoryStream();
        using (var deflater = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            rows.Position = 0;
            rows.CopyTo(deflater);
        }

        var index = new PdfArray();
        foreach (var run in ContiguousRuns(offsets.Keys))
        {
            index.Items.Add(new PdfInteger(run.First));
            index.Items.Add(new PdfInteger(run.Count));
        }

        var dictionary = new PdfDictionary
        {
            ["Type"] = new PdfName("XRef"),
            ["W"] = new PdfArray(new PdfInteger(1), new PdfInteger(offsetWidth), new PdfInteger(2)),
            ["Index"] = index,
            ["Filter"] = new PdfName("FlateDecode"),
        };
        foreach (var (key, value) in NewTrailerEntries(self.ObjectNumber + 1, reader.StartXref).Entries)
        {
            dictionary[key] = value;
        }

        serializer.WriteIndirect(self, new PdfStream(dictionary, compressed.ToArray()));
    }

    private static IEnumerable<(int First, int Count)> ContiguousRuns(IEnumerable<int> sortedNumbers)
    {
        int? first = null;
        var count = 0;
        foreach (var number in sortedNumbers)
        {
            if (first is { } start && number == start + count)
            {
                count++;
                continue;
            }

            if (first is { } previous)
            {
                yield return (previous, count);
            }

            first = number;
            count = 1;
        }

        if (first is { } last)
        {
            yield return (last, count);
        }
    }
}
