namespace Signing.Pdf.Internal;

internal enum XrefEntryKind
{
    Free,
    InUse,
    Compressed,
}

/// <summary>One cross-reference entry: an offset (in use), or an object stream number and index (compressed).</summary>
internal readonly record struct XrefEntry(XrefEntryKind Kind, long Offset, int Generation, int ObjectStreamNumber, int IndexInStream)
{
    public static XrefEntry Free(int generation) => new(XrefEntryKind.Free, 0, generation, 0, 0);

    public static XrefEntry InUse(long offset, int generation) => new(XrefEntryKind.InUse, offset, generation, 0, 0);

    public static XrefEntry Compressed(int objectStreamNumber, int index) => new(XrefEntryKind.Compressed, 0, 0, objectStreamNumber, index);
}
