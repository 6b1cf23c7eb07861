using System.Text.Json;
using Signing.Pdf.Signatures;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Xunit.Abstractions;

namespace Signing.Pdf.Tests.Validation;

public class CorpusValidationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files() => [.. ValidationCorpus.ExpectedOutcomes().Select(e => e.File).Distinct()];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task CorpusFile_GivesExpectedIndicationAndSubIndication(string file)
    {
        var expected = ValidationCorpus.ExpectedOutcomes().Where(e => e.File == file).OrderBy(e => e.Index).ToList();
        await using var stream = File.OpenRead(ValidationCorpus.PathOf(file));
        var report = await new PdfSignatureValidator(ValidationCorpus.OfflineOptions()).ValidateAsync(stream);
        output.WriteLine(report.ToJson());

        Assert.Equal(expected.Count, report.Signatures.Count);
        foreach (var (_, index, indication, subIndication) in expected)
        {
            var signature = report.Signatures[index];
            Assert.Equal(indication, JsonSerializer.Serialize(signature.Indication).Trim('"'));
            Assert.Equal(subIndication, signature.SubIndication is { } s ? JsonSerializer.Serialize(s).Trim('"') : null);
        }
    }

    [Theory]
    [InlineData("openssl-altered-content.pdf")]
    [InlineData("pdfbox-altered-content.pdf")]
    public async Task AlteredAfterSigning_ListsTheChangedContentStream(string file)
    {
        await using var stream = File.OpenRead(ValidationCorpus.PathOf(file));
        var report = await new PdfSignatureValidator(ValidationCorpus.OfflineOptions()).ValidateAsync(stream);

        var signature = Assert.Single(report.Signatures);
        Assert.Equal(ByteRangeCoverage.EntireRevision, signature.Coverage);
        var change = Assert.Single(signature.Modifications, m => !m.Allowed);
        Assert.Equal(4, change.ObjectNumber);
        Assert.Equal(1, change.Page);
        Assert.Contains("content stream of page 1", change.Description, StringComparison.Ordinal);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Contains("modified after signing", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoSignatures_FirstCoversItsRevisionWithAllowedChangesOnly()
    {
        await using var stream = File.OpenRead(ValidationCorpus.PathOf("pdfsig-two-signatures.pdf"));
        var report = await new PdfSignatureValidator(ValidationCorpus.OfflineOptions()).ValidateAsync(stream);

        Assert.Equal(ByteRangeCoverage.EntireRevision, report.Signatures[0].Coverage);
        Assert.NotEmpty(report.Signatures[0].Modifications);
        Assert.All(report.Signatures[0].Modifications, m => Assert.True(m.Allowed, m.Description));
        Assert.Equal(ByteRangeCoverage.EntireFile, report.Signatures[1].Coverage);
        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Equal(PadesLevel.BaselineB, report.Signatures[1].Level);
    }

    [Fact]
    public async Task UntrustedRoot_PassesWhenItsRootIsConfigured()
    {
        var anchors = ValidationCorpus.Anchors();
        anchors.Add(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(ValidationCorpus.PathOf("stranger-root.pem"))));
        await using var stream = File.OpenRead(ValidationCorpus.PathOf("pdfbox-untrusted-root.pdf"));
        var report = await new PdfSignatureValidator(ValidationCorpus.OfflineOptions() with { TrustAnchors = anchors }).ValidateAsync(stream);

        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Contains(report.Signatures[0].Validation.Checks, c => c.Name.StartsWith("revocation", StringComparison.Ordinal) && c.Outcome == CheckOutcome.Skipped);
    }
}
