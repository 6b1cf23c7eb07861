namespace Signing.Cli.Tests;

[Collection(DevPkiCliCollection.Name)]
public sealed class ExtendCommandTests(DevPkiCliFixture pki)
{
    [Fact]
    public async Task Extend_BTSignedPdf_ToLtThenLta_PdfsigValid()
    {
        var dir = pki.WorkDir();
        var signed = Path.Combine(dir, "bt.pdf");
        var tsa = $"http://127.0.0.1:{pki.Port}/tsa";
        var sign = await Cli.RunAsync("sign", "pdf", PdfTools.CairoDocument(dir), signed, "--key", pki.Path_("official.key"), "--level", "B-T", "--tsa", tsa);
        Assert.True(sign.ExitCode == 0, sign.Error);

        var lt = Path.Combine(dir, "lt.pdf");
        var extendLt = await Cli.RunAsync("sign", "extend", signed, lt, "--level", "B-LT", "--chain", pki.Path_("root.pem"));
        Assert.True(extendLt.ExitCode == 0, extendLt.Error);
        var lta = Path.Combine(dir, "lta.pdf");
        var extendLta = await Cli.RunAsync("sign", "extend", lt, lta, "--level", "B-LTA", "--tsa", tsa, "--chain", pki.Path_("root.pem"));
        Assert.True(extendLta.ExitCode == 0, extendLta.Error);

        var pdfsig = PdfTools.Run("pdfsig", lta);
        Assert.Contains("Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature is Invalid", pdfsig, StringComparison.Ordinal);
        Assert.Contains("No syntax or stream encoding errors found", PdfTools.Run("qpdf", "--check", lta), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extend_WithoutRoot_SaysWhichIssuerIsMissing()
    {
        var dir = pki.WorkDir();
        var signed = Path.Combine(dir, "bb.pdf");
        var sign = await Cli.RunAsync("sign", "pdf", PdfTools.CairoDocument(dir), signed, "--key", pki.Path_("official.key"));
        Assert.True(sign.ExitCode == 0, sign.Error);

        var extend = await Cli.RunAsync("extend", signed, Path.Combine(dir, "lt.pdf"), "--level", "B-LT"); // the older top-level name still works
        Assert.Equal(1, extend.ExitCode);
        Assert.Contains("neither embedded", extend.Error, StringComparison.Ordinal);
    }
}
