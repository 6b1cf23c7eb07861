using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Validation;

namespace Signing.Pdf.Tests.Validation;

/// <summary>The checked-in corpus of PDFs signed by other tools, found from the source tree.</summary>
internal static class ValidationCorpus
{
    public static string Directory { get; } = Locate();

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static X509Certificate2Collection Anchors() => [X509CertificateLoader.LoadCertificate(PemBytes("corpus-root.pem"))];

    public static PdfValidationOptions OfflineOptions() => new()
    {
        TrustAnchors = Anchors(),
        Crls = [File.ReadAllBytes(PathOf("corpus.crl.pem"))],
    };

    public static IEnumerable<(string File, int Index, string Indication, string? SubIndication)> ExpectedOutcomes() =>
        File.ReadAllLines(PathOf("expected-outcomes.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p[2], p[3] == "-" ? null : p[3]));

    private static byte[] PemBytes(string file)
    {
        var text = File.ReadAllText(PathOf(file));
        var fields = System.Security.Cryptography.PemEncoding.Find(text);
        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Signing.Pdf.Tests", "Corpus");
            if (File.Exists(Path.Combine(candidate, "expected-outcomes.txt")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/Signing.Pdf.Tests/Corpus not found above {AppContext.BaseDirectory}");
    }
}
