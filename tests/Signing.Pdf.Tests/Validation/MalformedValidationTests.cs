using Signing.Pdf.Validation;
using Signing.Pki.Validation;

namespace Signing.Pdf.Tests.Validation;

/// <summary>Every hostile file in Malformed/ gives a FORMAT_FAILURE report or a document without signatures, never a hang or a stray exception.</summary>
public class MalformedValidationTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Malformed");

    public static TheoryData<string> Files() => [.. Directory.GetFiles(Folder, "*.pdf").Select(Path.GetFileName).OfType<string>().Order()];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task MalformedFile_GivesFormatFailureReport(string file)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Folder, file));
        var validator = new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = ValidationCorpus.Anchors() });

        // A safety net against hangs only; speed is not asserted here.
        var report = await Task.Run(() => validator.ValidateAsync(new MemoryStream(bytes))).WaitAsync(TimeSpan.FromMinutes(2));

        if (report.FormatProblem is not null)
        {
            Assert.Equal(Indication.TotalFailed, report.Indication);
            Assert.StartsWith("FORMAT_FAILURE: ", report.Summary, StringComparison.Ordinal);
            Assert.Empty(report.Signatures);
        }
        else
        {
            // Damage the reader tolerates (e.g. bytes after %%EOF): the file simply carries no signature.
            Assert.Empty(report.Signatures);
            Assert.Equal(Indication.Indeterminate, report.Indication);
        }
    }
}
