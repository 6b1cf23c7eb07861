using System.Globalization;

namespace Signing.Pdf.Drawing;

/// <summary>A rectangle in PDF user space (points, origin at the page's lower-left corner).</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Bottom edge.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
public readonly record struct PdfRectangle(double X, double Y, double Width, double Height)
{
    /// <summary>Parses "x,y,w,h".</summary>
    /// <param name="text">Four comma-separated numbers.</param>
    /// <exception cref="FormatException">Not four numbers, or a non-positive size.</exception>
    public static PdfRectangle Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',');
        var numbers = new double[4];
        if (parts.Length != 4 || !parts.Select((p, i) => double.TryParse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok)
            || numbers.Any(n => !double.IsFinite(n)) || numbers[2] <= 0 || numbers[3] <= 0)
        {
            throw new FormatException($"'{text}' is not a rectangle 'x,y,width,height' with a positive size");
        }

        return new PdfRectangle(numbers[0], numbers[1], numbers[2], numbers[3]);
    }

    /// <summary>The rectangle covering the left third of <paramref name="signatureImage"/> where an agency seal goes (Decree 30):
    /// a square as tall as the image, whose right edge is one third into the image.</summary>
    /// <param name="signatureImage">Where the official's signature image is.</param>
    public static PdfRectangle SealOver(PdfRectangle signatureImage)
    {
        var side = signatureImage.Height;
        return new PdfRectangle(signatureImage.X + (signatureImage.Width / 3) - side, signatureImage.Y, side, side);
    }
}
