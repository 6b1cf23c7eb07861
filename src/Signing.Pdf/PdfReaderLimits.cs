namespace Signing.Pdf;

/// <summary>Bounds on every size and loop driven by the input, so hostile files fail fast instead of hanging or exhausting memory.</summary>
public sealed record PdfReaderLimits
{
    /// <summary>Safe defaults for documents up to a few gigabytes.</summary>
    public static PdfReaderLimits Default { get; } = new();

    /// <summary>Maximum nesting of arrays and dictionaries, and of reference chains resolved while reading one object.</summary>
    public int MaxNestingDepth { get; init; } = 100;

    /// <summary>Maximum decoded size of a structure stream (xref stream, object stream).</summary>
    public long MaxStructureStreamBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Maximum encoded length of any one stream read into memory.</summary>
    public long MaxStreamBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Maximum length of a string or name token.</summary>
    public int MaxTokenBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Maximum number of cross-reference sections followed through /Prev (the number of revisions).</summary>
    public int MaxXrefSections { get; init; } = 1024;

    /// <summary>
    /// Absolute ceiling on object numbers (ISO 32000-1 Annex C allows 8,388,607). The effective limit is the smaller of this
    /// and <see cref="MaxObjectsPerFileByte"/> times the file size, because every object costs at least a few bytes.
    /// </summary>
    public int MaxObjectNumber { get; init; } = 8_388_607;

    /// <summary>Objects allowed per byte of file; object streams compress, so this is generous.</summary>
    public int MaxObjectsPerFileByte { get; init; } = 4;

    /// <summary>Maximum number of objects in one object stream.</summary>
    public int MaxObjectsPerObjectStream { get; init; } = 100_000;

    /// <summary>How far back from the end of the file to look for <c>startxref</c>.</summary>
    public int StartXrefSearchWindow { get; init; } = 2048;

    /// <summary>Maximum number of pages walked in the page tree.</summary>
    public int MaxPages { get; init; } = 100_000;

    /// <summary>How many parsed objects the reader keeps in its cache.</summary>
    public int ObjectCacheSize { get; init; } = 512;

    /// <summary>
    /// The most bytes every stream read from one document may decode to in total (structure streams, content streams,
    /// fonts' /ToUnicode maps, DSS entries), however often the document refers to them. Used when <see cref="Budget"/>
    /// is null.
    /// </summary>
    public long MaxDecodedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The most objects and content operators parsed from one document in total. Used when <see cref="Budget"/> is null.</summary>
    public long MaxParseOperations { get; init; } = 20_000_000;

    /// <summary>
    /// A budget shared by every reader opened with these limits (one request reads a document several times: anchor,
    /// signing, validation). When null, each <see cref="PdfReader.Open"/> starts its own budget from
    /// <see cref="MaxDecodedBytes"/> and <see cref="MaxParseOperations"/>.
    /// </summary>
    public PdfResourceBudget? Budget { get; init; }

    /// <summary>These limits with a fresh budget of their own, for all the reads of one request.</summary>
    public PdfReaderLimits WithNewBudget() => this with { Budget = new PdfResourceBudget(MaxDecodedBytes, MaxParseOperations) };

    internal PdfResourceBudget BudgetOrNew() => Budget ?? new PdfResourceBudget(MaxDecodedBytes, MaxParseOperations);

    internal int EffectiveMaxObjectNumber(long fileLength) =>
        (int)Math.Min(MaxObjectNumber, Math.Max(1024, fileLength * MaxObjectsPerFileByte));
}
