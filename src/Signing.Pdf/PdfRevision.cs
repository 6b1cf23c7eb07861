namespace Signing.Pdf;

/// <summary>The kind of cross-reference section (ISO 32000-1 §7.5.4 and §7.5.8).</summary>
public enum PdfXrefKind
{
    /// <summary>A classic <c>xref</c> table followed by a <c>trailer</c> dictionary (possibly hybrid, with /XRefStm).</summary>
    Table,

    /// <summary>A cross-reference stream (PDF 1.5+).</summary>
    Stream,
}

/// <summary>One revision of the document: the original or one incremental update.</summary>
/// <param name="Index">0 for the original document, then 1, 2, … for each incremental update.</param>
/// <param name="XrefOffset">The offset its <c>startxref</c> points to.</param>
/// <param name="EndOffset">The offset of the byte after its <c>%%EOF</c> marker (the revision is bytes [0, EndOffset)).</param>
/// <param name="XrefKind">The kind of its cross-reference section.</param>
public sealed record PdfRevision(int Index, long XrefOffset, long EndOffset, PdfXrefKind XrefKind);
