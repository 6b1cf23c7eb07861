using System.Text;
using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests;

/// <summary>Where the signature field and widget go, for the AcroForm and /Annots shapes found in the wild.</summary>
public class SignatureFieldTests
{
    private const string Font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    private const string Link = "<< /Type /Annot /Subtype /Link /Rect [10 10 50 50] /Border [0 0 0] >>";

    private static PdfSignatureOptions Options => new() { ContentsCapacity = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain) };

    private static async Task<(byte[] Signed, PdfReader Reader, string Appended)> SignAndVerifyAsync(byte[] original)
    {
        var signed = await PdfSignerTests.SignAsync(original, Options);
        using var directory = new TempDirectory();
        var path = directory.File("signed.pdf");
        await File.WriteAllBytesAsync(path, signed);
        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);
        return (signed, PdfReader.Open(new MemoryStream(signed)), Encoding.Latin1.GetString(signed, original.Length, signed.Length - original.Length));
    }

    private static PdfArray Annotations(PdfReader reader) =>
        Assert.IsType<PdfArray>(reader.Resolve(reader.ResolveDictionary(reader.GetPageReferences()[0], "page")["Annots"]));

    private static PdfDictionary Widget(PdfReader reader) =>
        reader.ResolveDictionary(Annotations(reader).Items[^1], "widget");

    [Fact]
    public async Task IndirectAcroFormAndFields_AreUpdatedInPlace_CatalogUntouched()
    {
        var original = OnePage(catalogEntries: "/AcroForm 6 0 R", pageEntries: "/Annots [8 0 R]")
            .Add(5, Font)
            .Add(6, "<< /Fields 7 0 R /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 5 0 R >> >> >>")
            .Add(7, "[8 0 R]")
            .Add(8, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (SoVanBan) /Rect [100 700 300 720] /P 3 0 R /V (123/UBND) >>")
            .Build();

        var (_, reader, appended) = await SignAndVerifyAsync(original);

        Assert.DoesNotContain("\n1 0 obj", appended, StringComparison.Ordinal);
        Assert.Contains("\n7 0 obj", appended, StringComparison.Ordinal);
        var fields = Assert.IsType<PdfArray>(reader.GetObject(new PdfReference(7, 0)));
        Assert.Equal(2, fields.Count);
        var acroForm = Assert.IsType<PdfDictionary>(reader.GetObject(new PdfReference(6, 0)));
        Assert.Equal(3, Assert.IsType<PdfInteger>(acroForm["SigFlags"]).Value);
        Assert.NotNull(acroForm["DR"]);
        Assert.Equal(2, Annotations(reader).Count);
        Assert.Equal("Sig", Assert.IsType<PdfName>(Widget(reader)["FT"]).Value);
    }

    [Fact]
    public async Task DirectAcroFormInCatalog_KeepsItsEntriesAndFields()
    {
        var original = OnePage(catalogEntries: "/AcroForm << /Fields [6 0 R] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 5 0 R >> >> >>", pageEntries: "/Annots [6 0 R]")
            .Add(5, Font)
            .Add(6, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Signature1) /Rect [100 700 300 720] /P 3 0 R >>")
            .Build();

        var (_, reader, _) = await SignAndVerifyAsync(original);

        var acroForm = reader.ResolveDictionary(reader.Catalog["AcroForm"], "AcroForm");
        Assert.Equal("/Helv 0 Tf 0 g", Assert.IsType<PdfString>(acroForm["DA"]).ToText());
        var fields = Assert.IsType<PdfArray>(acroForm["Fields"]);
        Assert.Equal(new PdfReference(6, 0), fields[0]);
        Assert.Equal("Signature2", Assert.IsType<PdfString>(reader.ResolveDictionary(fields[1], "field")["T"]).ToText());
    }

    [Fact]
    public async Task IndirectAnnotsArray_IsUpdated_PageUntouched()
    {
        var original = OnePage(pageEntries: "/Annots 5 0 R")
            .Add(5, "[6 0 R]")
            .Add(6, Link)
            .Build();

        var (_, reader, appended) = await SignAndVerifyAsync(original);

        Assert.DoesNotContain("\n3 0 obj", appended, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<PdfArray>(reader.GetObject(new PdfReference(5, 0))).Count);
        Assert.Equal(new PdfReference(3, 0), Widget(reader)["P"]);
    }

    [Fact]
    public async Task DirectAnnotsArray_KeepsExistingAnnotation()
    {
        var original = OnePage(pageEntries: "/Annots [5 0 R]")
            .Add(5, Link)
            .Build();

        var (_, reader, _) = await SignAndVerifyAsync(original);

        var annotations = Annotations(reader);
        Assert.Equal(new PdfReference(5, 0), annotations[0]);
        Assert.Equal(2, annotations.Count);
    }

    [Fact]
    public async Task AnnotsOnPagesNode_AreCopiedToThePage()
    {
        var original = OnePage(pagesEntries: "/Annots [5 0 R]")
            .Add(5, Link)
            .Build();

        var (_, reader, _) = await SignAndVerifyAsync(original);

        var annotations = Annotations(reader);
        Assert.Equal([new PdfReference(5, 0), annotations[1]], annotations.Items);
    }

    [Fact]
    public async Task PrePlacedEmptySignatureField_IsFilled_NoNewWidget()
    {
        var original = OnePage(catalogEntries: "/AcroForm 6 0 R", pageEntries: "/Annots [5 0 R]")
            .Add(5, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (ChuKyLanhDao) /Rect [350 100 550 180] /F 4 /P 3 0 R >>")
            .Add(6, "<< /Fields [5 0 R] >>")
            .Build();

        var signed = await PdfSignerTests.SignAsync(original, Options with { FieldName = "ChuKyLanhDao" });
        using var directory = new TempDirectory();
        var path = directory.File("signed.pdf");
        await File.WriteAllBytesAsync(path, signed);
        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);

        var reader = PdfReader.Open(new MemoryStream(signed));
        Assert.Equal([new PdfReference(5, 0)], Annotations(reader).Items);
        Assert.Single(Assert.IsType<PdfArray>(reader.ResolveDictionary(new PdfReference(6, 0), "AcroForm")["Fields"]).Items);
        var field = reader.ResolveDictionary(new PdfReference(5, 0), "field");
        Assert.Equal("ETSI.CAdES.detached", Assert.IsType<PdfName>(reader.ResolveDictionary(field["V"], "signature")["SubFilter"]).Value);
        Assert.Equal(3, Assert.IsType<PdfInteger>(reader.ResolveDictionary(new PdfReference(6, 0), "AcroForm")["SigFlags"]).Value);
    }

    [Fact]
    public async Task RequestedFieldName_OfATextField_IsRefused()
    {
        var original = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R] >>")
            .Add(5, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (SoVanBan) /Rect [0 0 10 10] /P 3 0 R >>")
            .Build();
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PdfSigner.PrepareAsync(new MemoryStream(original), output, Options with { FieldName = "SoVanBan" }));
        Assert.Contains("not a signature field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestedFieldName_AlreadyTaken_IsRefused()
    {
        var once = await PdfSignerTests.SignAsync(ClassicPdfBuilder.SimpleDocument(), Options with { FieldName = "ChuKyLanhDao" });
        using var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PdfSigner.PrepareAsync(new MemoryStream(once), output, Options with { FieldName = "ChuKyLanhDao" }));
        Assert.Equal("The signature field 'ChuKyLanhDao' is already signed", error.Message);
    }

    // Objects 1-4 of a one-page document (catalog, page tree, page, empty content), with the entries a test adds.
    private static ClassicPdfBuilder OnePage(string catalogEntries = "", string pagesEntries = "", string pageEntries = "") => new ClassicPdfBuilder()
        .Add(1, $"<< /Type /Catalog /Pages 2 0 R{Entries(catalogEntries)} >>")
        .Add(2, $"<< /Type /Pages /Kids [3 0 R] /Count 1{Entries(pagesEntries)} >>")
        .Add(3, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R{Entries(pageEntries)} >>")
        .Add(4, ClassicPdfBuilder.StreamBody(string.Empty, "BT ET"u8.ToArray()));

    private static string Entries(string entries) => entries.Length == 0 ? "" : " " + entries;
}
