using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures.Internal;

namespace Signing.Pdf.Signatures;

/// <summary>Where a signed field's widget is drawn: what a later signature placed relative to it (a seal) needs.</summary>
public static class SignatureWidgets
{
    /// <summary>
    /// The page and rectangle of the widget of the signed field <paramref name="fieldName"/>; null when the field does not
    /// exist, is unsigned, or is invisible (a zero-size or missing /Rect).
    /// </summary>
    /// <exception cref="PdfFormatException">The document cannot be read.</exception>
    public static (int Page, PdfRectangle Rectangle)? Find(Stream pdf, string fieldName, PdfReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var reader = PdfReader.Open(pdf, limits);
        try
        {
            var field = SignatureFieldWalker.SignedFields(reader).FirstOrDefault(f => f.FieldName == fieldName)?.Field;
            var widget = field is not null && reader.Resolve(field["Kids"]) is PdfArray { Items.Count: > 0 } kids
                ? reader.Resolve(kids.Items[0]) as PdfDictionary
                : field;
            if (widget is null || reader.Resolve(widget["Rect"]) is not PdfArray { Items.Count: 4 } rect)
            {
                return null;
            }

            var numbers = rect.Items.Select(item => reader.Resolve(item) switch
            {
                PdfInteger integer => (double)integer.Value,
                PdfReal real => real.Value,
                _ => double.NaN,
            }).ToArray();
            var box = new PdfRectangle(Math.Min(numbers[0], numbers[2]), Math.Min(numbers[1], numbers[3]),
                Math.Abs(numbers[2] - numbers[0]), Math.Abs(numbers[3] - numbers[1]));
            if (numbers.Any(n => !double.IsFinite(n)) || box.Width <= 0 || box.Height <= 0)
            {
                return null;
            }

            var pages = reader.GetPageReferences();
            var page = widget["P"] is PdfReference owner ? pages.ToList().IndexOf(owner) + 1 : 0;
            return (page > 0 ? page : 1, box);
        }
        finally
        {
            pdf.Position = 0;
        }
    }
}
