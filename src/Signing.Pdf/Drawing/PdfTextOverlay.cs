namespace Signing.Pdf.Drawing;

/// <summary>
/// A line of text written onto a page in the same incremental revision as a signature, so that the signature covers
/// it: the number, symbol and date a clerk registers (Decree 30 Art. 15) at the document's <c>Số:</c> and date lines.
/// It is a read-only, locked FreeText annotation whose appearance paints an opaque white box over the template's
/// placeholder and draws the text in black serif type; text extraction (pdftotext) reads it.
/// </summary>
/// <param name="PageNumber">The 1-based page.</param>
/// <param name="Rectangle">The box to cover and write in (page space).</param>
/// <param name="Text">The line, e.g. <c>Số: 15/QĐ-UBND</c>.</param>
/// <param name="FontSize">The type size in points (Decree 30 uses 13–14 for these lines).</param>
public sealed record PdfTextOverlay(int PageNumber, PdfRectangle Rectangle, string Text, double FontSize = 13);
