using Signing.Pdf.Internal;

namespace Signing.Pdf;

/// <summary>Cross-reference loading: startxref, tables, streams, hybrid files and /Prev chains.</summary>
public sealed partial class PdfReader
{
    private const int EofSearchWindow = 4096;

    private sealed record XrefSection(long Offset, PdfXrefKind Kind, PdfDictionary Trailer, Dictionary<int, XrefEntry> Entries, long EndOfSection);

    private void Load()
    {
        CheckHeader();
        StartXref = FindStartXref();
        var sections = new List<XrefSection>();
        var visited = new HashSet<long>();

        // Every section read, by offset, so a /XRefStm that names one again reuses it instead of parsing it twice.
        var read = new Dictionary<long, XrefSection>();
        long? offset = StartXref;
        while (offset is { } current)
        {
            if (sections.Count >= Limits.MaxXrefSections)
            {
                throw new PdfFormatException($"More than {Limits.MaxXrefSections} cross-reference sections in the /Prev chain");
            }

            if (!visited.Add(current))
            {
                throw new PdfFormatException($"The cross-reference /Prev chain loops back to byte offset {current}");
            }

            var section = ReadSection(current, "cross-reference section");
            read[current] = section;
            if (section.Kind == PdfXrefKind.Table && section.Trailer["XRefStm"] is PdfInteger { Value: var streamOffset })
            {
                // Some writers copy the trailer forward, /XRefStm included, so two revisions name one stream (Acrobat reads
                // such files). The stream's own /Prev is never followed, so reusing it cannot loop; the /Prev chain keeps its guard.
                if (!read.TryGetValue(streamOffset, out var hybrid))
                {
                    hybrid = ReadSection(streamOffset, "/XRefStm cross-reference stream");
                    if (hybrid.Kind != PdfXrefKind.Stream)
                    {
                        throw new PdfFormatException($"/XRefStm {streamOffset} of the section at byte offset {current} is not a cross-reference stream");
                    }

                    read[streamOffset] = hybrid;
                }

                MergeHybridStream(section, hybrid);
            }

            entries.EnsureCapacity(entries.Count + section.Entries.Count);
            foreach (var (number, entry) in section.Entries)
            {
                entries.TryAdd(number, entry);
            }

            sections.Add(section);
            offset = section.Trailer["Prev"] switch
            {
                null => null,
                PdfInteger { Value: >= 0 } prev => prev.Value,
                _ => throw new PdfFormatException($"The trailer at byte offset {current} has a /Prev that is not a non-negative integer"),
            };
        }

        var newest = sections[0];
        Trailer = newest.Trailer;
        LastXrefKind = newest.Kind;
        if (Trailer.ContainsKey("Encrypt"))
        {
            OpenEncryption();
        }

        var declaredSize = Trailer["Size"] switch
        {
            PdfInteger { Value: var size } when size >= 0 && size <= maxObjectNumber + 1 => (int)size,
            PdfInteger { Value: var size } => throw new PdfFormatException($"Trailer /Size {size} is negative or above the limit of {maxObjectNumber + 1} for a file of {Length} bytes"),
            _ => throw new PdfFormatException("The trailer has no integer /Size"),
        };
        Size = Math.Max(declaredSize, entries.Count == 0 ? 0 : entries.Keys.Max() + 1);
        revisions = BuildRevisions(sections);

        if (Trailer["Root"] is not PdfReference)
        {
            throw new PdfFormatException("The trailer has no /Root reference to the catalog");
        }

        _ = Catalog;
    }

    /// <summary>
    /// Refuses an encrypted document unless reading was asked for; then sets up the standard security handler. The
    /// /Encrypt dictionary and the objects read so far (stream lengths) are in the clear, and the cache is emptied so
    /// that nothing read before decryption was set up is served afterwards.
    /// </summary>
    private void OpenEncryption()
    {
        if (Decryption == PdfDecryption.Refuse)
        {
            throw new PdfEncryptedException("The PDF is encrypted (/Encrypt in the trailer); encrypted documents are not supported here");
        }

        var encrypt = ResolveDictionary(Trailer["Encrypt"], "trailer /Encrypt");
        var firstId = Resolve(Trailer["ID"]) is PdfArray { Count: > 0 } id && Resolve(id[0]) is PdfString first ? first.Bytes : [];
        security = StandardSecurityHandler.Open(encrypt, firstId);
        cache.Clear();
        cacheOrder.Clear();
        objectStreams.Clear();
        objectStreamBytes = 0;
    }

    private void CheckHeader()
    {
        input.Seek(0);
        var head = input.ReadBytes((int)Math.Min(1024, Length));
        if (head.AsSpan().IndexOf("%PDF-"u8) < 0)
        {
            throw new PdfFormatException("Not a PDF: no '%PDF-' header in the first 1024 bytes");
        }
    }

