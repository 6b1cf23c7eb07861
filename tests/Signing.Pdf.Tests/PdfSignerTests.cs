using System.Security.Cryptography;
using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests;

public class PdfSignerTests
{
    private static readonly DateTimeOffset SigningTime = new(2026, 11, 22, 9, 30, 0, TimeSpan.FromHours(7));

    private static PdfSignatureOptions Options(string? reason = null) => new()
    {
        SigningTime = SigningTime,
        Reason = reason ?? "Phê duyệt văn bản",
        Location = "Đà Lạt, Lâm Đồng",
        SignerName = "Nguyễn Văn An",
        ContentsCapacity = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain),
    };

    internal static async Task<byte[]> SignAsync(byte[] input, PdfSignatureOptions options)
    {
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(input), output, options, TestSigner.Shared.Producer);
        return output.ToArray();
    }

    [Theory]
    [MemberData(nameof(PdfIncrementalWriterTests.Inputs), MemberType = typeof(PdfIncrementalWriterTests))]
    public async Task Sign_ForeignInput_PdfsigValid_QpdfClean_OriginalUntouched(string kind)
    {
        var original = PdfIncrementalWriterTests.Input(kind);
        var signed = await SignAsync(original, Options());

        Assert.Equal(original, signed[..original.Length]);
        using var directory = new TempDirectory();
        var path = directory.File("signed.pdf");
        await File.WriteAllBytesAsync(path, signed);
        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);

        var reader = PdfReader.Open(new MemoryStream(signed));
        var acroForm = reader.ResolveDictionary(reader.Catalog["AcroForm"], "AcroForm");
        Assert.Equal(3, Assert.IsType<PdfInteger>(acroForm["SigFlags"]).Value);
        var field = reader.ResolveDictionary(Assert.IsType<PdfArray>(reader.Resolve(acroForm["Fields"])).Items[^1], "field");
        Assert.Equal("Signature1", Assert.IsType<PdfString>(field["T"]).ToText());
        var signature = reader.ResolveDictionary(field["V"], "signature");
        Assert.Equal("ETSI.CAdES.detached", Assert.IsType<PdfName>(signature["SubFilter"]).Value);
        Assert.Equal("Phê duyệt văn bản", Assert.IsType<PdfString>(signature["Reason"]).ToText());
        Assert.Equal("D:20261122093000+07'00'", Assert.IsType<PdfString>(signature["M"]).ToText());
        var page = reader.ResolveDictionary(reader.GetPageReferences()[0], "page");
        Assert.Contains(field["P"] is PdfReference p ? p : null, reader.GetPageReferences());
        Assert.Contains(Assert.IsType<PdfArray>(reader.Resolve(page["Annots"])).Items, a => a is PdfReference r && reader.GetObject(r) == field);
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("qpdf-object-streams")]
    public async Task ThreeSequentialSignatures_AllStayValid(string kind)
    {
        var document = PdfIncrementalWriterTests.Input(kind);
        string[] reasons = ["Lãnh đạo ký", "Đóng dấu cơ quan", "Sao y bản chính"];
        using var directory = new TempDirectory();
        for (var i = 0; i < reasons.Length; i++)
        {
            document = await SignAsync(document, Options(reasons[i]));
            var path = directory.File($"signed-{i + 1}.pdf");
            await File.WriteAllBytesAsync(path, document);
            SignedPdfAssert.AllSignaturesValid(path, i + 1);
            SignedPdfAssert.QpdfClean(path);
        }

        var reader = PdfReader.Open(new MemoryStream(document));
        var fields = Assert.IsType<PdfArray>(reader.Resolve(reader.ResolveDictionary(reader.Catalog["AcroForm"], "AcroForm")["Fields"]));

        // Each signature covers exactly its own revision: what a validator will compare against Revisions.
        for (var i = 0; i < reasons.Length; i++)
        {
            var signature = reader.ResolveDictionary(reader.ResolveDictionary(fields[i], "field")["V"], "signature");
            var byteRange = Assert.IsType<PdfArray>(signature["ByteRange"]).Items.Select(n => ((PdfInteger)n).Value).ToArray();
            Assert.Equal(reader.Revisions[i + 1].EndOffset + 1, byteRange[2] + byteRange[3]);
        }

        Assert.Equal(["Signature1", "Signature2", "Signature3"], fields.Items.Select(f => ((PdfString)reader.ResolveDictionary(f, "field")["T"]!).ToText()));
        Assert.Equal(4, reader.Revisions.Count);
    }

    [Fact]
    public async Task PauseAndResume_ThroughJsonState_ProducesValidSignature()
    {
        using var directory = new TempDirectory();
        var path = directory.File("prepared.pdf");
        PreparedSignature state;
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            state = await PdfSigner.PrepareAsync(new MemoryStream(ClassicPdfBuilder.SimpleDocument()), output, Options());
        }

        var json = state.ToJson();
        var restored = PreparedSignature.FromJson(json);
        Assert.Equal(state.ByteRange, restored.ByteRange);
        Assert.Equal(state.Digest, restored.Digest);

        // The external signer sees only the state and the file, as a desk token's local signer would.
        var bytes = await File.ReadAllBytesAsync(path);
        var range = restored.ByteRange;
        byte[] content = [.. bytes.AsSpan((int)range.FirstStart, (int)range.FirstLength), .. bytes.AsSpan((int)range.SecondStart, (int)range.SecondLength)];
        Assert.Equal(SHA256.HashData(content), restored.Digest);
        Assert.Equal(bytes.Length, range.SecondStart + range.SecondLength);
        var cms = TestSigner.Shared.SignDetached(content);

        await using (var prepared = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            await PdfSigner.EmbedAsync(prepared, restored, cms);
        }

        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);
    }

    [Fact]
    public async Task Embed_IntoChangedPreparedFile_IsRefused()
    {
        using var prepared = new MemoryStream();
        var state = await PdfSigner.PrepareAsync(new MemoryStream(ClassicPdfBuilder.SimpleDocument()), prepared, Options());
        prepared.Position = 20;
        prepared.WriteByte((byte)'X');

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PdfSigner.EmbedAsync(prepared, state, new byte[100]));
        Assert.Contains("changed since it was prepared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_CmsLargerThanPlaceholder_ThrowsClearly()
    {
        var options = Options() with { ContentsCapacity = 512 };
        using var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<SignatureContentsTooLargeException>(
            () => PdfSigner.SignAsync(new MemoryStream(ClassicPdfBuilder.SimpleDocument()), output, options, TestSigner.Shared.Producer));
        Assert.Contains("holds 512", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_CoversRealCms_WithChain()
    {
        var cms = TestSigner.Shared.SignDetached(new byte[1000]);
        var estimate = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain);
        Assert.True(cms.Length <= estimate, $"CMS {cms.Length} bytes > estimate {estimate}");

        var withTimestamp = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain, timestampTokenBytes: 6000, revocationDataBytes: 3000);
        Assert.True(withTimestamp >= estimate + 9000);
    }

    [Fact]
    public async Task Tamper_OneByteInSignedRange_PdfsigNoLongerValid()
    {
        var signed = await SignAsync(ClassicPdfBuilder.SimpleDocument(), Options());
        var reader = PdfReader.Open(new MemoryStream(signed));
        var content = Assert.IsType<PdfStream>(reader.GetObject(new PdfReference(5, 0)));
        var index = signed.AsSpan().IndexOf("(Page 1)"u8);
        signed[index + 1] = (byte)'X';
        Assert.NotNull(content);

        using var directory = new TempDirectory();
        var path = directory.File("tampered.pdf");
        await File.WriteAllBytesAsync(path, signed);
        SignedPdfAssert.NotAllSignaturesValid(path, 1);
    }

    [Fact]
    public async Task DocumentTimestampFormat_WritesDocTimeStampTypeAndSubFilter()
    {
        var options = new PdfSignatureOptions { Format = PdfSignatureFormat.DocumentTimestamp, ContentsCapacity = 8192 };
        using var output = new MemoryStream();
        var state = await PdfSigner.PrepareAsync(new MemoryStream(ClassicPdfBuilder.SimpleDocument()), output, options);

        var reader = PdfReader.Open(new MemoryStream(output.ToArray()));
        var acroForm = reader.ResolveDictionary(reader.Catalog["AcroForm"], "AcroForm");
        var field = reader.ResolveDictionary(Assert.IsType<PdfArray>(acroForm["Fields"])[0], "field");
        var signature = reader.ResolveDictionary(field["V"], "signature");
        Assert.Equal("DocTimeStamp", Assert.IsType<PdfName>(signature["Type"]).Value);
        Assert.Equal("ETSI.RFC3161", Assert.IsType<PdfName>(signature["SubFilter"]).Value);
        Assert.Equal(state.ByteRange.ToArray(), Assert.IsType<PdfArray>(signature["ByteRange"]).Items.Select(i => ((PdfInteger)i).Value));
        Assert.Equal(8192, Assert.IsType<PdfString>(signature["Contents"]).Bytes.Length);
    }
}
