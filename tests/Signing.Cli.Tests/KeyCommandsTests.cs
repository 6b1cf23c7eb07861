namespace Signing.Cli.Tests;

public sealed class KeyCommandsTests : IDisposable
{
    private const string Subject = "CN=Nguyễn Văn An,OU=Văn phòng,O=ỦY BAN NHÂN DÂN XÃ Hòa Bình,L=Tỉnh Phú Thọ,C=VN";
    private readonly TokenTestStore _store = new();

    public KeyCommandsTests() => _store.InitializeToken("dev");

    [Theory]
    [InlineData("rsa2048", "Rsa-2048")]
    [InlineData("ecp256", "Ec-256")]
    [InlineData("ecp384", "Ec-384")]
    public void Generate_PrintsUri_AndListShowsProtectedKey(string algorithm, string description)
    {
        var (exit, stdout, stderr) = _store.Signing(["key", "generate", "--token", "dev", "--label", $"k-{algorithm}", "--algorithm", algorithm]);
        Assert.True(exit == 0, stderr);
        var uri = stdout.Trim();
        Assert.StartsWith($"pkcs11:token=dev;object=k-{algorithm};id=%", uri, StringComparison.Ordinal);
        Assert.EndsWith(";type=private", uri, StringComparison.Ordinal);

        (exit, stdout, stderr) = _store.Signing(["key", "list", "--token", "dev"]);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"private label=k-{algorithm} id=", stdout, StringComparison.Ordinal);
        Assert.Contains($"{description} sensitive=yes extractable=no", stdout, StringComparison.Ordinal);
        Assert.Contains(uri, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RejectsUnknownAlgorithm()
    {
        var (exit, _, stderr) = _store.Signing(["key", "generate", "--token", "dev", "--label", "k", "--algorithm", "dsa1024"]);
        Assert.NotEqual(0, exit);
        Assert.Contains("dsa1024", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rsa2048")]
    [InlineData("ecp384")]
    public void Csr_WithVietnameseSubject_RoundTripsThroughOpenSsl(string algorithm)
    {
        var uri = Generate($"csr-{algorithm}", algorithm);
        var csr = _store.FilePath($"req-{algorithm}.csr");
        var (exit, _, stderr) = _store.Signing(["key", "csr", "--key", uri, "--subject", Subject, "--out", csr]);
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", File.ReadAllText(csr), StringComparison.Ordinal);

        var (opensslExit, text, opensslErr) = TokenTestStore.Run("openssl", ["req", "-in", csr, "-noout", "-text", "-verify", "-nameopt", "utf8"]);
        Assert.True(opensslExit == 0, opensslErr);
        Assert.Contains("verify OK", text + opensslErr, StringComparison.Ordinal);
        Assert.Contains("C=VN, L=Tỉnh Phú Thọ, O=ỦY BAN NHÂN DÂN XÃ Hòa Bình, OU=Văn phòng, CN=Nguyễn Văn An", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CertImport_AcceptsPemAndDer_AndRefusesForeignCertificate()
    {
        var uri = Generate("seal", "rsa2048");
        var other = Generate("other", "ecp256");
        var csr = _store.FilePath("seal.csr");
        Assert.Equal(0, _store.Signing(["key", "csr", "--key", uri, "--subject", "CN=Con dấu,O=UBND,C=VN", "--out", csr]).ExitCode);

        var caKey = _store.FilePath("ca.key");
        var caCert = _store.FilePath("ca.pem");
        var pem = _store.FilePath("seal.pem");
        var der = _store.FilePath("seal.der");
        RunOpenSsl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caCert, "-subj", "/CN=Dev CA/C=VN", "-days", "2"]);
        RunOpenSsl(["x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-out", pem, "-days", "2"]);
        RunOpenSsl(["x509", "-in", pem, "-outform", "DER", "-out", der]);

        var (exit, stdout, stderr) = _store.Signing(["cert", "import", "--key", uri, "--cert", pem]);
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("pkcs11:token=dev;object=seal;id=%", stdout, StringComparison.Ordinal);
        Assert.EndsWith(";type=cert", stdout.Trim(), StringComparison.Ordinal);

        (exit, _, stderr) = _store.Signing(["cert", "import", "--key", uri, "--cert", der]);
        Assert.True(exit == 0, stderr);

        (exit, _, stderr) = _store.Signing(["cert", "import", "--key", other, "--cert", pem]);
        Assert.Equal(2, exit);
        Assert.Contains("is for another key", stderr, StringComparison.Ordinal);

        (exit, stdout, _) = _store.Signing(["key", "list", "--token", "dev"]);
        Assert.Equal(0, exit);
        Assert.Contains("cert    label=seal", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchPkcs11_PrintsRate()
    {
        var uri = Generate("bench", "rsa2048");
        var (exit, stdout, stderr) = _store.Signing(["bench", "pkcs11", "--key", uri, "--threads", "2", "--seconds", "0.5"]);
        Assert.True(exit == 0, stderr);
        var line = stdout.Split('\n').Single(l => l.StartsWith("pkcs11 sign/s: ", StringComparison.Ordinal));
        Assert.True(int.Parse(line["pkcs11 sign/s: ".Length..], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Delete_RemovesKeyPair()
    {
        Generate("gone", "ecp256");
        var (exit, stdout, stderr) = _store.Signing(["key", "delete", "--key", "pkcs11:token=dev;object=gone"]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("deleted 2 object(s)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("label=gone", _store.Signing(["key", "list", "--token", "dev"]).StdOut, StringComparison.Ordinal);
    }

    private string Generate(string label, string algorithm)
    {
        var (exit, stdout, stderr) = _store.Signing(["key", "generate", "--token", "dev", "--label", label, "--algorithm", algorithm]);
        Assert.True(exit == 0, stderr);
        return stdout.Trim();
    }

    private static void RunOpenSsl(string[] arguments)
    {
        var (exit, _, stderr) = TokenTestStore.Run("openssl", arguments);
        Assert.True(exit == 0, $"openssl {string.Join(' ', arguments)}: {stderr}");
    }

    public void Dispose() => _store.Dispose();
}
