using Signing.Pdf.Tests.Infrastructure;
using Signing.Pdf.Validation;

namespace Signing.Pdf.Tests.Validation;

/// <summary>The DocMDP / FieldMDP rules of the difference analysis, applied to two revisions of one file.</summary>
public class ModificationRulesTests
{
    private static async Task<byte[]> UpdateAsync(byte[] input, Action<PdfReader, PdfIncrementalWriter> change)
    {
        var reader = PdfReader.Open(new MemoryStream(input));
        var writer = new PdfIncrementalWriter(reader);
        change(reader, writer);
        using var output = new MemoryStream();
        await writer.WriteToAsync(output);
        return output.ToArray();
    }

    private static IReadOnlyList<PdfModification> Analyze(byte[] before, byte[] after, int permission, params string[] locked) =>
        ModificationAnalyzer.Analyze(PdfReader.Open(new MemoryStream(before)), PdfReader.Open(new MemoryStream(after)), permission, locked.ToHashSet());

    /// <summary>A document with a text field "SoVanBan" whose value is "12/UBND".</summary>
    private static Task<byte[]> WithTextFieldAsync() => UpdateAsync(TestDocuments.FromCairo(1), (reader, writer) =>
    {
        var field = writer.AddObject(new PdfDictionary
        {
            ["FT"] = new PdfName("Tx"),
            ["T"] = PdfString.FromText("SoVanBan"),
            ["V"] = PdfString.FromText("12/UBND"),
        });
        var catalog = reader.Catalog.Clone();
        catalog["AcroForm"] = writer.AddObject(new PdfDictionary { ["Fields"] = new PdfArray(field) });
        writer.SetObject(reader.CatalogReference, catalog);
    });

    private static async Task<(byte[] Before, byte[] After)> FilledAsync()
    {
        var before = await WithTextFieldAsync();
        var after = await UpdateAsync(before, (reader, writer) =>
        {
            var fields = (PdfArray)reader.Resolve(reader.ResolveDictionary(reader.Catalog["AcroForm"], "AcroForm")["Fields"])!;
            var reference = (PdfReference)fields[0];
            var field = reader.ResolveDictionary(reference, "field").Clone();
            field["V"] = PdfString.FromText("13/UBND");
            writer.SetObject(reference, field);
        });
        return (before, after);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public async Task FillingAFormField_IsAllowedFromP2(int permission, bool allowed)
    {
        var (before, after) = await FilledAsync();

        var change = Assert.Single(Analyze(before, after, permission));

        Assert.Equal("modified", change.Change);
        Assert.Contains("form field 'SoVanBan' filled in", change.Description, StringComparison.Ordinal);
        Assert.Equal(allowed, change.Allowed);
    }

    [Fact]
    public async Task FillingAFieldLockedByFieldMdp_IsNotAllowed()
    {
        var (before, after) = await FilledAsync();

        var change = Assert.Single(Analyze(before, after, 2, "SoVanBan"));

        Assert.False(change.Allowed);
        Assert.Contains("locked by FieldMDP", change.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public async Task AddingACommentAnnotation_IsAllowedOnlyAtP3(int permission, bool allowed)
    {
        var before = TestDocuments.FromCairo(1);
        var after = await UpdateAsync(before, (reader, writer) =>
        {
            var pageReference = reader.GetPageReferences()[0];
            var page = reader.ResolveDictionary(pageReference, "page").Clone();
            var note = writer.AddObject(new PdfDictionary
            {
                ["Type"] = new PdfName("Annot"),
                ["Subtype"] = new PdfName("FreeText"),
                ["Rect"] = new PdfArray(new PdfInteger(72), new PdfInteger(72), new PdfInteger(300), new PdfInteger(100)),
                ["Contents"] = PdfString.FromText("Đã xem"),
            });
            page["Annots"] = new PdfArray(note);
            writer.SetObject(pageReference, page);
        });

        var changes = Analyze(before, after, permission);

        var pageChange = Assert.Single(changes, c => c.Change == "modified");
        Assert.Equal(1, pageChange.Page);
        Assert.Equal(allowed, pageChange.Allowed);
        Assert.Contains(changes, c => c.Change == "added" && c.Allowed);
    }

    [Fact]
    public async Task ReplacingThePageTree_IsNeverAllowed()
    {
        var before = TestDocuments.FromCairo(2);
        var after = await UpdateAsync(before, (reader, writer) =>
        {
            var pages = reader.Catalog["Pages"] as PdfReference;
            var tree = reader.ResolveDictionary(pages, "pages").Clone();
            var kids = (PdfArray)reader.Resolve(tree["Kids"])!;
            tree["Kids"] = new PdfArray(kids[1], kids[0]);
            writer.SetObject(pages!, tree);
        });

        var change = Assert.Single(Analyze(before, after, 3));

        Assert.False(change.Allowed);
        Assert.Contains("page tree changed", change.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingTheCatalogBeyondFormAndDss_IsNotAllowed()
    {
        var before = TestDocuments.FromCairo(1);
        var after = await UpdateAsync(before, (reader, writer) =>
        {
            var catalog = reader.Catalog.Clone();
            catalog["OpenAction"] = new PdfArray(reader.GetPageReferences()[0], new PdfName("Fit"));
            writer.SetObject(reader.CatalogReference, catalog);
        });

        var change = Assert.Single(Analyze(before, after, 3));

        Assert.False(change.Allowed);
        Assert.Contains("/OpenAction", change.Description, StringComparison.Ordinal);
    }
}
