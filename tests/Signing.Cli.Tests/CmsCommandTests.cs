using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing.Cli.Keys;

namespace Signing.Cli.Tests;

[Collection(DevPkiCliCollection.Name)]
public sealed class CmsCommandTests(DevPkiCliFixture pki)
{
    private static readonly byte[] Content = "Giấy mời họp số 12/GM-UBND\n"u8.ToArray();

    private string WriteContent()
    {
        var path = Path.Combine(pki.WorkDir(), "doc.txt");
        File.WriteAllBytes(path, Content);
        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignCms_OutputIsAcceptedByOpenSslAndVerifyExitsZero(bool detached)
    {
        var doc = WriteContent();
        var sig = doc + ".p7s";
        var args = new List<string> { "sign", "cms", doc, sig, "--key", pki.Path_("official.key"), "--tsa", $"http://127.0.0.1:{pki.Port}/tsa" };
        if (detached)
        {
            args.Add("--detached");
        }

        var sign = await Cli.RunAsync([.. args]);
        Assert.True(sign.ExitCode == 0, sign.Error);

        var openssl = new List<string> { "cms", "-verify", "-inform", "DER", "-in", sig, "-binary", "-CAfile", pki.Path_("root.pem"), "-purpose", "any", "-out", doc + ".out" };
        if (detached)
        {
            openssl.AddRange(["-content", doc]);
        }

        var (exit, output) = Cli.OpenSsl([.. openssl]);
        Assert.True(exit == 0, output);
        Assert.Contains("Verification successful", output);

        var verifyArgs = new List<string> { "verify", "cms", sig, "--trust", pki.Path_("root.pem") };
        if (detached)
        {
            verifyArgs.AddRange(["--content", doc]);
        }

        var verify = await Cli.RunAsync([.. verifyArgs]);
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.StartsWith("TOTAL_PASSED", verify.Output);
        Assert.Contains("timestamp time:", verify.Output);
    }

    [Fact]
    public async Task VerifyCms_TamperedContent_ExitsOneWithHashFailureJson()
    {
        var doc = WriteContent();
        var sig = doc + ".p7s";
        Assert.Equal(0, (await Cli.RunAsync("sign", "cms", doc, sig, "--key", pki.Path_("agency.key"), "--detached")).ExitCode);
        var bytes = File.ReadAllBytes(doc);
        bytes[0] ^= 0x20;
        File.WriteAllBytes(doc, bytes);

        var verify = await Cli.RunAsync("verify", "cms", sig, "--content", doc, "--trust", pki.Path_("root.pem"), "--json");
        Assert.Equal(1, verify.ExitCode);
        using var json = JsonDocument.Parse(verify.Output);
        Assert.Equal("TOTAL_FAILED", json.RootElement.GetProperty("indication").GetString());
        Assert.Equal("HASH_FAILURE", json.RootElement.GetProperty("subIndication").GetString());
    }

    [Fact]
    public async Task VerifyCms_WrongTrustAnchor_ExitsTwo()
    {
        var doc = WriteContent();
        var sig = doc + ".p7s";
        Assert.Equal(0, (await Cli.RunAsync("sign", "cms", doc, sig, "--key", pki.Path_("official.key"))).ExitCode);
        using var key = RSA.Create(2048);
        var stranger = new CertificateRequest("CN=Gốc khác, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var trust = Path.Combine(pki.WorkDir(), "other-root.pem");
        File.WriteAllText(trust, stranger.ExportCertificatePem());

        var verify = await Cli.RunAsync("verify", "cms", sig, "--trust", trust, "--json");
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("\"NO_CERTIFICATE_CHAIN_FOUND\"", verify.Output);
    }

    [Fact]
    public async Task VerifyCms_LeafOnlySignature_OnlineFetchesTheIntermediateThroughAia_OfflineDoesNot()
    {
        var doc = WriteContent();
        var sig = doc + ".p7s";
        // No -certfile: the CMS carries the signer's certificate alone.
        var (exit, output) = Cli.OpenSsl("cms", "-sign", "-binary", "-in", doc, "-signer", pki.Path_("official.pem"), "-inkey", pki.Path_("official.key"),
            "-outform", "DER", "-out", sig);
        Assert.True(exit == 0, output);

        var online = await Cli.RunAsync("verify", "cms", sig, "--content", doc, "--trust", pki.Path_("root.pem"), "--json");
        var offline = await Cli.RunAsync("verify", "cms", sig, "--content", doc, "--trust", pki.Path_("root.pem"), "--offline", "--json");

        Assert.True(online.ExitCode == 0, online.Output + online.Error);
        Assert.Contains("\"certificate-fetch\"", online.Output);
        Assert.Equal(2, offline.ExitCode);
        Assert.Contains("\"NO_CERTIFICATE_CHAIN_FOUND\"", offline.Output);
        Assert.DoesNotContain("certificate-fetch", offline.Output);
    }

    [Fact]
    public async Task VerifyCms_OpenSslSignature_Offline_ExitsZeroAndSaysRevocationSkipped()
    {
        var doc = WriteContent();
        var sig = doc + ".p7s";
        var (exit, output) = Cli.OpenSsl("cms", "-sign", "-binary", "-nodetach", "-in", doc, "-signer", pki.Path_("official.pem"), "-inkey", pki.Path_("official.key"),
            "-certfile", pki.Path_("ca.pem"), "-outform", "PEM", "-out", sig);
        Assert.True(exit == 0, output);

        var verify = await Cli.RunAsync("verify", "cms", sig, "--trust", pki.Path_("root.pem"), "--offline");
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains("[SKIPPED      ] revocation", verify.Output);
    }

    [Fact]
    public async Task SignCms_TokenKeyWithoutPin_FailsClearly()
    {
        var doc = WriteContent();
        var result = await Cli.RunAsync("sign", "cms", doc, doc + ".p7s", "--key", "pkcs11:token=GCC;object=ky-so");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SIGNING_PIN", result.Error);
    }

    [Fact]
    public async Task SignCms_WithATokenKey_IsAcceptedByOpenSsl()
    {
        using var store = new TokenTestStore();
        store.InitializeToken("cms");
        var generated = store.Signing(["key", "generate", "--token", "cms", "--label", "signer", "--algorithm", "rsa2048"]);
        Assert.True(generated.ExitCode == 0, generated.StdErr);
        var uri = generated.StdOut.Trim();
        var csr = store.FilePath("signer.csr");
        var request = store.Signing(["key", "csr", "--key", uri, "--subject", "CN=Nguyễn Văn An,O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH,C=VN", "--out", csr]);
        Assert.True(request.ExitCode == 0, request.StdErr);
        var certificate = store.FilePath("signer.pem");
        var issued = await Cli.RunAsync("devpki", "issue", "--dir", pki.Dir, "--csr", csr, "--out", certificate);
        Assert.True(issued.ExitCode == 0, issued.Error);
        var imported = store.Signing(["cert", "import", "--key", uri, "--cert", certificate]);
        Assert.True(imported.ExitCode == 0, imported.StdErr);

        var doc = WriteContent();
        var signature = doc + ".token.p7s";
        var sign = store.Signing(["sign", "cms", doc, signature, "--key", uri, "--chain", pki.Path_("ca.pem"), "--detached"]);
        Assert.True(sign.ExitCode == 0, sign.StdErr);
        var (code, output) = Cli.OpenSsl("cms", "-verify", "-inform", "DER", "-in", signature, "-binary", "-content", doc,
            "-CAfile", pki.Path_("root.pem"), "-purpose", "any", "-out", doc + ".out");
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task SignCms_MissingKeyFile_FailsClearly()
    {
        var doc = WriteContent();
        var result = await Cli.RunAsync("sign", "cms", doc, doc + ".p7s", "--key", Path.Combine(pki.Root, "missing.p12"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
    }

    [Fact]
    public void Resolve_Pkcs12WithPasswordFromEnvironment_GivesKeyAndChain()
    {
        var pem = File.ReadAllText(pki.Path_("official.key"));
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        using var withKey = X509Certificate2.CreateFromPem(certificates[0].ExportCertificatePem(), pem);
        var p12 = Path.Combine(pki.WorkDir(), "official.p12");
        File.WriteAllBytes(p12, new X509Certificate2Collection { withKey, certificates[1] }.Export(X509ContentType.Pkcs12, "mật-khẩu")!);

        Environment.SetEnvironmentVariable(SigningKeyResolver.PasswordVariable, "mật-khẩu");
        try
        {
            using var key = SigningKeyResolver.Resolve(p12);
            Assert.Equal(withKey.Thumbprint, key.Certificate.Thumbprint);
            Assert.Single(key.Chain);
            Assert.IsAssignableFrom<RSA>(key.PrivateKey);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SigningKeyResolver.PasswordVariable, null);
        }

        var wrong = Assert.Throws<KeyResolutionException>(() => SigningKeyResolver.Resolve(p12));
        Assert.Contains("cannot be read", wrong.Message);
    }
}
