using Signing.Pdf.Signatures;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Pdf.Tests;

/// <summary>
/// The seeded mutation fuzzer (<see cref="MutationFuzzer"/>) over the PDF reader: mutations of five valid files
/// (classic xref, object streams, linearized, hybrid, cairo) are opened, every object read and every filtered stream
/// decoded, every page resolved, and every tenth one prepared for signing, which reads the AcroForm and the page's
/// annotations as well. Each must succeed or throw <see cref="PdfFormatException"/> (with a message) or
/// <see cref="PdfResourceLimitException"/>, within 2 s and 64 MiB of allocations; a cast, index or overflow exception, a hang
/// or a runaway allocation is a reader bug.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    private static readonly FuzzBudget Budget = new(TimeSpan.FromSeconds(2), 64L * 1024 * 1024);

    [Fact]
    public void MutatedFiles_EndInAResultOrATypedException_WithinBudget()
    {
        byte[][] corpus = [.. new[] { "classic", "qpdf-object-streams", "qpdf-linearized", "hybrid", "cairo" }.Select(PdfIncrementalWriterTests.Input)];
        var findings = new List<string>();
        foreach (var seed in MutationFuzzer.Seeds())
        {
            var inputs = 0;
            var report = MutationFuzzer.Run("pdf", corpus, seed, MutationFuzzer.InputsPerSeed(), Budget, input =>
            {
                OpenAndWalk(input);
                if (inputs++ % 10 == 0)
                {
                    using var signed = new MemoryStream();
                    PdfSigner.PrepareAsync(new MemoryStream(input), signed, new PdfSignatureOptions()).GetAwaiter().GetResult();
                }
            }, IsTyped);
            output.WriteLine(report.ToString());
            findings.AddRange(report.Findings);
        }

        Assert.True(findings.Count == 0, string.Join("\n\n", findings));
    }

    private static bool IsTyped(Exception exception) =>
        exception is PdfFormatException { Message.Length: > 0 } or PdfResourceLimitException;

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
