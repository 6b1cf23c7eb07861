using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Signing.Pdf.Drawing;

/// <summary>A TrueType font file is malformed, lacks a needed table or glyph, or exceeds the size limits.</summary>
public sealed class FontFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public FontFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public FontFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public FontFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The parts of a TrueType (glyf-outline) font that embedding needs: the Unicode cmap, advance widths, metrics, and a
/// subsetter that keeps glyph ids but empties every glyph not used (plus composite components), so the program stays
/// valid with CIDToGIDMap /Identity.
/// </summary>
internal sealed class TrueTypeFont
{
    public const int MaxFontBytes = 32 * 1024 * 1024;
    private const int MaxCompositeDepth = 16;
    // What a CIDFontType2 program needs (ISO 32000-1 §9.9), plus cmap so the subset stays a self-describing font;
    // post, name and OS/2 (glyph names, strings) are dropped: they are large and PDF does not read them.
    private static readonly string[] KeptTables = ["head", "cmap", "hhea", "maxp", "hmtx", "cvt ", "fpgm", "prep"];

    // Font paths come from configuration (the fallbacks), so a handful; the bound only guards against a caller
    // that would name a new path each time.
    private const int MaxSharedFiles = 64;
    private static readonly ConditionalWeakTable<byte[], TrueTypeFont> ParsedPrograms = new();
    private static readonly ConcurrentDictionary<string, ((long Length, DateTime Written) Stamp, TrueTypeFont Font)> ParsedFiles = new(StringComparer.Ordinal);

    // Signature appearances draw the same few lines (an official's name and title, an agency's name) again and again, and
    // compressing the subset program was most of the cost of embedding a font. Bounded: a caller drawing a new glyph
    // set each time only refills it.
    private const int MaxCachedSubsets = 256;
    private readonly ConcurrentDictionary<string, (int Length, byte[] Deflated)> deflatedSubsets = new(StringComparer.Ordinal);

    private readonly byte[] data;
    private readonly Dictionary<string, (int Offset, int Length)> tables;
    private readonly Dictionary<int, int> cmap;
    private readonly int[] locations;

    private TrueTypeFont(byte[] data)
    {
        this.data = data;
        tables = ReadTableDirectory(data);
        var head = Table("head");
        UnitsPerEm = BinaryPrimitives.ReadUInt16BigEndian(head[18..]);
        if (UnitsPerEm is < 16 or > 16384)
        {
            throw new FontFormatException($"head.unitsPerEm {UnitsPerEm} is out of range");
        }

        BoundingBox = [ReadInt16(head, 36), ReadInt16(head, 38), ReadInt16(head, 40), ReadInt16(head, 42)];
        var longOffsets = ReadInt16(head, 50) == 1;
        GlyphCount = BinaryPrimitives.ReadUInt16BigEndian(Table("maxp")[4..]);
        var hhea = Table("hhea");
        Ascent = ReadInt16(hhea, 4);
        Descent = ReadInt16(hhea, 6);
        var metrics = BinaryPrimitives.ReadUInt16BigEndian(hhea[34..]);
        var hmtx = Table("hmtx");
        if (metrics == 0 || metrics > GlyphCount || hmtx.Length < metrics * 4)
        {
            throw new FontFormatException("hhea.numberOfHMetrics does not fit hmtx");
        }

        Advances = new int[GlyphCount];
        for (var g = 0; g < GlyphCount; g++)
        {
            Advances[g] = BinaryPrimitives.ReadUInt16BigEndian(hmtx[(Math.Min(g, metrics - 1) * 4)..]);
        }

        var loca = Table("loca");
        locations = new int[GlyphCount + 1];
        var glyfLength = Table("glyf").Length;
        for (var g = 0; g <= GlyphCount; g++)
        {
            var offset = longOffsets
                ? (long)BinaryPrimitives.ReadUInt32BigEndian(loca[(g * 4)..])
                : BinaryPrimitives.ReadUInt16BigEndian(loca[(g * 2)..]) * 2L;
            if (offset > glyfLength || (g > 0 && offset < locations[g - 1]))
            {
                throw new FontFormatException($"loca entry {g} ({offset}) is outside glyf or out of order");
            }

            locations[g] = (int)offset;
        }

        cmap = ReadCmap(Table("cmap"));
        PostScriptName = ReadPostScriptName() ?? "EmbeddedFont";
    }

