using System.Text;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests;

public class PdfReaderTests
{
    [Fact]
    public void ClassicTable_HandWritten_ReadsPagesAndRevision()
    {
        var bytes = ClassicPdfBuilder.SimpleDocument(pages: 3);
        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(PdfXrefKind.Table, reader.LastXrefKind);
        Assert.Equal(3, reader.GetPageReferences().Count);
        var revision = Assert.Single(reader.Revisions);
        Assert.Equal(bytes.Length - 1, revision.EndOffset);
        Assert.Equal("Catalog", Assert.IsType<PdfName>(reader.Catalog["Type"]).Value);
        var content = Assert.IsType<PdfStream>(reader.GetObject(new PdfReference(5, 0)));
        Assert.StartsWith("BT /F1", Encoding.ASCII.GetString(content.EncodedData.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void PdfBytes_AreReadInPlace_StreamDataIsASliceOfTheDocument_AndALengthLimitsTheRevision()
    {
        var original = ClassicPdfBuilder.SimpleDocument(pages: 2);
        var bytes = original.Concat(Encoding.ASCII.GetBytes("% bytes of a later revision\n")).ToArray();
        var reader = PdfReader.Open(PdfBytes.Open(bytes, original.Length));

        var content = Assert.IsType<PdfStream>(reader.GetObject(new PdfReference(5, 0)));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content.EncodedData, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(original.Length, reader.Length);
        Assert.Equal(original.Length - 1, Assert.Single(reader.Revisions).EndOffset);

        var copied = Assert.IsType<PdfStream>(PdfReader.Open(new MemoryStream(bytes)).GetObject(new PdfReference(5, 0)));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(copied.EncodedData, out var copy));
        Assert.NotSame(bytes, copy.Array);
    }

    [Fact]
    public void XrefAndObjectStreams_FromQpdf_ReadsEveryObject()
    {
        var bytes = ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(pages: 4), "--object-streams=generate", "--newline-before-endstream");
        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(PdfXrefKind.Stream, reader.LastXrefKind);
        Assert.Equal(4, reader.GetPageReferences().Count);
        var objects = reader.ObjectReferences.Select(reader.GetObject).ToList();
        Assert.DoesNotContain(objects, o => o is PdfNull);
        Assert.Contains(objects, o => o is PdfStream s && s.Dictionary["Type"] is PdfName { Value: "ObjStm" });
    }

    [Fact]
    public void QdfOutput_FromQpdf_ReadsAsClassicTable()
    {
        var bytes = ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(pages: 2), "--qdf");
        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(PdfXrefKind.Table, reader.LastXrefKind);
        Assert.Equal(2, reader.GetPageReferences().Count);
    }

    [Fact]
    public void CairoDocument_Reads()
    {
        var bytes = TestDocuments.FromCairo(pages: 2);
        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(2, reader.GetPageReferences().Count);
        Assert.All(reader.ObjectReferences, r => reader.GetObject(r));
    }

