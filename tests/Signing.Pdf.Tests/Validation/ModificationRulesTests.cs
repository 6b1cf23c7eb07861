using System.Globalization;
using System.Text;
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

    [Theory]
    [InlineData("/MediaBox [0 0 595 842]", 0)]
    [InlineData("/MediaBox [0 0 842 595]", 1)]
    public void AnObjectStreamRewritten_IsComparedMemberByMember_ThoughTheMembersEntriesStayTheSame(string mediaBox, int expectedChanges)
    {
        // Only objects whose cross-reference entries differ are compared; a member of an object stream keeps its entry
        // (stream 5, index 0) when the stream is rewritten, so the stream's own entry must bring the member back in.
        var before = TestDocuments.Hybrid();
        var page = $"<< /Type /Page /Parent 2 0 R {mediaBox} /Contents 4 0 R >>";
        var members = TestDocuments.Deflate(Encoding.ASCII.GetBytes("3 0 " + page));
        var update = new MemoryStream();
        void Write(string text) => update.Write(Encoding.Latin1.GetBytes(text));
        var objectStreamOffset = before.Length;
        Write($"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {members.Length} >>\nstream\n");
        update.Write(members);
        Write("\nendstream\nendobj\n");
        var xrefStreamOffset = before.Length + update.Length;
        Write("7 0 obj\n<< /Type /XRef /Size 8 /Index [3 1] /W [1 2 1] /Length 4 >>\nstream\n");
        update.Write([2, 0, 5, 0]);
        Write("\nendstream\nendobj\n");
        var tableOffset = before.Length + update.Length;
        var previous = Encoding.Latin1.GetString(before).LastIndexOf("startxref", StringComparison.Ordinal);
        var previousTable = long.Parse(Encoding.Latin1.GetString(before)[(previous + 9)..].Trim().Split('\n')[0], CultureInfo.InvariantCulture);
        Write($"xref\n0 1\n0000000000 65535 f\r\n5 1\n{objectStreamOffset:D10} 00000 n\r\n7 1\n{xrefStreamOffset:D10} 00000 n\r\n");
        Write($"trailer\n<< /Size 8 /Root 1 0 R /Prev {previousTable} /XRefStm {xrefStreamOffset} >>\nstartxref\n{tableOffset}\n%%EOF\n");
        byte[] after = [.. before, .. update.ToArray()];

        var changes = Analyze(before, after, 3);

        Assert.Equal(expectedChanges, changes.Count(change => change.Change == "modified"));
        Assert.All(changes.Where(change => change.Change == "modified"), change => Assert.False(change.Allowed));
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
