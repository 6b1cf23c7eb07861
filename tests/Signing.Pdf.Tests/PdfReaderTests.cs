using System.Text;
using Signing.Pdf.Tests.Infrastructure;

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
