using System.Security.Cryptography.X509Certificates;

namespace Signing.Cli.Tests;

[Collection(DevPkiCliCollection.Name)]
public sealed class DevPkiCommandTests(DevPkiCliFixture pki)
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Init_WritesRootAndCaPemAndPrivateKeys()
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(pki.Path_("root.pem")));
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(pki.Path_("ca.pem")));
        Assert.Equal("CN=RootCA chuyên dùng Chính phủ G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", root.Subject);
        Assert.Equal("CN=CA phục vụ các cơ quan Nhà nước G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", ca.Subject);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pki.Path_("ca.key")));
        Assert.True(File.Exists(pki.Path_("state.json")));
    }

    [Fact]
    public async Task Init_ExistingDirectory_FailsWithClearMessage()
    {
        var result = await Cli.RunAsync("devpki", "init", "--out", pki.Dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already holds a dev PKI", result.Error);
    }

    [Fact]
    public async Task IssueThenRevoke_OpenSslOcspSeesGoodThenRevoked()
    {
        var work = pki.WorkDir();
        var csr = Path.Combine(work, "req.pem");
        var cert = Path.Combine(work, "cert.pem");
        var (csrExit, csrOut) = Cli.OpenSsl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(work, "key.pem"), "-out", csr, "-utf8",
            "-subj", "/C=VN/L=Huế/O=ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ/CN=Phạm Thị Dung");
        Assert.True(csrExit == 0, csrOut);

        var issue = await Cli.RunAsync("devpki", "issue", "--dir", pki.Dir, "--csr", csr, "--out", cert);
        Assert.True(issue.ExitCode == 0, issue.Error);
        Assert.Contains("Phạm Thị Dung", X509Certificate2.CreateFromPem(File.ReadAllText(cert)).Subject);

        var url = $"http://127.0.0.1:{pki.Port}/ocsp";
        var chain = pki.Path_("chain.pem");
        var (goodExit, good) = Cli.OpenSsl("ocsp", "-issuer", pki.Path_("ca.pem"), "-cert", cert, "-url", url, "-CAfile", chain);
        Assert.True(goodExit == 0, good);
        Assert.Contains(": good", good);

        var revoke = await Cli.RunAsync("devpki", "revoke", "--dir", pki.Dir, "--cert", cert, "--reason", "keyCompromise");
        Assert.True(revoke.ExitCode == 0, revoke.Error);
        var (revokedExit, revoked) = Cli.OpenSsl("ocsp", "-issuer", pki.Path_("ca.pem"), "-cert", cert, "-url", url, "-CAfile", chain);
        Assert.True(revokedExit == 0, revoked);
        Assert.Contains(": revoked", revoked);
        Assert.Contains("keyCompromise", revoked);
    }

    [Fact]
    public async Task Issue_GarbageCsr_FailsWithClearMessage()
    {
        var csr = Path.Combine(pki.WorkDir(), "bad.csr");
        await File.WriteAllBytesAsync(csr, [0x30, 0x82, 0x7F, 0xFF, 0x01]);
        var result = await Cli.RunAsync("devpki", "issue", "--dir", pki.Dir, "--csr", csr, "--out", csr + ".pem");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CertificationRequest", result.Error);
    }

    [Fact]
    public async Task Revoke_UnknownReason_Fails()
    {
        var result = await Cli.RunAsync("devpki", "revoke", "--dir", pki.Dir, "--cert", pki.Path_("agency.pem"), "--reason", "bored");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a CRL reason", result.Error);
    }

    [Fact]
    public async Task Crl_ServedByDevpkiServe_IsReadByOpenSsl()
    {
        using var http = new HttpClient();
        var crl = await http.GetByteArrayAsync(new Uri($"http://127.0.0.1:{pki.Port}/crl"));
        var path = Path.Combine(pki.WorkDir(), "ca.crl");
        await File.WriteAllBytesAsync(path, crl);
        var (exit, text) = Cli.OpenSsl("crl", "-in", path, "-inform", "DER", "-noout", "-text", "-CAfile", pki.Path_("chain.pem"));
        Assert.True(exit == 0, text);
        Assert.Contains("verify OK", text);
        Assert.Contains("Certificate Revocation List", text);
    }

    [Theory]
    [InlineData("keyCompromise", true)]
    [InlineData("key-compromise", true)]
    [InlineData("1", true)]
    [InlineData("7", false)]
    [InlineData("nonsense", false)]
    public void TryParseReason_AcceptsNamesAndNumbers(string text, bool ok)
    {
        Assert.Equal(ok, Commands.DevPkiCommands.TryParseReason(text, out _));
    }
}
