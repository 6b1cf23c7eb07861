using System.Text.Json;

namespace Signing.Cli.Tests;

/// <summary><c>signing verify pdf</c> over the validation corpus checked in under tests/Signing.Pdf.Tests/Corpus.</summary>
public sealed class VerifyPdfCommandTests
{
    private static readonly string Corpus = LocateCorpus();

    private static string[] Args(string file, params string[] extra) =>
        ["verify", "pdf", Path.Combine(Corpus, file), "--trust", Path.Combine(Corpus, "corpus-root.pem"), "--crl", Path.Combine(Corpus, "corpus.crl.pem"), "--offline", .. extra];

    [Theory]
    [InlineData("pdfsig-two-signatures.pdf", 0, "2 signature(s), 0 document timestamp(s): 2 TOTAL_PASSED")]
    [InlineData("openssl-altered-content.pdf", 1, "1 signature(s), 0 document timestamp(s): 1 TOTAL_FAILED/HASH_FAILURE")]
    [InlineData("pdfbox-revoked.pdf", 1, "1 signature(s), 0 document timestamp(s): 1 TOTAL_FAILED/REVOKED")]
    [InlineData("pdfbox-untrusted-root.pdf", 2, "1 signature(s), 0 document timestamp(s): 1 INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND")]
    [InlineData("openssl-expired-no-timestamp.pdf", 2, "1 signature(s), 0 document timestamp(s): 1 INDETERMINATE/OUT_OF_BOUNDS_NO_POE")]
    public async Task VerifyPdf_ExitCodeAndSummaryFollowTheIndications(string file, int exitCode, string summary)
    {
        var result = await Cli.RunAsync(Args(file));

        Assert.True(result.ExitCode == exitCode, result.Output + result.Error);
        Assert.StartsWith(summary, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPdf_AlteredDocument_TextNamesTheChangedContentStream()
    {
        var result = await Cli.RunAsync(Args("pdfbox-altered-content.pdf"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("NOT ALLOWED object 4 modified: content stream of page 1 changed", result.Output, StringComparison.Ordinal);
        Assert.Contains("Nội dung đã bị thay đổi sau khi ký.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPdf_Json_IsTheDocumentReport()
    {
        var result = await Cli.RunAsync(Args("openssl-cades-valid.pdf", "--json"));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("TOTAL_PASSED", json.RootElement.GetProperty("indication").GetString());
        var signature = json.RootElement.GetProperty("signatures")[0];
        Assert.Equal("ETSI.CAdES.detached", signature.GetProperty("subFilter").GetString());
        Assert.Equal("ENTIRE_FILE", signature.GetProperty("coverage").GetString());
        Assert.Equal("Tran Thi Binh", signature.GetProperty("validation").GetProperty("signerName").GetString());
    }

    [Fact]
    public async Task VerifyPdf_Repeat_PrintsThroughputOnStderr()
    {
        var result = await Cli.RunAsync(Args("pdfbox-valid.pdf", "--repeat", "3"));

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^3 validations of \d+ bytes in [0-9.]+ s \(after 0 untimed\): [0-9.]+ PDFs/s", result.Error);
    }

    [Fact]
    public async Task VerifyPdf_NotAPdf_IsFormatFailureExitOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-pdf-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(path, "hello");
        try
        {
            var result = await Cli.RunAsync("verify", "pdf", path, "--offline");

            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("FORMAT_FAILURE: ", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("vi", "BÁO CÁO KIỂM TRA CHỮ KÝ SỐ", "Người ký")]
    [InlineData("en", "SIGNATURE VALIDATION REPORT", "Signer")]
    public async Task VerifyPdf_Report_IsAReadablePdfWithOneSectionPerSignature(string language, string title, string signerLabel)
    {
        var report = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.pdf");
        try
        {
            var result = await Cli.RunAsync(Args("pdfsig-two-signatures.pdf", "--report", report, "--lang", language));
            Assert.True(result.ExitCode == 0, result.Error);
            var text = TokenTestStore.Run("pdftotext", ["-enc", "UTF-8", report, "-"]);
            Assert.True(text.ExitCode == 0, text.StdErr);
            Assert.Contains(title, text.StdOut, StringComparison.Ordinal);
            Assert.Contains("TOTAL_PASSED", text.StdOut, StringComparison.Ordinal);
            Assert.Equal(2, text.StdOut.Split(signerLabel + ":").Length - 1);
            var check = TokenTestStore.Run("qpdf", ["--check", report]);
            Assert.True(check.ExitCode == 0, check.StdOut + check.StdErr);
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public async Task VerifyPdf_MissingFile_CouldNotRun()
    {
        var result = await Cli.RunAsync("verify", "pdf", "/nonexistent/x.pdf", "--offline");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("signing verify pdf:", result.Error, StringComparison.Ordinal);
    }

    private static string LocateCorpus()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Signing.Pdf.Tests", "Corpus");
            if (File.Exists(Path.Combine(candidate, "expected-outcomes.txt")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/Signing.Pdf.Tests/Corpus not found above {AppContext.BaseDirectory}");
    }
}
