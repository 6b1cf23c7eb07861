using System.Globalization;
using Signing.Pdf.Internal;

namespace Signing.Pdf;

/// <summary>
/// Reads a PDF on demand from a seekable stream: cross-reference tables and streams, hybrid files, object streams and
/// /Prev chains. Objects are parsed when asked for and kept in a small cache. The reader does not own the stream.
/// Not thread-safe.
/// </summary>
public sealed partial class PdfReader
{
    private const int MaxCachedStreamBytes = 64 * 1024;
    private readonly ByteInput input;
    private readonly ObjectParser parser;
    private readonly Dictionary<int, XrefEntry> entries = [];
    private readonly Dictionary<int, PdfObject> cache = [];
    private readonly Queue<int> cacheOrder = new();
    private readonly Dictionary<int, ParsedObjectStream> objectStreams = [];
    private readonly Stack<int> resolving = new();
    private readonly int maxObjectNumber;
    private List<PdfRevision> revisions = [];
    private long objectStreamBytes;
    private StandardSecurityHandler? security;

    /// <summary>
    /// Objects parsed, by file offset, before decryption; shared with readers over an earlier revision of the same file
    /// (<see cref="OpenRevision"/>), whose bytes up to their end are the same, so a validator comparing revisions parses
    /// each object once. Bounded like the object cache.
    /// </summary>
    private Dictionary<long, ParsedAtOffset> parsedByOffset = [];

    private PdfReader(Stream stream, PdfReaderLimits limits, PdfDecryption decryption)
    {
        Limits = limits;
        Decryption = decryption;
        Source = stream;
        Budget = limits.BudgetOrNew();
        input = new ByteInput(stream);
        parser = new ObjectParser(input, limits, "PDF", Budget);
        maxObjectNumber = limits.EffectiveMaxObjectNumber(input.Length);
        Trailer = new PdfDictionary();
    }

    /// <summary>The limits in force.</summary>
    public PdfReaderLimits Limits { get; }

    /// <summary>
    /// What reading this document may still cost: <see cref="PdfReaderLimits.Budget"/> when the limits carry one (shared
    /// by the readers of one request), else this document's own, shared with the readers of its earlier revisions.
    /// </summary>
    public PdfResourceBudget Budget { get; private init; }

    /// <summary>Whether an encrypted document is refused or read.</summary>
    public PdfDecryption Decryption { get; }

    /// <summary>
    /// How the document is encrypted (e.g. "AES-256 (R6)") when it is and was opened with
    /// <see cref="PdfDecryption.EmptyUserPassword"/>; null for a document in the clear. Strings and streams read from
    /// such a document are decrypted; writing to it is refused.
    /// </summary>
    public string? Encryption => security?.Description;

    /// <summary>The length of the file in bytes.</summary>
    public long Length => input.Length;

    /// <summary>The newest trailer (for a cross-reference stream, its dictionary).</summary>
    public PdfDictionary Trailer { get; private set; }

    /// <summary>The revisions, oldest first; the last one is the current document.</summary>
    public IReadOnlyList<PdfRevision> Revisions => revisions;

    /// <summary>The offset the final <c>startxref</c> points to.</summary>
    public long StartXref { get; private set; }

    /// <summary>The kind of the newest cross-reference section.</summary>
    public PdfXrefKind LastXrefKind { get; private set; }

    /// <summary>One more than the highest object number in use (at least the trailer's /Size).</summary>
    public int Size { get; private set; }

    /// <summary>The document catalog (/Root).</summary>
    public PdfDictionary Catalog => ResolveDictionary(Trailer["Root"], "trailer /Root");

    /// <summary>A reference to the catalog.</summary>
    public PdfReference CatalogReference =>
        Trailer["Root"] as PdfReference ?? throw new PdfFormatException("The trailer /Root is not an indirect reference");

    /// <summary>References to every object the cross-reference sections list as in use, in object-number order.</summary>
    public IEnumerable<PdfReference> ObjectReferences =>
        entries.Where(e => e.Value.Kind != XrefEntryKind.Free)
            .OrderBy(e => e.Key)
            .Select(e => new PdfReference(e.Key, e.Value.Kind == XrefEntryKind.InUse ? e.Value.Generation : 0));

    internal Stream Source { get; }

    /// <summary>Where the cross-reference sections put object <paramref name="objectNumber"/>, or null when they do not list it.</summary>
    internal XrefEntry? EntryOf(int objectNumber) => entries.TryGetValue(objectNumber, out var entry) ? entry : null;

