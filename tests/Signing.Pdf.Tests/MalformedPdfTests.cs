using Signing.Pdf.Tests.Infrastructure;

namespace Signing.Pdf.Tests;

/// <summary>Every hostile file in Malformed/ must fail with a named exception and a clear message, never hang.</summary>
public class MalformedPdfTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Malformed");

    public static TheoryData<string> Names => [.. MalformedPdfCorpus.Cases.Select(c => c.Name)];

    [Fact]
    public void CheckedInCorpus_HoldsEveryGeneratedCase()
    {
        if (Environment.GetEnvironmentVariable("SIGNING_PDF_REGENERATE_MALFORMED") is { Length: > 0 } target)
        {
            foreach (var generated in MalformedPdfCorpus.Cases)
            {
                File.WriteAllBytes(Path.Combine(target, generated.Name + ".pdf"), generated.Build());
            }
        }

        Assert.True(MalformedPdfCorpus.Cases.Count >= 30);
        foreach (var generated in MalformedPdfCorpus.Cases)
        {
            var path = Path.Combine(Folder, generated.Name + ".pdf");
            Assert.True(File.Exists(path), $"{path} is missing; regenerate the corpus (see MalformedPdfCorpus)");
            Assert.True(new FileInfo(path).Length < 256 * 1024, $"{path} should stay small");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task OpenAndWalk_ThrowsPdfFormatException_NamingTheProblem(string name)
    {
        var expected = MalformedPdfCorpus.Cases.Single(c => c.Name == name).ExpectedMessage;
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Folder, name + ".pdf"));

        // A safety net against hangs only; speed is not asserted here.
        var walk = Task.Run(() => OpenAndWalk(bytes));
        var error = await Assert.ThrowsAnyAsync<PdfFormatException>(() => walk.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (name == "encrypted")
        {
            Assert.IsType<PdfEncryptedException>(error);
        }
    }

    [Fact]
    public async Task GeneratedCases_AlsoFailFromMemory()
    {
        foreach (var generated in MalformedPdfCorpus.Cases)
        {
            var bytes = generated.Build();
            var error = await Assert.ThrowsAnyAsync<PdfFormatException>(() => Task.Run(() => OpenAndWalk(bytes)).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains(generated.ExpectedMessage, error.Message, StringComparison.Ordinal);
        }
    }

    private static void OpenAndWalk(byte[] bytes)
    {
        var reader = PdfReader.Open(new MemoryStream(bytes));
        foreach (var reference in reader.ObjectReferences)
        {
            if (reader.GetObject(reference) is PdfStream stream && stream.Dictionary.ContainsKey("Filter"))
            {
                reader.DecodeStream(stream, reader.Limits.MaxStructureStreamBytes);
            }
        }

        foreach (var page in reader.GetPageReferences())
        {
            reader.ResolveDictionary(page, "page");
        }
    }
}