    public int UnitsPerEm { get; }

    public int GlyphCount { get; }

    public int Ascent { get; }

    public int Descent { get; }

    public int[] BoundingBox { get; }

    public int[] Advances { get; }

    public string PostScriptName { get; }

    /// <summary>
    /// The parsed font of a program array, parsed once per array: every signature appearance, overlay and report draws
    /// with the same few programs, and parsing one (hundreds of kilobytes, a cmap of thousands of entries) per drawing
    /// made the collector run full collections under load. A parsed font is immutable, so threads share it.
    /// </summary>
    public static TrueTypeFont Shared(byte[] data) => ParsedPrograms.GetValue(data, Load);

    /// <summary>
    /// The parsed font of a file, read and parsed again only when the file's size or modification time changes.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TrueTypeFont SharedFile(string path)
    {
        var file = new FileInfo(path);
        var stamp = (file.Length, file.LastWriteTimeUtc);
        if (ParsedFiles.TryGetValue(path, out var cached) && cached.Stamp == stamp)
        {
            return cached.Font;
        }

        var font = Load(File.ReadAllBytes(path));
        if (ParsedFiles.Count < MaxSharedFiles || ParsedFiles.ContainsKey(path))
        {
            ParsedFiles[path] = (stamp, font);
        }

        return font;
    }

    public static TrueTypeFont Load(byte[] data)
    {
        if (data.Length > MaxFontBytes)
        {
            throw new FontFormatException($"The font is {data.Length} bytes; the limit is {MaxFontBytes}");
        }

        try
        {
            return new TrueTypeFont(data);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new FontFormatException($"The font is truncated: {e.Message}", e);
        }
    }

    /// <summary>The glyph for a Unicode scalar value, when the font has one.</summary>
    public bool TryGlyphFor(int codePoint, out int glyph) => cmap.TryGetValue(codePoint, out glyph) && glyph > 0 && glyph < GlyphCount;

    /// <summary>The glyph for a Unicode scalar value; throws naming the character when the font lacks it.</summary>
    public int GlyphFor(int codePoint) => cmap.TryGetValue(codePoint, out var glyph) && glyph > 0 && glyph < GlyphCount
        ? glyph
        : throw new FontFormatException($"The font {PostScriptName} has no glyph for U+{codePoint:X4} '{char.ConvertFromUtf32(codePoint)}'");

    /// <summary>The advance width of a glyph in 1/1000 em, as PDF /W wants it.</summary>
    public double Width(int glyph) => Advances[glyph] * 1000.0 / UnitsPerEm;

