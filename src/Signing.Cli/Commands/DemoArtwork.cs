using Signing.Pdf.Drawing;

namespace Signing.Cli.Commands;

/// <summary>
/// Draws the demo's images, so that no real person's signature or agency seal ever sits in the repository: a red
/// round seal (two rings and a star) and a blue handwritten-looking stroke for the demo official.
/// </summary>
internal static class DemoArtwork
{
    /// <summary>A red round seal, 400 × 400 pixels, transparent outside the rings.</summary>
    public static byte[] Seal()
    {
        const int size = 400;
        var canvas = new Canvas(size, size, (200, 24, 32));
        var centre = size / 2.0;
        canvas.Paint((x, y) =>
        {
            var r = Math.Sqrt(((x - centre) * (x - centre)) + ((y - centre) * (y - centre)));
            var ring = Band(r, 186, 196) + Band(r, 140, 146);
            var angle = Math.Atan2(y - centre, x - centre) + (Math.PI / 2);
            // A five-pointed star: the radius of its outline swings between 30 and 75 pixels with the angle.
            var starRadius = 30 + (45 * Math.Pow(Math.Abs(Math.Cos(2.5 * angle)), 6));
            var star = r <= starRadius ? 1 : Math.Max(0, 1 - (r - starRadius));
            return Math.Min(1, ring + star);
        });
        return canvas.ToPng();
    }

    /// <summary>A blue signature stroke, 600 × 200 pixels, transparent around it.</summary>
    public static byte[] Signature()
    {
        var canvas = new Canvas(600, 200, (20, 45, 170));
        var points = new List<(double X, double Y)>();
        for (var t = 0.0; t <= 1.0; t += 0.0015)
        {
            var x = 40 + (520 * t);
            var y = 100 + (45 * Math.Sin(t * 14)) - (30 * Math.Sin(t * 5)) + (20 * Math.Cos(t * 31) * (1 - t));
            points.Add((x, y));
        }

        for (var t = 0.0; t <= 1.0; t += 0.004)
        {
            points.Add((120 + (380 * t), 150 + (6 * Math.Sin(t * 9))));
        }

        canvas.Stroke(points, 3.2);
        return canvas.ToPng();
    }

    private static double Band(double r, double inner, double outer)
        => r >= inner && r <= outer ? 1 : Math.Max(0, 1 - Math.Min(Math.Abs(r - inner), Math.Abs(r - outer)));

    private sealed class Canvas(int width, int height, (byte R, byte G, byte B) ink)
    {
        private readonly double[] _alpha = new double[width * height];

        public void Paint(Func<double, double, double> coverage)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    _alpha[(y * width) + x] = Math.Max(_alpha[(y * width) + x], Math.Clamp(coverage(x + 0.5, y + 0.5), 0, 1));
                }
            }
        }

        public void Stroke(IReadOnlyList<(double X, double Y)> points, double thickness)
        {
            foreach (var (px, py) in points)
            {
                for (var y = (int)(py - thickness - 1); y <= py + thickness + 1; y++)
                {
                    for (var x = (int)(px - thickness - 1); x <= px + thickness + 1; x++)
                    {
                        if (x < 0 || y < 0 || x >= width || y >= height)
                        {
                            continue;
                        }

                        var d = Math.Sqrt(((x + 0.5 - px) * (x + 0.5 - px)) + ((y + 0.5 - py) * (y + 0.5 - py)));
                        _alpha[(y * width) + x] = Math.Max(_alpha[(y * width) + x], Math.Clamp(thickness - d, 0, 1));
                    }
                }
            }
        }

        public byte[] ToPng()
        {
            var rgba = new byte[width * height * 4];
            for (var i = 0; i < _alpha.Length; i++)
            {
                rgba[(i * 4) + 0] = ink.R;
                rgba[(i * 4) + 1] = ink.G;
                rgba[(i * 4) + 2] = ink.B;
                rgba[(i * 4) + 3] = (byte)Math.Round(_alpha[i] * 255);
            }

            return PngEncoder.Encode(width, height, rgba);
        }
    }
}