    /// <summary>
    /// Opens a PDF. Throws <see cref="PdfFormatException"/> for a malformed file and <see cref="PdfEncryptedException"/>
    /// for an encrypted one, unless <paramref name="decryption"/> allows reading it.
    /// </summary>
    /// <param name="stream">A readable, seekable stream; it stays open and owned by the caller.</param>
    /// <param name="limits">Bounds on input-driven sizes; <see cref="PdfReaderLimits.Default"/> when null.</param>
    /// <param name="decryption">Whether a document encrypted with the standard security handler and an empty user password is read.</param>
    public static PdfReader Open(Stream stream, PdfReaderLimits? limits = null, PdfDecryption decryption = PdfDecryption.Refuse)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new PdfReader(stream, limits ?? PdfReaderLimits.Default, decryption);
        try
        {
            reader.Load();
        }
        catch (IOException ex)
        {
            throw new PdfFormatException("I/O error while reading the PDF structure: " + ex.Message, ex);
        }

        return reader;
    }

    /// <summary>
    /// Opens the revision of <paramref name="current"/>'s file that ends at <paramref name="revision"/> (a view of its
    /// first bytes), sharing the objects <paramref name="current"/> already parsed at the same offsets.
    /// </summary>
    internal static PdfReader OpenRevision(PdfReader current, Stream revision)
    {
        var reader = new PdfReader(revision, current.Limits with { Budget = current.Budget }, current.Decryption) { parsedByOffset = current.parsedByOffset };
        try
        {
            reader.Load();
        }
        catch (IOException ex)
        {
            throw new PdfFormatException("I/O error while reading the PDF structure: " + ex.Message, ex);
        }

        return reader;
    }

    /// <summary>Reads an indirect object; a free or missing object reads as <see cref="PdfNull"/> (ISO 32000-1 §7.3.10).</summary>
    /// <param name="reference">The reference.</param>
    public PdfObject GetObject(PdfReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (cache.TryGetValue(reference.ObjectNumber, out var cached))
        {
            return cached;
        }

        if (!entries.TryGetValue(reference.ObjectNumber, out var entry) || entry.Kind == XrefEntryKind.Free)
        {
            return PdfNull.Instance;
        }

        if (resolving.Contains(reference.ObjectNumber))
        {
            throw new PdfFormatException($"Reference cycle while resolving object {reference.ObjectNumber} (chain: {string.Join(" -> ", resolving.Reverse())} -> {reference.ObjectNumber})");
        }

        if (resolving.Count >= Limits.MaxNestingDepth)
        {
            throw new PdfFormatException($"Resolving object {reference.ObjectNumber} needs more than {Limits.MaxNestingDepth} nested object reads");
        }

        resolving.Push(reference.ObjectNumber);
        PdfObject result;
        try
        {
            result = entry.Kind == XrefEntryKind.InUse
                ? ReadIndirectObject(reference.ObjectNumber, entry)
                : ReadCompressedObject(reference.ObjectNumber, entry);
        }
        catch (IOException ex)
        {
            throw new PdfFormatException($"I/O error while reading object {reference.ObjectNumber}: {ex.Message}", ex);
        }
        finally
        {
            resolving.Pop();
        }

        AddToCache(reference.ObjectNumber, result);
        return result;
    }

    /// <summary>Follows an indirect reference; other objects are returned as they are.</summary>
    /// <param name="value">The object or reference.</param>
    public PdfObject? Resolve(PdfObject? value) => value is PdfReference reference ? GetObject(reference) : value;

    /// <summary>Resolves a value that must be a dictionary (or a stream, whose dictionary is returned).</summary>
    /// <param name="value">The object or reference.</param>
    /// <param name="what">What the value is, for the error message.</param>
    public PdfDictionary ResolveDictionary(PdfObject? value, string what) => Resolve(value) switch
    {
        PdfDictionary dictionary => dictionary,
        PdfStream stream => stream.Dictionary,
        null => throw new PdfFormatException($"{what} is missing"),
        var other => throw new PdfFormatException($"{what} is not a dictionary ({Describe(value)} is {other.GetType().Name})"),
    };

    /// <summary>
    /// Decodes a stream's data (FlateDecode with PNG predictors; other filters are reported as unsupported), spending the
    /// decoded bytes from <see cref="Budget"/>.
    /// </summary>
    /// <param name="stream">The stream.</param>
    /// <param name="maxDecodedBytes">Ceiling on the decoded size; <see cref="PdfReaderLimits.MaxStreamBytes"/> when null.</param>
    /// <exception cref="PdfFormatException">The data is corrupt or larger than <paramref name="maxDecodedBytes"/>.</exception>
    /// <exception cref="PdfResourceLimitException">The document's budget is exhausted.</exception>
    public byte[] DecodeStream(PdfStream stream, long? maxDecodedBytes = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return StreamDecoder.Decode(stream, maxDecodedBytes ?? Limits.MaxStreamBytes, "stream", Budget);
    }

    /// <summary>
    /// A forward-only view of a stream's decoded data that inflates as it is read, spending from <see cref="Budget"/>:
    /// for content that is parsed once from start to end, so a stream that decodes to hundreds of megabytes never sits
    /// in memory.
    /// </summary>
    internal Stream OpenDecodedStream(PdfStream stream, string context) => StreamDecoder.Open(stream, Limits.MaxStreamBytes, context, Budget);

    /// <summary>The pages in document order, walking the page tree with bounded depth and count.</summary>
    public IReadOnlyList<PdfReference> GetPageReferences()
    {
        var pages = new List<PdfReference>();
        var visited = new HashSet<PdfReference>();
        var root = Catalog["Pages"] as PdfReference ?? throw new PdfFormatException("The catalog /Pages is not an indirect reference");
        var pending = new Stack<(PdfReference Node, int Depth)>();
        pending.Push((root, 0));
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (!visited.Add(node))
            {
                throw new PdfFormatException($"The page tree visits object {node.ObjectNumber} twice (a loop or shared node)");
            }

            if (depth > Limits.MaxNestingDepth)
            {
                throw new PdfFormatException($"The page tree is deeper than {Limits.MaxNestingDepth} levels at object {node.ObjectNumber}");
            }

            var dictionary = ResolveDictionary(node, $"page tree node {node.ObjectNumber}");
            var type = (dictionary["Type"] as PdfName)?.Value;
            if (type == "Page" || (type is null && dictionary["Kids"] is null))
            {
                if (pages.Count >= Limits.MaxPages)
                {
                    throw new PdfPageLimitException($"The document has more than {Limits.MaxPages} pages");
                }

                pages.Add(node);
                continue;
            }

            if (Resolve(dictionary["Kids"]) is not PdfArray kids)
            {
                throw new PdfFormatException($"Page tree node {node.ObjectNumber} has no /Kids array");
            }

            for (var i = kids.Count - 1; i >= 0; i--)
            {
                if (kids[i] is not PdfReference kid)
                {
                    throw new PdfFormatException($"Page tree node {node.ObjectNumber} has a /Kids entry that is not an indirect reference");
                }

                pending.Push((kid, depth + 1));
            }
        }

        return pages;
    }

    private static string Describe(PdfObject? value) => value is PdfReference reference ? "object " + reference.ObjectNumber : "the value";

    private void AddToCache(int objectNumber, PdfObject value)
    {
        // Large streams are re-read on demand rather than pinned, so walking a big file keeps memory flat.
        if (value is PdfStream { EncodedData.Length: > MaxCachedStreamBytes })
        {
            return;
        }

        if (cache.Count >= Limits.ObjectCacheSize && cacheOrder.TryDequeue(out var oldest))
        {
            cache.Remove(oldest);
        }

        if (cache.TryAdd(objectNumber, value))
        {
            cacheOrder.Enqueue(objectNumber);
        }
    }

    private PdfObject ReadIndirectObject(int objectNumber, XrefEntry entry)
    {
        if (entry.Offset < 0 || entry.Offset >= Length)
        {
            throw new PdfFormatException($"Object {objectNumber}: offset {entry.Offset} is outside the file (length {Length})");
        }

        int number, generation;
        PdfObject value;
        if (parsedByOffset.TryGetValue(entry.Offset, out var parsed) && parsed.End <= Length)
        {
            (number, generation, value) = (parsed.Number, parsed.Generation, parsed.Value);
        }
        else
        {
            (number, generation, value) = ParseIndirectObjectAt(entry.Offset);
            // A stream whose /Length is another object may read differently in an earlier revision: never shared.
            if (parsedByOffset.Count < Limits.ObjectCacheSize * 8
                && !(value is PdfStream stream && (stream.EncodedData.Length > MaxCachedStreamBytes || stream.Dictionary["Length"] is PdfReference)))
            {
                parsedByOffset[entry.Offset] = new ParsedAtOffset(number, generation, value, input.Position);
            }
        }

        if (number != objectNumber || generation != entry.Generation)
        {
            throw new PdfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"Object {objectNumber}: the cross-reference offset {entry.Offset} holds object {number} {generation} instead"));
        }

        // Objects inside object streams are not decrypted one by one: their stream was (ISO 32000-1 7.6.2).
        return security is null ? value : security.Decrypt(number, generation, value, Limits.MaxNestingDepth);
    }

    /// <summary>Parses "n g obj … endobj" at an offset, including stream data.</summary>
    private (int Number, int Generation, PdfObject Value) ParseIndirectObjectAt(long offset)
    {
        input.Seek(offset);
        var number = parser.ReadNonNegativeInteger("an object number");
        var generation = parser.ReadNonNegativeInteger("a generation number");
        if (number > maxObjectNumber || generation > 65535)
        {
            PdfFormatException.ThrowAt(offset, $"Object header {number} {generation} is out of range");
        }

        parser.ExpectKeyword("obj");
        var value = parser.ParseObject();
        if (value is not PdfDictionary dictionary)
        {
            return ((int)number, (int)generation, value);
        }

        parser.SkipWhitespace();
        var afterDictionary = input.Position;
        if (parser.ReadKeyword() != "stream")
        {
            input.Seek(afterDictionary);
            return ((int)number, (int)generation, value);
        }

        // §7.3.8.1: "stream" is followed by CRLF or LF; a lone CR is tolerated.
        if (input.Peek() == '\r')
        {
            input.Read();
        }

        if (input.Peek() == '\n')
        {
            input.Read();
        }

        var dataStart = input.Position;
        var length = Resolve(dictionary["Length"]) is PdfInteger lengthValue
            ? lengthValue.Value
            : throw new PdfFormatException($"Object {number}: stream /Length is missing or not an integer (at byte offset {offset})");
        if (length < 0 || length > Length - dataStart || length > Limits.MaxStreamBytes || length > Array.MaxLength)
        {
            throw new PdfFormatException(string.Create(CultureInfo.InvariantCulture,
                $"Object {number}: stream /Length {length} at byte offset {dataStart} is negative, runs past the end of the file (length {Length}) or exceeds the limit of {Limits.MaxStreamBytes} bytes"));
        }

        input.Seek(dataStart);
        var data = input.ReadMemory((int)length);
        var endPosition = input.Position;
        if (parser.ReadKeyword() != "endstream")
        {
            PdfFormatException.ThrowAt(endPosition, $"Object {number}: 'endstream' not found after /Length {length} bytes of stream data");
        }

        return ((int)number, (int)generation, new PdfStream(dictionary, data));
    }

    private PdfObject ReadCompressedObject(int objectNumber, XrefEntry entry)
    {
        var objectStream = GetObjectStream(entry.ObjectStreamNumber);
        if (entry.IndexInStream < 0 || entry.IndexInStream >= objectStream.Count)
        {
            throw new PdfFormatException($"Object {objectNumber}: index {entry.IndexInStream} is beyond the {objectStream.Count} objects of object stream {entry.ObjectStreamNumber}");
        }

        return objectStream.Parse(objectNumber, entry.IndexInStream, Limits, Budget);
    }

    private ParsedObjectStream GetObjectStream(int streamNumber)
    {
        if (objectStreams.TryGetValue(streamNumber, out var parsed))
        {
            return parsed;
        }

        if (!entries.TryGetValue(streamNumber, out var entry) || entry.Kind != XrefEntryKind.InUse)
        {
            throw new PdfFormatException($"Object stream {streamNumber} is not an uncompressed object in the cross-reference table"
                + (entry.Kind == XrefEntryKind.Compressed ? " (it is itself stored in an object stream)" : string.Empty));
        }

        if (GetObject(new PdfReference(streamNumber, entry.Generation)) is not PdfStream stream)
        {
            throw new PdfFormatException($"Object {streamNumber} is used as an object stream but is not a stream");
        }

        parsed = ParsedObjectStream.Load(streamNumber, stream, Limits, Budget);

        // Keep decoded object streams within one structure-stream budget in total.
        if (objectStreamBytes + parsed.DecodedLength > Limits.MaxStructureStreamBytes)
        {
            objectStreams.Clear();
            objectStreamBytes = 0;
        }

        objectStreamBytes += parsed.DecodedLength;

        objectStreams[streamNumber] = parsed;
        return parsed;
    }

    private sealed record ParsedAtOffset(int Number, int Generation, PdfObject Value, long End);
}
