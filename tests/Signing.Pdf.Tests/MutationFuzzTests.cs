using Signing.Pdf.Signatures;

namespace Signing.Pdf.Tests;

/// <summary>
/// Seeded byte mutations of valid files: reading must either succeed or throw <see cref="PdfFormatException"/>;
/// any other exception type (cast, index, overflow) is a reader bug.
/// </summary>
public class MutationFuzzTests
{
    public static TheoryData<string> Inputs => ["classic", "qpdf-object-streams", "qpdf-linearized", "hybrid", "cairo"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task MutatedFiles_FailOnlyWithPdfFormatException(string kind)
    {
        var original = PdfIncrementalWriterTests.Input(kind);
        // SIGNING_PDF_FUZZ_ITERATIONS and SIGNING_PDF_FUZZ_SEED widen an exploratory run; the defaults keep CI fast and repeatable.
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("SIGNING_PDF_FUZZ_ITERATIONS"), out var configured) ? configured : 1500;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SIGNING_PDF_FUZZ_SEED"), out var configuredSeed) ? configuredSeed : 4242;
        var random = new Random(seed);
        var unexpected = new List<string>();
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var mutated = Mutate(original, random);
            try
            {
                await Task.Run(() => OpenAndWalk(mutated)).WaitAsync(TimeSpan.FromSeconds(10));
                if (iteration % 10 == 0)
                {
                    // The signing path reads more (AcroForm, page /Annots) and must fail the same way.
                    using var output = new MemoryStream();
                    await PdfSigner.PrepareAsync(new MemoryStream(mutated), output, new PdfSignatureOptions()).WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (PdfFormatException ex) when (!string.IsNullOrWhiteSpace(ex.Message))
            {
                // The expected outcome for a broken file.
            }
            catch (Exception ex) when (ex is not TimeoutException)
            {
                unexpected.Add($"iteration {iteration}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
        }

        Assert.True(unexpected.Count == 0, $"seed {seed}: " + string.Join("\n\n", unexpected.Take(5)));
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var i = random.Next(1, 8); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 1:
                // Digits are where offsets, lengths and counts live.
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    var at = random.Next(bytes.Length);
                    if (char.IsAsciiDigit((char)bytes[at]))
                    {
                        bytes[at] = (byte)('0' + random.Next(10));
                    }
                }

                return bytes;
            case 2:
                return bytes[..random.Next(bytes.Length)];
            default:
                var start = random.Next(bytes.Length);
                var length = random.Next(1, Math.Min(64, bytes.Length - start) + 1);
                return [.. bytes[..start], .. bytes[(start + length)..]];
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
