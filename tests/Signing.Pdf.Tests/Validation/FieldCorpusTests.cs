using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Pdf.Tests.Validation;

/// <summary>
/// The field corpus (Corpus/Field): documents made and changed by OpenSSL, the PDFBox peer, qpdf and hand-built updates,
/// for the classes of miss in issue 15. Verdicts follow EN 319 102-1 and are cross-checked with pdfsig where pdfsig can
/// judge: the integrity of each signature's bytes.
/// </summary>
public class FieldCorpusTests(ITestOutputHelper output)
{
    private static readonly string Directory = Path.Combine(ValidationCorpus.Directory, "Field");

    public static TheoryData<string> Files() => [.. ExpectedOutcomes().Select(e => e.File).Distinct()];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task FieldFile_GivesExpectedIndicationAndSubIndication(string file)
    {
        var expected = ExpectedOutcomes().Where(e => e.File == file).OrderBy(e => e.Index).ToList();
        var report = await ValidateAsync(file);
        output.WriteLine(report.ToJson());

        Assert.Null(report.FormatProblem);
        Assert.Equal(expected.Count, report.Signatures.Count);
        foreach (var (_, index, indication, subIndication) in expected)
        {
            var signature = report.Signatures[index];
            Assert.Equal(indication, JsonSerializer.Serialize(signature.Indication).Trim('"'));
            Assert.Equal(subIndication, signature.SubIndication is { } s ? JsonSerializer.Serialize(s).Trim('"') : null);
        }
    }

    /// <summary>
    /// pdfsig (poppler + NSS) judges each signature's own bytes: where it says "Digest Mismatch" we fail the signature;
    /// where it says "Signature is Valid." our message-digest and signature-value checks pass too (changes after signing
    /// are beyond pdfsig, so the verdict itself may still differ).
    /// </summary>
    [Theory]
    [MemberData(nameof(Files))]
    public async Task FieldFile_AgreesWithPdfsigOnTheIntegrityOfTheSignedBytes(string file)
    {
        var report = await ValidateAsync(file);
        var pdfsig = ExternalTool.Pdfsig(Path.Combine(Directory, file));
        var verdicts = pdfsig.StandardOutput.Split('\n')
            .Where(l => l.Contains("Signature Validation:", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .ToList();
        output.WriteLine(pdfsig.Combined);
        Assert.Equal(report.Signatures.Count, verdicts.Count);

        var judged = 0;
        for (var i = 0; i < verdicts.Count; i++)
        {
            var signature = report.Signatures[i];
            switch (verdicts[i])
            {
                case "Digest Mismatch.":
                    Assert.Equal(Indication.TotalFailed, signature.Indication);
                    judged++;
                    break;
                case "Signature is Valid.":
                    Assert.DoesNotContain(signature.Validation.Checks, c => c.Name is "message-digest" or "signature-value" or "byte-range" && c.Outcome == CheckOutcome.Failed);
                    Assert.Contains(signature.Validation.Checks, c => c.Name == "signature-value" && c.Outcome == CheckOutcome.Passed);
                    judged++;
                    break;
            }
        }

        // NSS cannot judge EdDSA, SHA-3, plain ECDSA or RIPEMD-160; those files rest on the expected verdicts alone.
        output.WriteLine($"pdfsig judged {judged} of {verdicts.Count} signature(s)");
    }

    [Fact]
    public async Task AcceptedChanges_AreListedAsAllowedWithTheRuleThatAllowsThem()
    {
        var xmp = await ValidateAsync("adobe-xmp-update.pdf");
        Assert.Contains(xmp.Signatures[0].Modifications, m => m.Allowed && m.Description.Contains("XMP metadata stream updated", StringComparison.Ordinal));

        var info = await ValidateAsync("adobe-moddate-update.pdf");
        Assert.Contains(info.Signatures[0].Modifications, m => m.Allowed && m.Description.Contains("/ModDate updated", StringComparison.Ordinal));

        var widget = await ValidateAsync("new-widget-resources.pdf");
        Assert.Contains(widget.Signatures[0].Modifications, m => m.Allowed && m.Description.Contains("resources added", StringComparison.Ordinal));

        var appearance = await ValidateAsync("certified-p2-appearance-regenerated.pdf");
        Assert.Contains(appearance.Signatures[0].Modifications, m => m.Allowed && m.Description.Contains("appearance stream of form field 'SoVanBan' regenerated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegeneratedAppearanceUnderDocMdpP1_IsRejectedNamingTheStream()
    {
        var report = await ValidateAsync("certified-p1-appearance-regenerated.pdf");

        var rejected = report.Signatures[0].Modifications.Where(m => !m.Allowed).ToList();
        Assert.Contains(rejected, m => m.Description.Contains("appearance stream of form field 'SoVanBan' regenerated; DocMDP forbids form filling", StringComparison.Ordinal));
        Assert.Equal(1, report.Signatures[0].DocMdpPermission);
    }

    [Fact]
    public async Task ARealChangeOnTopOfAnAcceptedOne_NamesTheContentStream()
    {
        foreach (var file in ExpectedOutcomes().Select(e => e.File).Where(f => f.EndsWith("-then-altered.pdf", StringComparison.Ordinal)).Distinct())
        {
            var report = await ValidateAsync(file);
            var change = Assert.Single(report.Signatures[0].Modifications, m => !m.Allowed);
            Assert.Contains("content stream of page 1 changed", change.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DssStyleExtension_ReachesBaselineLta()
    {
        var report = await ValidateAsync("dss-extended-lta.pdf");

        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Equal(PdfSignatureKind.DocumentTimestamp, report.Signatures[1].Kind);
        Assert.All(report.Signatures[0].Modifications, m => Assert.True(m.Allowed, m.Description));
        Assert.Equal(Signing.Pdf.Signatures.PadesLevel.BaselineLta, report.Signatures[0].Level);
    }

    [Fact]
    public async Task EncryptedDocuments_AreReadAndTheirSignaturesJudged()
    {
        foreach (var method in new[] { "rc4-40", "rc4-128", "aes-128", "aes-256" })
        {
            var report = await ValidateAsync($"encrypted-{method}-signed.pdf");
            Assert.True(report.Indication == Indication.TotalPassed, $"{method}: {report.Summary}");
        }
    }

    private static async Task<PdfValidationReport> ValidateAsync(string file)
    {
        await using var stream = File.OpenRead(Path.Combine(Directory, file));
        return await new PdfSignatureValidator(OfflineOptions()).ValidateAsync(stream);
    }

    private static PdfValidationOptions OfflineOptions() => new()
    {
        TrustAnchors = [X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Directory, "field-root.pem")))],
        Crls = [File.ReadAllBytes(Path.Combine(Directory, "field.crl.pem"))],
    };

    private static IEnumerable<(string File, int Index, string Indication, string? SubIndication)> ExpectedOutcomes() =>
        File.ReadAllLines(Path.Combine(Directory, "expected-outcomes.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p[2], p[3] == "-" ? null : p[3]));
}