    [Fact]
    public void EncryptedDocument_FromQpdf_IsRefused()
    {
        var bytes = ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(), "--encrypt", "user", "owner", "256", "--");
        var error = Assert.Throws<PdfEncryptedException>(() => PdfReader.Open(new MemoryStream(bytes)));
        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    /// <summary>qpdf encrypts at test time with every method of the standard security handler; the decrypted objects equal the original's.</summary>
    [Theory]
    [InlineData("RC4 40-bit (R2)", "40")]
    [InlineData("RC4 128-bit (R3)", "128", "--use-aes=n")]
    [InlineData("AES-128 (R4)", "128", "--use-aes=y")]
    [InlineData("AES-256 (R6)", "256")]
    public void EncryptedDocument_WithEmptyUserPassword_IsDecryptedForReading(string description, params string[] method)
    {
        var original = ClassicPdfBuilder.SimpleDocument(pages: 2);
        var encrypted = ExternalTool.Qpdf(original, ["--allow-weak-crypto", "--encrypt", "", "owner-secret", .. method, "--"]);
        var plain = PdfReader.Open(new MemoryStream(ExternalTool.Qpdf(encrypted, "--decrypt")));

        var reader = PdfReader.Open(new MemoryStream(encrypted), decryption: PdfDecryption.EmptyUserPassword);

        Assert.Equal(description, reader.Encryption);
        Assert.Equal(2, reader.GetPageReferences().Count);
        foreach (var page in reader.GetPageReferences())
        {
            var content = (PdfReference)reader.ResolveDictionary(page, "page")["Contents"]!;
            var expected = plain.DecodeStream((PdfStream)plain.GetObject(content));
            Assert.Equal(expected, reader.DecodeStream((PdfStream)reader.GetObject(content)));
            Assert.StartsWith("BT", Encoding.ASCII.GetString(expected).TrimStart(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EncryptedDocument_WithAUserPassword_IsRefusedNamingThePassword()
    {
        var encrypted = ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(), "--encrypt", "user-secret", "owner-secret", "256", "--");

        var error = Assert.Throws<PdfEncryptedException>(() => PdfReader.Open(new MemoryStream(encrypted), decryption: PdfDecryption.EmptyUserPassword));

        Assert.Contains("user password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncryptedDocument_ReadForValidation_CannotBeWrittenTo()
    {
        var encrypted = ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(), "--encrypt", "", "owner-secret", "256", "--");
        var reader = PdfReader.Open(new MemoryStream(encrypted), decryption: PdfDecryption.EmptyUserPassword);

        var error = Assert.Throws<PdfEncryptedException>(() => new PdfIncrementalWriter(reader));

        Assert.Contains("remove the encryption", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Some writers copy the trailer, /XRefStm included, into the next revision; Acrobat reads such files.</summary>
    [Fact]
    public void HybridFile_WhoseRevisionsShareOneXRefStm_IsRead()
    {
        var first = TestDocuments.Hybrid();
        var text = Encoding.Latin1.GetString(first);
        var xrefStm = System.Text.RegularExpressions.Regex.Match(text, @"/XRefStm (\d+)").Groups[1].Value;
        var table = System.Text.RegularExpressions.Regex.Match(text, @"startxref\s+(\d+)").Groups[1].Value;
        var update = $"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (vi-VN) >>\nendobj\n";
        var catalogOffset = first.Length;
        var xrefOffset = catalogOffset + update.Length;
        var bytes = first.Concat(Encoding.Latin1.GetBytes(update
            + $"xref\n1 1\n{catalogOffset:D10} 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /XRefStm {xrefStm} /Prev {table} >>\nstartxref\n{xrefOffset}\n%%EOF\n")).ToArray();

        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(2, reader.Revisions.Count);
        Assert.Equal("vi-VN", Assert.IsType<PdfString>(reader.Catalog["Lang"]).ToText());
        Assert.Equal("Page", Assert.IsType<PdfName>(reader.ResolveDictionary(reader.GetPageReferences()[0], "page")["Type"]).Value);
    }

    [Fact]
    public void StreamLength_AsIndirectReference_IsResolved()
    {
        var builder = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>")
            .Add(4, "<< /Length 5 0 R >>\nstream\nhello\nendstream")
            .Add(5, "5");
        var reader = PdfReader.Open(new MemoryStream(builder.Build()));

        var stream = Assert.IsType<PdfStream>(reader.GetObject(new PdfReference(4, 0)));
        Assert.Equal("hello", Encoding.ASCII.GetString(stream.EncodedData.Span));
    }

    [Fact]
    public void HybridFile_XRefStmEntries_AreFound()
    {
        var bytes = TestDocuments.Hybrid();
        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(PdfXrefKind.Table, reader.LastXrefKind);
        var page = reader.ResolveDictionary(reader.GetPageReferences()[0], "page");
        Assert.Equal("Page", Assert.IsType<PdfName>(page["Type"]).Value);
    }

    [Fact]
    public void MissingFinalEof_IsTolerated_RevisionEndsAtFileEnd()
    {
        var bytes = ClassicPdfBuilder.SimpleDocument();
        var withoutEof = bytes[..^"%%EOF\n".Length];
        var reader = PdfReader.Open(new MemoryStream(withoutEof));

        Assert.Equal(withoutEof.Length, Assert.Single(reader.Revisions).EndOffset);
    }

    [Fact]
    public void QpdfXrefStream_UsesPngPredictor_AndDecodes()
    {
        var bytes = ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(), "--object-streams=generate");
        var reader = PdfReader.Open(new MemoryStream(bytes));

        Assert.Equal(PdfXrefKind.Stream, reader.LastXrefKind);
        Assert.IsType<PdfDictionary>(reader.Trailer["DecodeParms"]);
        Assert.Equal(12, Assert.IsType<PdfInteger>(((PdfDictionary)reader.Trailer["DecodeParms"]!)["Predictor"]).Value);
    }
}
