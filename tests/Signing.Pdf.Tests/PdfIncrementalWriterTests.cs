using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests;

public class PdfIncrementalWriterTests
{
    public static TheoryData<string> Inputs => ["classic", "qpdf-object-streams", "qpdf-qdf", "qpdf-linearized", "hybrid", "cairo", "libreoffice"];

    internal static byte[] Input(string kind) => kind switch
    {
        "classic" => ClassicPdfBuilder.SimpleDocument(pages: 2),
        "qpdf-object-streams" => ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(pages: 2), "--object-streams=generate", "--newline-before-endstream"),
        "qpdf-qdf" => ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(pages: 2), "--qdf"),
        "qpdf-linearized" => ExternalTool.Qpdf(ClassicPdfBuilder.SimpleDocument(pages: 3), "--linearize"),
        "hybrid" => TestDocuments.Hybrid(),
        "cairo" => TestDocuments.FromCairo(pages: 2),
        // Exported by LibreOffice Writer (Inputs/generate-libreoffice.sh), checked in so tests need no office suite.
        "libreoffice" => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Inputs", "libreoffice-van-ban-di.pdf")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Update_KeepsOriginalBytes_AndAddsReadableRevision(string kind)
    {
        var original = Input(kind);
        var reader = PdfReader.Open(new MemoryStream(original));
        var writer = new PdfIncrementalWriter(reader);
        var added = writer.AddObject(PdfString.FromText("Ủy ban nhân dân tỉnh Lâm Đồng"));
        var catalog = reader.Catalog.Clone();
        catalog["Note"] = added;
        writer.SetObject(reader.CatalogReference, catalog);

        using var output = new MemoryStream();
        var result = await writer.WriteToAsync(output);
        var updated = output.ToArray();

        Assert.Equal(original, updated[..original.Length]);
        Assert.Equal(updated.Length, result.Length);
        var reread = PdfReader.Open(new MemoryStream(updated));
        Assert.Equal(reader.LastXrefKind, reread.LastXrefKind);
        Assert.Equal(reader.Revisions.Count + 1, reread.Revisions.Count);
        Assert.Equal(result.StartXref, reread.Revisions[^1].XrefOffset);
        Assert.Equal(reader.StartXref, Assert.IsType<PdfInteger>(reread.Trailer["Prev"]).Value);
        Assert.Equal("Ủy ban nhân dân tỉnh Lâm Đồng", Assert.IsType<PdfString>(reread.Resolve(reread.Catalog["Note"])).ToText());
        Assert.Equal(reader.GetPageReferences(), reread.GetPageReferences());
        Assert.Equal(reader.Trailer["Root"], reread.Trailer["Root"]);
        AssertIdUpdated(reader.Trailer, reread.Trailer);

        using var directory = new TempDirectory();
        var path = directory.File("updated.pdf");
        await File.WriteAllBytesAsync(path, updated);
        var check = ExternalTool.QpdfCheck(path);
        Assert.True(check.ExitCode == 0, $"qpdf --check exit {check.ExitCode}: {check.Combined}");
        Assert.Contains("No syntax or stream encoding errors found", check.Combined, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyUpdates_EachAddRevision_EndOffsetsAscend()
    {
        var bytes = ClassicPdfBuilder.SimpleDocument();
        for (var i = 0; i < 5; i++)
        {
            var reader = PdfReader.Open(new MemoryStream(bytes));
            var writer = new PdfIncrementalWriter(reader);
            var catalog = reader.Catalog.Clone();
            catalog["Counter"] = new PdfInteger(i);
            writer.SetObject(reader.CatalogReference, catalog);
            using var output = new MemoryStream();
            await writer.WriteToAsync(output);
            var previousLength = bytes.Length;
            bytes = output.ToArray();
            Assert.Equal(previousLength - 1, PdfReader.Open(new MemoryStream(bytes)).Revisions[^2].EndOffset);
        }

        var final = PdfReader.Open(new MemoryStream(bytes));
        Assert.Equal(6, final.Revisions.Count);
        Assert.Equal(4, Assert.IsType<PdfInteger>(final.Catalog["Counter"]).Value);
        Assert.Equal(bytes.Length - 1, final.Revisions[^1].EndOffset);
        Assert.True(final.Revisions.Zip(final.Revisions.Skip(1)).All(p => p.First.EndOffset < p.Second.EndOffset));
    }

    [Fact]
    public async Task Placeholder_OffsetIsReported()
    {
        var reader = PdfReader.Open(new MemoryStream(ClassicPdfBuilder.SimpleDocument()));
        var writer = new PdfIncrementalWriter(reader);
        var placeholder = new PdfPlaceholder("<0000>"u8.ToArray());
        writer.AddObject(new PdfDictionary { ["Slot"] = placeholder });
        using var output = new MemoryStream();
        var result = await writer.WriteToAsync(output);

        var offset = result.PlaceholderOffsets[placeholder];
        Assert.Equal("<0000>"u8.ToArray(), output.ToArray()[(int)offset..(int)(offset + 6)]);
    }

    private static void AssertIdUpdated(PdfDictionary before, PdfDictionary after)
    {
        var newId = Assert.IsType<PdfArray>(after["ID"]);
        Assert.Equal(2, newId.Count);
        if (before["ID"] is PdfArray oldId)
        {
            Assert.Equal(Assert.IsType<PdfString>(oldId[0]).Bytes, Assert.IsType<PdfString>(newId[0]).Bytes);
            Assert.NotEqual(Assert.IsType<PdfString>(oldId[1]).Bytes, Assert.IsType<PdfString>(newId[1]).Bytes);
        }
    }
}