    /// <summary>
    /// <see cref="Subset"/> of <paramref name="used"/>, Flate-compressed for a <c>/FontFile2</c> stream, with the
    /// program's uncompressed length for its <c>/Length1</c>. Remembered per glyph set; the array returned is shared and
    /// must not be changed.
    /// </summary>
    public (int Length, byte[] Deflated) DeflatedSubset(IReadOnlyCollection<int> used)
    {
        ArgumentNullException.ThrowIfNull(used);
        var key = string.Join(',', used.Order());
        if (deflatedSubsets.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var program = Subset(used);
        var made = (program.Length, FlateEncoding.Deflate(program));
        if (deflatedSubsets.Count >= MaxCachedSubsets)
        {
            deflatedSubsets.Clear();
        }

        deflatedSubsets[key] = made;
        return made;
    }

    /// <summary>A font program keeping only <paramref name="used"/> glyphs (and .notdef and composite components), glyph ids unchanged.</summary>
    public byte[] Subset(IEnumerable<int> used)
    {
        var keep = new SortedSet<int> { 0 };
        foreach (var glyph in used)
        {
            AddWithComponents(glyph, keep, 0);
        }

        var glyf = Table("glyf");
        using var newGlyf = new MemoryStream();
        var newLoca = new byte[(GlyphCount + 1) * 4];
        for (var g = 0; g < GlyphCount; g++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(g * 4), (uint)newGlyf.Position);
            if (keep.Contains(g))
            {
                newGlyf.Write(glyf[locations[g]..locations[g + 1]]);
                while (newGlyf.Position % 4 != 0)
                {
                    newGlyf.WriteByte(0);
                }
            }
        }

        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(GlyphCount * 4), (uint)newGlyf.Position);
        var head = Table("head").ToArray();
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), 1);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0);
        var output = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["glyf"] = newGlyf.ToArray(),
            ["loca"] = newLoca,
            ["head"] = head,
        };
        foreach (var name in KeptTables.Where(n => n != "head" && tables.ContainsKey(n)))
        {
            output[name] = Table(name).ToArray();
        }

        return WriteFont(output);
    }

    private void AddWithComponents(int glyph, SortedSet<int> keep, int depth)
    {
        if (glyph < 0 || glyph >= GlyphCount)
        {
            throw new FontFormatException($"Glyph {glyph} is outside the font's {GlyphCount} glyphs");
        }

        if (depth > MaxCompositeDepth)
        {
            throw new FontFormatException($"Composite glyphs nest deeper than {MaxCompositeDepth}");
        }

        if (!keep.Add(glyph) && depth > 0)
        {
            return;
        }

        var outline = Table("glyf")[locations[glyph]..locations[glyph + 1]];
        if (outline.Length < 10 || ReadInt16(outline, 0) >= 0)
        {
            return;
        }

        // Composite glyph (OpenType glyf §composite): flags, glyphIndex, arguments, optional transform; repeat while MORE_COMPONENTS.
        var position = 10;
        for (var component = 0; component < 256; component++)
        {
            var flags = BinaryPrimitives.ReadUInt16BigEndian(outline[position..]);
            AddWithComponents(BinaryPrimitives.ReadUInt16BigEndian(outline[(position + 2)..]), keep, depth + 1);
            position += 4 + ((flags & 0x0001) != 0 ? 4 : 2);
            position += (flags & 0x0008) != 0 ? 2 : (flags & 0x0040) != 0 ? 4 : (flags & 0x0080) != 0 ? 8 : 0;
            if ((flags & 0x0020) == 0)
            {
                return;
            }
        }

        throw new FontFormatException($"Composite glyph {glyph} has more than 256 components");
    }

    private static byte[] WriteFont(SortedDictionary<string, byte[]> output)
    {
        var count = output.Count;
        var searchRange = 1;
        var selector = 0;
        while (searchRange * 2 <= count)
        {
            searchRange *= 2;
            selector++;
        }

        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)(searchRange * 16));
        BinaryPrimitives.WriteUInt16BigEndian(header[8..], (ushort)selector);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)((count * 16) - (searchRange * 16)));
        stream.Write(header);
        var offset = 12 + (16 * count);
        var records = new byte[16 * count];
        var index = 0;
        foreach (var (tag, table) in output)
        {
            var record = records.AsSpan(index++ * 16, 16);
            Encoding.ASCII.GetBytes(tag, record);
            BinaryPrimitives.WriteUInt32BigEndian(record[4..], Checksum(table));
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(record[12..], (uint)table.Length);
            offset += (table.Length + 3) & ~3;
        }

        stream.Write(records);
        long headOffset = 0;
        foreach (var (tag, table) in output)
        {
            if (tag == "head")
            {
                headOffset = stream.Position;
            }

            stream.Write(table);
            while (stream.Position % 4 != 0)
            {
                stream.WriteByte(0);
            }
        }

        var font = stream.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan((int)headOffset + 8), unchecked(0xB1B0AFBA - Checksum(font)));
        return font;
    }

    private static uint Checksum(ReadOnlySpan<byte> table)
    {
        uint sum = 0;
        for (var i = 0; i < table.Length; i += 4)
        {
            uint word = 0;
            for (var j = 0; j < 4; j++)
            {
                word = (word << 8) | (i + j < table.Length ? table[i + j] : 0u);
            }

            sum = unchecked(sum + word);
        }

        return sum;
    }

    private static Dictionary<string, (int Offset, int Length)> ReadTableDirectory(byte[] data)
    {
        var version = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (version is not (0x00010000 or 0x74727565))
        {
            throw new FontFormatException($"Not a TrueType font (sfnt version 0x{version:X8}); OpenType CFF and collections are not supported");
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4));
        var result = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var record = data.AsSpan(12 + (16 * i), 16);
            var tag = Encoding.ASCII.GetString(record[..4]);
            var offset = BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            if (offset > (uint)data.Length || length > (uint)data.Length - offset)
            {
                throw new FontFormatException($"Font table '{tag}' lies outside the file");
            }

            result[tag] = ((int)offset, (int)length);
        }

        return result;
    }

    private ReadOnlySpan<byte> Table(string tag) => tables.TryGetValue(tag, out var location)
        ? data.AsSpan(location.Offset, location.Length)
        : throw new FontFormatException($"The font has no '{tag}' table (only TrueType-outline fonts can be embedded)");

    private static short ReadInt16(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadInt16BigEndian(span[offset..]);

    /// <summary>Unicode mappings from a format 4 (BMP) or format 12 (full range) subtable of platform 3 or 0.</summary>
    private static Dictionary<int, int> ReadCmap(ReadOnlySpan<byte> cmap)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(cmap[2..]);
        int best = -1, bestFormat = 0;
        for (var i = 0; i < count; i++)
        {
            var platform = BinaryPrimitives.ReadUInt16BigEndian(cmap[(4 + (8 * i))..]);
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(cmap[(6 + (8 * i))..]);
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(cmap[(8 + (8 * i))..]);
            if (!(platform == 0 || (platform == 3 && encoding is 1 or 10)))
            {
                continue;
            }

            var format = BinaryPrimitives.ReadUInt16BigEndian(cmap[offset..]);
            if ((format == 12 && bestFormat != 12) || (format == 4 && bestFormat == 0))
            {
                best = offset;
                bestFormat = format;
            }
        }

        var map = new Dictionary<int, int>();
        if (best < 0)
        {
            throw new FontFormatException("The font has no Unicode cmap (format 4 or 12)");
        }

        var table = cmap[best..];
        if (bestFormat == 12)
        {
            var groups = BinaryPrimitives.ReadUInt32BigEndian(table[12..]);
            for (var g = 0; g < Math.Min(groups, 100_000u); g++)
            {
                var group = table[(16 + (12 * (int)g))..];
                var start = BinaryPrimitives.ReadUInt32BigEndian(group);
                var end = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(group[4..]), 0x10FFFF);
                var glyph = BinaryPrimitives.ReadUInt32BigEndian(group[8..]);
                for (var c = start; c <= end && end - start < 0x10000; c++)
                {
                    map[(int)c] = (int)(glyph + c - start);
                }
            }

            return map;
        }

        var segments = BinaryPrimitives.ReadUInt16BigEndian(table[6..]) / 2;
        var ends = 14;
        var starts = ends + (2 * segments) + 2;
        var deltas = starts + (2 * segments);
        var rangeOffsets = deltas + (2 * segments);
        for (var s = 0; s < segments; s++)
        {
            int end = BinaryPrimitives.ReadUInt16BigEndian(table[(ends + (2 * s))..]);
            int start = BinaryPrimitives.ReadUInt16BigEndian(table[(starts + (2 * s))..]);
            var delta = BinaryPrimitives.ReadInt16BigEndian(table[(deltas + (2 * s))..]);
            int rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(table[(rangeOffsets + (2 * s))..]);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    var at = rangeOffsets + (2 * s) + rangeOffset + (2 * (c - start));
                    glyph = BinaryPrimitives.ReadUInt16BigEndian(table[at..]);
                    glyph = glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }

                map[c] = glyph;
            }
        }

        return map;
    }

    private string? ReadPostScriptName()
    {
        if (!tables.ContainsKey("name"))
        {
            return null;
        }

        var name = Table("name");
        var count = BinaryPrimitives.ReadUInt16BigEndian(name[2..]);
        var strings = BinaryPrimitives.ReadUInt16BigEndian(name[4..]);
        for (var i = 0; i < count; i++)
        {
            var record = name[(6 + (12 * i))..];
            var platform = BinaryPrimitives.ReadUInt16BigEndian(record);
            var nameId = BinaryPrimitives.ReadUInt16BigEndian(record[6..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(record[8..]);
            var offset = BinaryPrimitives.ReadUInt16BigEndian(record[10..]);
            if (nameId == 6 && platform is 3 or 1)
            {
                var bytes = name.Slice(strings + offset, length);
                var text = platform == 3 ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.ASCII.GetString(bytes);
                var clean = new string([.. text.Where(c => c is > ' ' and < (char)0x7F and not ('[' or ']' or '(' or ')' or '{' or '}' or '<' or '>' or '/' or '%'))]);
                return clean.Length > 0 ? clean : null;
            }
        }

        return null;
    }
}
