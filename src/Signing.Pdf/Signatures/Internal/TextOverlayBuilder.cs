using Signing.Pdf.Drawing;

namespace Signing.Pdf.Signatures.Internal;

/// <summary>Adds <see cref="PdfTextOverlay"/> lines as FreeText annotations to their pages' /Annots.</summary>
internal static class TextOverlayBuilder
{
    private const int MaxOverlays = 8;

    // Print (4) + ReadOnly (64) + Locked (128): the text prints and cannot be edited, moved or deleted in a viewer.
    private const int AnnotationFlags = 196;

    public static void Add(PdfIncrementalWriter writer, IReadOnlyList<PdfTextOverlay> overlays)
    {
        if (overlays.Count == 0)
        {
            return;
        }

        if (overlays.Count > MaxOverlays)
        {
            throw new ArgumentException($"A signature revision takes at most {MaxOverlays} text overlays", nameof(overlays));
        }

        var pages = writer.Reader.GetPageReferences();
        foreach (var overlay in overlays)
        {
            if (overlay.PageNumber < 1 || overlay.PageNumber > pages.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(overlays), $"Page {overlay.PageNumber} does not exist; the document has {pages.Count} pages");
            }

            var r = overlay.Rectangle;
            if (!(double.IsFinite(r.X) && double.IsFinite(r.Y) && r.Width > 0 && r.Height > 0))
            {
                throw new ArgumentException($"The overlay '{overlay.Text}' has no area", nameof(overlays));
            }

            var pageReference = pages[overlay.PageNumber - 1];
            var appearance = AppearanceBuilder.BuildTextBox(writer, overlay.Text, r.Width, r.Height, overlay.FontSize);
            var annotation = writer.AddObject(new PdfDictionary
            {
                ["Type"] = new PdfName("Annot"),
                ["Subtype"] = new PdfName("FreeText"),
                ["Rect"] = new PdfArray(new PdfReal(r.X), new PdfReal(r.Y), new PdfReal(r.X + r.Width), new PdfReal(r.Y + r.Height)),
                ["Contents"] = PdfString.FromText(overlay.Text),
                ["DA"] = PdfString.FromText(FormattableString.Invariant($"0 g /Helv {overlay.FontSize:0.##} Tf")),
                ["F"] = new PdfInteger(AnnotationFlags),
                ["P"] = pageReference,
                ["AP"] = new PdfDictionary { ["N"] = appearance },
            });
            SignatureFieldBuilder.AddToPageAnnotations(writer, pageReference, annotation);
        }
    }
}
