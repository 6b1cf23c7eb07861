namespace Signing.Pdf.Drawing;

/// <summary>
/// Where the agency seal goes (Decree 30/2020, Art. 33 and Appendix I): at true size, overlapping about one third of
/// the competent person's signature image, on its left.
/// </summary>
public static class SealPlacement
{
    /// <summary>Points per millimetre (1 pt = 1/72 inch).</summary>
    public const double PointsPerMillimetre = 72 / 25.4;

    /// <summary>
    /// A square of <paramref name="sealDiameter"/> points whose right edge is one third into
    /// <paramref name="signatureImage"/> from its left and whose centre is level with the image's centre.
    /// </summary>
    public static PdfRectangle OverLeftThird(PdfRectangle signatureImage, double sealDiameter)
    {
        if (!double.IsFinite(sealDiameter) || sealDiameter <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sealDiameter), "The seal's diameter must be a positive number of points.");
        }

        var right = signatureImage.X + (signatureImage.Width / 3);
        var centreY = signatureImage.Y + (signatureImage.Height / 2);
        return new PdfRectangle(right - sealDiameter, centreY - (sealDiameter / 2), sealDiameter, sealDiameter);
    }
}