    private long FindStartXref()
    {
        var window = (int)Math.Min(Limits.StartXrefSearchWindow, Length);
        input.Seek(Length - window);
        var tail = input.ReadBytes(window);
        var at = tail.AsSpan().LastIndexOf("startxref"u8);
        if (at < 0)
        {
            throw new PdfFormatException($"'startxref' not found in the last {window} bytes of the file (truncated, or garbage after %%EOF)");
        }

        input.Seek(Length - window + at + "startxref".Length);
        var offset = parser.ReadNonNegativeInteger("the startxref offset");
        if (offset >= Length)
        {
            throw new PdfFormatException($"startxref {offset} points beyond the end of the file (length {Length})");
        }

        return offset;
    }

    private XrefSection ReadSection(long offset, string what)
    {
        if (offset < 0 || offset >= Length)
        {
            throw new PdfFormatException($"The {what} offset {offset} is outside the file (length {Length})");
        }

        input.Seek(offset);
        parser.SkipWhitespace();
        var start = input.Position;
        if (parser.ReadKeyword() == "xref")
        {
            return ReadTable(offset);
        }

        input.Seek(start);
        if (!char.IsAsciiDigit((char)Math.Max(0, input.Peek())))
        {
            PdfFormatException.ThrowAt(offset, $"The {what} is neither an 'xref' table nor an object");
        }

        return ReadXrefStream(offset);
    }

    private XrefSection ReadTable(long offset)
    {
        var sectionEntries = new Dictionary<int, XrefEntry>();
        while (true)
        {
            parser.SkipWhitespace();
            var lineStart = input.Position;
            if (!char.IsAsciiDigit((char)Math.Max(0, input.Peek())))
            {
                break;
            }

            var first = parser.ReadNonNegativeInteger("a subsection start");
            var count = parser.ReadNonNegativeInteger("a subsection count");
            if (first + count > maxObjectNumber + 1 || count * 18 > Length - input.Position)
            {
                PdfFormatException.ThrowAt(lineStart, $"xref subsection {first} {count} is larger than the file or the object limit allows");
            }

            for (var i = 0; i < count; i++)
            {
                var entryStart = input.Position;
                var field1 = parser.ReadNonNegativeInteger("an xref entry offset");
                var field2 = parser.ReadNonNegativeInteger("an xref entry generation");
                var type = parser.ReadKeyword();
                var number = (int)(first + i);
                if (field2 > 65535)
                {
                    PdfFormatException.ThrowAt(entryStart, $"xref entry for object {number} has generation {field2}");
                }

                var entry = type switch
                {
                    "n" => XrefEntry.InUse(field1, (int)field2),
                    "f" => XrefEntry.Free((int)field2),
                    _ => Fail<XrefEntry>(entryStart, $"xref entry for object {number} has type '{ObjectParser.Printable(type)}' instead of 'n' or 'f'"),
                };

                // Object 0 heads the free list; an in-use entry at offset 0 is a common writer bug meaning "free".
                if (entry.Kind == XrefEntryKind.InUse && field1 == 0)
                {
                    entry = XrefEntry.Free((int)field2);
                }

                sectionEntries[number] = entry;
            }
        }

        parser.ExpectKeyword("trailer");
        parser.SkipWhitespace();
        if (parser.ParseObject() is not PdfDictionary trailer)
        {
            throw new PdfFormatException($"The trailer of the xref table at byte offset {offset} is not a dictionary");
        }

        return new XrefSection(offset, PdfXrefKind.Table, trailer, sectionEntries, input.Position);
    }

