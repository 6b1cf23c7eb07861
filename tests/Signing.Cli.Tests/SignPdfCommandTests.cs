using System.Diagnostics;
using System.Text;

namespace Signing.Cli.Tests;

[Collection(DevPkiCliCollection.Name)]
public sealed class SignPdfCommandTests(DevPkiCliFixture pki)
{
    private string Tsa => $"http://127.0.0.1:{pki.Port}/tsa";

    [Fact]
    public async Task SignPdf_VisibleBLta_PdfsigValid_QpdfClean()
    {
        var dir = pki.WorkDir();
        var input = PdfTools.CairoDocument(dir);
        var image = PdfTools.TransparentPng(dir);
        var output = Path.Combine(dir, "signed.pdf");

        var sign = await Cli.RunAsync(
            "sign", "pdf", input, output, "--key", pki.Path_("official.key"), "--chain", pki.Path_("root.pem"), "--level", "B-LTA", "--tsa", Tsa,
            "--page", "1", "--rect", "300,100,200,100", "--image", image, "--line", "Nguyễn Văn An", "--line", "Chủ tịch", "--reason", "Phê duyệt");
        Assert.True(sign.ExitCode == 0, sign.Error);
        Assert.Contains("B-LTA", sign.Output, StringComparison.Ordinal);

        var pdfsig = PdfTools.Run("pdfsig", output);
        Assert.Contains("Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature is Invalid", pdfsig, StringComparison.Ordinal);
        Assert.Contains("Signature Type: unknown", pdfsig, StringComparison.Ordinal);
        Assert.Contains("No syntax or stream encoding errors found", PdfTools.Run("qpdf", "--check", output), StringComparison.Ordinal);
        Assert.Contains("/DSS", Encoding.Latin1.GetString(File.ReadAllBytes(output)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignPdf_Stamp_TextExtracts_AndCertifyP1_RefusesNextSignature()
    {
        var dir = pki.WorkDir();
        var input = PdfTools.CairoDocument(dir);
        var certified = Path.Combine(dir, "certified.pdf");
        var sign = await Cli.RunAsync("sign", "pdf", input, certified, "--key", pki.Path_("official.key"), "--certify", "1", "--stamp", "Bản sao điện tử|Ủy ban nhân dân xã Hòa Bình");
        Assert.True(sign.ExitCode == 0, sign.Error);
        Assert.Contains("Signature is Valid.", PdfTools.Run("pdfsig", certified), StringComparison.Ordinal);
        var text = PdfTools.Run("pdftotext", certified, "-");
        Assert.Contains("Ủy ban nhân dân xã Hòa Bình", text, StringComparison.Ordinal);
        Assert.Contains("+07:00", text, StringComparison.Ordinal);

        var second = await Cli.RunAsync("sign", "pdf", certified, Path.Combine(dir, "second.pdf"), "--key", pki.Path_("official.key"));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("/P 1", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignPdf_Anchor_PlacesTheSignatureBelowTheLine_DefaultTextNamesTheSigner_MissingAnchorFailsClearly()
    {
        var dir = pki.WorkDir();
        var input = PdfTools.CairoDocument(dir);
        var output = Path.Combine(dir, "anchored.pdf");
        var sign = await Cli.RunAsync("sign", "pdf", input, output, "--key", pki.Path_("official.key"), "--anchor", "cong van");
        Assert.True(sign.ExitCode == 0, sign.Error);
        Assert.Contains("Signature is Valid.", PdfTools.Run("pdfsig", output), StringComparison.Ordinal);

        // No --line: the signer's name from the certificate (CN=Nguyễn Văn An) and the signing time in +07:00.
        var text = PdfTools.Run("pdftotext", "-enc", "UTF-8", output, "-");
        Assert.Contains("Nguyễn Văn An", text, StringComparison.Ordinal);
        Assert.Contains("+07:00", text, StringComparison.Ordinal);

        var missing = await Cli.RunAsync("sign", "pdf", input, Path.Combine(dir, "x.pdf"), "--key", pki.Path_("official.key"), "--anchor", "không có dòng này", "--line", "x");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No line of the document contains", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignPdf_BadLevel_IsAUsageError()
    {
        var dir = pki.WorkDir();
        var result = await Cli.RunAsync("sign", "pdf", PdfTools.CairoDocument(dir), Path.Combine(dir, "x.pdf"), "--key", pki.Path_("official.key"), "--level", "B-Z");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("B-Z", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>Input documents from poppler and qpdf (independent writers), and the tools as processes; a missing tool fails by name.</summary>
internal static class PdfTools
{
    // A page with text; its xref is deliberately absent, qpdf rebuilds the file, then cairo rewrites it.
    private const string Sketch = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >> endobj\n" +
        "4 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n5 0 obj << /Length 44 >> stream\nBT /F1 24 Tf 72 720 Td (Cong van so 12) Tj ET\nendstream endobj\n" +
        "trailer << /Root 1 0 R >>\n%%EOF\n";

    public static string CairoDocument(string dir)
    {
        var sketch = Path.Combine(dir, "sketch.pdf");
        var repaired = Path.Combine(dir, "repaired.pdf");
        var cairo = Path.Combine(dir, "input.pdf");
        File.WriteAllText(sketch, Sketch, Encoding.ASCII);
        Run("qpdf", sketch, repaired);
        Run("pdftocairo", "-pdf", repaired, cairo);
        return cairo;
    }

    public static string TransparentPng(string dir)
    {
        var source = CairoDocument(dir);
        Run("pdftocairo", "-png", "-transp", "-singlefile", "-r", "20", source, Path.Combine(dir, "sig"));
        return Path.Combine(dir, "sig.png");
    }

    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} did not finish in 120 s");
            }

            // qpdf exits 3 after repairing with warnings, which is what the sketch needs.
            Assert.True(process.ExitCode is 0 or 3 || tool == "pdfsig", $"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result + stderr.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"The '{tool}' tool is required by this test but was not found on PATH (Debian package: {(tool.StartsWith("pdf", StringComparison.Ordinal) ? "poppler-utils" : tool)}).", e);
        }
    }
}
