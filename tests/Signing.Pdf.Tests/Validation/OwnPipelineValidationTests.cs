using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Pdf.Tests.Validation;

/// <summary>What our own PdfSigner produces validates, pdfsig agrees, and any flipped signed byte fails it.</summary>
public class OwnPipelineValidationTests
{
    private static PdfValidationOptions Options() => new() { TrustAnchors = [TestSigner.Shared.Authority] };

    internal static async Task<byte[]> SignAsync(byte[] input, string? fieldName = null)
    {
        using var output = new MemoryStream();
        var options = new PdfSignatureOptions
        {
            FieldName = fieldName,
            Reason = "Phê duyệt",
            ContentsCapacity = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain),
        };
        await PdfSigner.SignAsync(new MemoryStream(input), output, options, TestSigner.Shared.Producer);
        return output.ToArray();
    }

    private static Task<PdfValidationReport> ValidateAsync(byte[] pdf) =>
        new PdfSignatureValidator(Options()).ValidateAsync(new MemoryStream(pdf));

    [Theory]
    [MemberData(nameof(PdfIncrementalWriterTests.Inputs), MemberType = typeof(PdfIncrementalWriterTests))]
    public async Task OwnSignature_OnEveryInputKind_IsTotalPassed_AndPdfsigAgrees(string kind)
    {
        var signed = await SignAsync(PdfIncrementalWriterTests.Input(kind));

        var report = await ValidateAsync(signed);

        var signature = Assert.Single(report.Signatures);
        Assert.True(signature.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(ByteRangeCoverage.EntireFile, signature.Coverage);
        Assert.Equal(PadesLevel.BaselineB, signature.Level);
        Assert.Equal("Nguyễn Văn An", signature.Validation.SignerName);
        using var directory = new TempDirectory();
        var path = directory.File("signed.pdf");
        await File.WriteAllBytesAsync(path, signed);
        SignedPdfAssert.AllSignaturesValid(path, 1);
    }

    [Fact]
    public async Task ThreeOwnSignatures_AllTotalPassed_EarlierOnesSeeOnlyAllowedChanges()
    {
        var document = TestDocuments.FromCairo(2);
        for (var i = 0; i < 3; i++)
        {
            document = await SignAsync(document);
        }

        var report = await ValidateAsync(document);

        Assert.Equal(3, report.Signatures.Count);
        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal([1, 2, 3], report.Signatures.Select(s => s.Revision ?? -1));
        Assert.All(report.Signatures.SelectMany(s => s.Modifications), m => Assert.True(m.Allowed, m.Description));
        Assert.NotEmpty(report.Signatures[0].Modifications);
        Assert.StartsWith("3 signature(s), 0 document timestamp(s): 3 TOTAL_PASSED", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlippingAnySignedByte_GivesTotalFailed()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1));
        var range = (await ValidateAsync(signed)).Signatures[0].ByteRange;
        var signedPositions = Enumerable.Range(0, (int)range[1]).Concat(Enumerable.Range((int)range[2], (int)range[3])).ToArray();

        // 40 positions spread evenly over both spans, first and last signed bytes included.
        var sample = Enumerable.Range(0, 40).Select(i => signedPositions[(int)((long)i * (signedPositions.Length - 1) / 39)]).ToList();
        foreach (var position in sample)
        {
            var tampered = (byte[])signed.Clone();
            tampered[position] ^= 0x01;

            var report = await ValidateAsync(tampered);

            Assert.True(report.Indication == Indication.TotalFailed, $"flipping byte {position} ('{(char)signed[position]}') gave {report.Indication}: {report.ToJson()}");
        }
    }

    [Fact]
    public async Task CertificationWithP1_InCatalogPerms_ForbidsALaterChange()
    {
        // A certification signature with DocMDP P=1 (our signer refuses any later signature, so the later change
        // is an annotation appended by a bare incremental update, as another tool might do).
        using var certified = new MemoryStream();
        var options = new PdfSignatureOptions
        {
            Certification = CertificationPermissions.NoChanges,
            ContentsCapacity = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain),
        };
        await PdfSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(1)), certified, options, TestSigner.Shared.Producer);
        var reader = PdfReader.Open(new MemoryStream(certified.ToArray()));
        var writer = new PdfIncrementalWriter(reader);
        var pageReference = reader.GetPageReferences()[0];
        var page = reader.ResolveDictionary(pageReference, "page 1").Clone();
        var note = writer.AddObject(new PdfDictionary
        {
            ["Type"] = new PdfName("Annot"),
            ["Subtype"] = new PdfName("Text"),
            ["Rect"] = new PdfArray(new PdfInteger(10), new PdfInteger(10), new PdfInteger(30), new PdfInteger(30)),
            ["Contents"] = PdfString.FromText("Ghi chú sau khi ký"),
        });
        var annotations = reader.Resolve(page["Annots"]) is PdfArray existing ? new PdfArray(existing.Items) : new PdfArray();
        annotations.Items.Add(note);
        page["Annots"] = annotations;
        writer.SetObject(pageReference, page);
        using var changed = new MemoryStream();
        await writer.WriteToAsync(changed);

        var report = await ValidateAsync(changed.ToArray());

        var first = report.Signatures[0];
        Assert.Equal(1, first.DocMdpPermission);
        Assert.Equal(Indication.TotalFailed, first.Indication);
        Assert.True(first.Modifications.Any(m => !m.Allowed), report.ToJson());
        Assert.True(first.Modifications.Any(m => !m.Allowed && m.Description.Contains("P=1", StringComparison.Ordinal)), report.ToJson());
    }

    [Fact]
    public async Task UnknownAnchor_GivesNoCertificateChainFound()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1));
        var corpusRoot = ValidationCorpus.Anchors();

        var report = await new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = corpusRoot }).ValidateAsync(new MemoryStream(signed));

        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.NoCertificateChainFound, report.Signatures[0].SubIndication);
    }

    [Fact]
    public async Task ReportJson_CarriesIndicationStringsCoverageAndSummary()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1));

        var json = (await ValidateAsync(signed)).ToJson();

        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        var root = parsed.RootElement;
        Assert.Equal("TOTAL_PASSED", root.GetProperty("indication").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("summary").GetString()));
        var signature = root.GetProperty("signatures")[0];
        Assert.Equal("ENTIRE_FILE", signature.GetProperty("coverage").GetString());
        Assert.Equal("B-B", signature.GetProperty("level").GetString());
        Assert.Equal("TOTAL_PASSED", signature.GetProperty("validation").GetProperty("indication").GetString());
    }
}