    private XrefSection ReadXrefStream(long offset)
    {
        var (number, _, value) = ParseIndirectObjectAt(offset);
        var endOfSection = input.Position;
        if (value is not PdfStream stream || stream.Dictionary["Type"] is not PdfName { Value: "XRef" })
        {
            throw new PdfFormatException($"Object {number} at byte offset {offset} is not a cross-reference stream (/Type /XRef)");
        }

        var context = $"cross-reference stream {number} at byte offset {offset}";
        var dictionary = stream.Dictionary;
        var widths = (dictionary["W"] as PdfArray)?.Items;
        if (widths is not { Count: 3 } || widths.Any(w => w is not PdfInteger { Value: >= 0 and <= 8 }))
        {
            throw new PdfFormatException($"{context}: /W must be three integers from 0 to 8");
        }

        var w = widths.Select(x => (int)((PdfInteger)x).Value).ToArray();
        var rowWidth = w[0] + w[1] + w[2];
        if (dictionary["Size"] is not PdfInteger { Value: var size } || size < 0 || size > maxObjectNumber + 1)
        {
            throw new PdfFormatException($"{context}: /Size is missing, negative or above the limit of {maxObjectNumber + 1}");
        }

        var ranges = new List<(long First, long Count)>();
        if (dictionary["Index"] is PdfArray index)
        {
            if (index.Count % 2 != 0 || index.Items.Any(x => x is not PdfInteger { Value: >= 0 }))
            {
                throw new PdfFormatException($"{context}: /Index must hold pairs of non-negative integers");
            }

            for (var i = 0; i < index.Count; i += 2)
            {
                ranges.Add((((PdfInteger)index[i]).Value, ((PdfInteger)index[i + 1]).Value));
            }
        }
        else
        {
            ranges.Add((0, size));
        }

        if (ranges.Count > maxObjectNumber || ranges.Any(r => r.First + r.Count > maxObjectNumber + 1))
        {
            throw new PdfFormatException($"{context}: /Index reaches past the object limit of {maxObjectNumber + 1}");
        }

        var data = StreamDecoder.Decode(stream, Limits.MaxStructureStreamBytes, context, Budget);
        var totalRows = ranges.Sum(r => r.Count);
        if (rowWidth > 0 && totalRows > data.Length / rowWidth)
        {
            throw new PdfFormatException($"{context}: /Index covers {totalRows} entries but the data holds {data.Length / rowWidth}");
        }

        var sectionEntries = new Dictionary<int, XrefEntry>((int)Math.Min(totalRows, 65_536));
        var position = 0;
        foreach (var (first, count) in ranges)
        {
            for (var i = 0; i < count; i++)
            {
                var type = w[0] == 0 ? 1 : ReadField(data, ref position, w[0]);
                var field2 = ReadField(data, ref position, w[1]);
                var field3 = ReadField(data, ref position, w[2]);
                var objectNumber = (int)(first + i);
                XrefEntry? entry = type switch
                {
                    0 => XrefEntry.Free((int)Math.Min(field3, 65535)),
                    1 => field3 <= 65535 ? XrefEntry.InUse(field2, (int)field3) : throw new PdfFormatException($"{context}: object {objectNumber} has generation {field3}"),
                    2 => field2 <= int.MaxValue && field3 <= int.MaxValue
                        ? XrefEntry.Compressed((int)field2, (int)field3)
                        : throw new PdfFormatException($"{context}: object {objectNumber} has an out-of-range object stream reference"),

                    // §7.5.8.3: other types are reserved and read as references to the null object.
                    _ => null,
                };
                if (entry is { } decoded)
                {
                    sectionEntries[objectNumber] = decoded;
                }
            }
        }

        return new XrefSection(offset, PdfXrefKind.Stream, dictionary, sectionEntries, endOfSection);
    }

    private static long ReadField(byte[] data, ref int position, int width)
    {
        long value = 0;
        for (var i = 0; i < width; i++)
        {
            value = (value << 8) | data[position++];
        }

        return value;
    }

    /// <summary>§7.5.8.4: in a hybrid file the /XRefStm entries fill objects the table omits or marks free.</summary>
    private static void MergeHybridStream(XrefSection table, XrefSection stream)
    {
        foreach (var (number, entry) in stream.Entries)
        {
            if (!table.Entries.TryGetValue(number, out var existing) || existing.Kind == XrefEntryKind.Free)
            {
                table.Entries[number] = entry;
            }
        }
    }

    private List<PdfRevision> BuildRevisions(List<XrefSection> newestFirst)
    {
        var result = new List<PdfRevision>();
        for (var i = newestFirst.Count - 1; i >= 0; i--)
        {
            var section = newestFirst[i];
            var end = FindEndOfRevision(section.EndOfSection, newest: i == 0);

            // A linearised file's first-page section sits before the main one yet is newer in the chain:
            // both belong to one revision, which ends at the later %%EOF.
            if (result.Count > 0 && end <= result[^1].EndOffset)
            {
                result[^1] = result[^1] with { XrefOffset = section.Offset, XrefKind = section.Kind };
                continue;
            }

            result.Add(new PdfRevision(result.Count, section.Offset, end, section.Kind));
        }

        return result;
    }

    /// <summary>
    /// The byte after the first %%EOF following a section. Writers that omit %%EOF exist; rather than refuse the file,
    /// such a revision is taken to end where its section ends (or at the end of the file for the newest).
    /// </summary>
    private long FindEndOfRevision(long endOfSection, bool newest)
    {
        var window = (int)Math.Min(EofSearchWindow, Length - endOfSection);
        input.Seek(endOfSection);
        var bytes = input.ReadBytes(window);
        var at = bytes.AsSpan().IndexOf("%%EOF"u8);
        if (at < 0)
        {
            return newest ? Length : endOfSection;
        }

        return endOfSection + at + 5;
    }

    private static T Fail<T>(long offset, string message)
    {
        PdfFormatException.ThrowAt(offset, message);
        return default!;
    }
}
