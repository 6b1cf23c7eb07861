using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing.Pki.Cms;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class CmsVerifierTests(DevPkiFixture pki)
{
    private static readonly byte[] Content = "Tờ trình số 7/TTr-UBND\n"u8.ToArray();

    private byte[] OpenSslSign(bool detached, bool stream = false)
    {
        var contentPath = pki.WorkFile("content.txt", Content);
        var outPath = contentPath + ".p7s";
        var official = Path.Combine(pki.Directory, "official.key");
        var args = new List<string> { "cms", "-sign", "-binary", "-in", contentPath, "-signer", official, "-inkey", official, "-outform", "DER", "-out", outPath, "-certfile", pki.CaPem };
        if (!detached)
        {
            args.Add("-nodetach");
        }

        if (stream)
        {
            args.Add("-stream");
        }

        OpenSsl.MustSucceed([.. args]);
        return File.ReadAllBytes(outPath);
    }

    [Theory]
    [InlineData("sha256", "max", "sha256")]
    [InlineData("sha384", "0", "sha256")]
    [InlineData("sha512", "20", "sha1")]
    public async Task Verify_OpenSslRsaPssCms_WithAnySaltAndMgf1Hash_IsTotalPassed(string digest, string salt, string mgf1)
    {
        var contentPath = pki.WorkFile("pss-content.txt", Content);
        var outPath = contentPath + $".{digest}-{salt}.p7s";
        var official = Path.Combine(pki.Directory, "official.key");
        OpenSsl.MustSucceed("cms", "-sign", "-binary", "-nodetach", "-md", digest, "-in", contentPath, "-signer", official, "-inkey", official,
            "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:" + salt, "-keyopt", "rsa_mgf1_md:" + mgf1,
            "-outform", "DER", "-out", outPath, "-certfile", pki.CaPem);

        var report = await pki.Verifier().VerifyAsync(File.ReadAllBytes(outPath), null, CancellationToken.None);

        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Contains(report.Checks, c => c.Name == "signature-value" && c.Detail.StartsWith("RSASSA-PSS", StringComparison.Ordinal));
    }

    private async Task<byte[]> Sign(X509Certificate2 signer, DateTimeOffset? signingTime, bool timestamp = false)
    {
        using var key = signer.GetRSAPrivateKey()!;
        return await CadesSigner.SignAsync(Content, detached: false, key, new CadesSignOptions
        {
            Certificate = signer,
            Chain = [pki.Authority.SubCa],
            SigningTime = signingTime,
            Timestamper = timestamp ? new HttpTimestampClient(pki.Http, new Uri(pki.BaseUrl, "tsa")) : null,
        }, CancellationToken.None);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Verify_OpenSslSignedCms_IsTotalPassed(bool detached)
    {
        var cms = OpenSslSign(detached);
        var report = await pki.Verifier().VerifyAsync(cms, detached ? Content : null, CancellationToken.None);

        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal("Nguyễn Văn An", report.SignerName);
        Assert.NotNull(report.ClaimedSigningTime);
        Assert.Contains(report.Checks, c => c.Name.StartsWith("revocation", StringComparison.Ordinal) && c.Outcome == CheckOutcome.Passed);
    }

    [Fact]
    public async Task Verify_OpenSslStreamedBerCms_IsTotalPassed_AndUnterminatedIsFormatFailure()
    {
        var cms = OpenSslSign(detached: false, stream: true);
        Assert.Equal(0x80, cms[1]);
        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());

        var unterminated = await pki.Verifier(online: false).VerifyAsync(cms[..^2], null, CancellationToken.None);
        Assert.Equal(SubIndication.FormatFailure, unterminated.SubIndication);
        Assert.Contains("end-of-contents", unterminated.Checks[0].Detail);
    }

    [Fact]
    public async Task Verify_OpenSslDetachedCms_OneByteChangedContent_IsHashFailure()
    {
        var cms = OpenSslSign(detached: true);
        var tampered = Content.ToArray();
        tampered[3] ^= 0x01;

        var report = await pki.Verifier().VerifyAsync(cms, tampered, CancellationToken.None);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.HashFailure, report.SubIndication);
    }

    [Fact]
    public async Task Verify_EnvelopedContentByteFlipped_IsHashFailure()
    {
        var cms = OpenSslSign(detached: false);
        var index = cms.AsSpan().IndexOf(Content);
        cms[index + 2] ^= 0x01;

        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(SubIndication.HashFailure, report.SubIndication);
    }

    [Fact]
    public async Task Verify_SignatureValueFlipped_IsSigCryptoFailure()
    {
        var signer = pki.IssueFresh("Chữ ký hỏng");
        var cms = await Sign(signer, DateTimeOffset.UtcNow);
        cms[^10] ^= 0x01;

        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.SigCryptoFailure, report.SubIndication);
    }

    [Fact]
    public async Task Verify_SignedAfterRevocation_IsRevoked()
    {
        var signer = pki.IssueFresh("Đã thu hồi");
        pki.Authority.Revoke(signer, X509RevocationReason.KeyCompromise);
        var cms = await Sign(signer, DateTimeOffset.UtcNow);

        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.Revoked, report.SubIndication);
    }

    [Fact]
    public async Task Verify_RevokedAfterClaimedSigningTime_IsRevokedNoPoe()
    {
        var signer = pki.IssueFresh("Thu hồi sau khi ký");
        var cms = await Sign(signer, DateTimeOffset.UtcNow.AddMinutes(-2));
        pki.Authority.Revoke(signer, X509RevocationReason.Superseded);

        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.RevokedNoPoe, report.SubIndication);
    }

    [Fact]
    public async Task Verify_TimestampBeforeRevocation_IsTotalPassed()
    {
        var signer = pki.IssueFresh("Có dấu thời gian trước thu hồi");
        var cms = await Sign(signer, null, timestamp: true);
        pki.Authority.Revoke(signer, X509RevocationReason.Superseded, new FixedTime(DateTimeOffset.UtcNow.AddMinutes(1)));

        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.NotNull(report.TimestampTime);
    }

    [Fact]
    public async Task Verify_UntrustedRoot_IsNoCertificateChainFound()
    {
        var signer = pki.IssueFresh("Gốc lạ");
        var cms = await Sign(signer, DateTimeOffset.UtcNow);
        using var strangerKey = System.Security.Cryptography.RSA.Create(2048);
        var stranger = new CertificateRequest("CN=RootCA khác, C=VN", strangerKey, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        var verifier = new CmsSignatureVerifier(new CertificatePathValidator([stranger], RevocationChecker.Create(pki.Http)));
        var report = await verifier.VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.NoCertificateChainFound, report.SubIndication);
    }

    [Fact]
    public async Task Verify_OcspAndCrlUnreachable_IsTryLaterNotPass()
    {
        var deadPort = DevPkiFixture.FreePort();
        var dir = Path.Combine(pki.Directory, "unreachable-" + Guid.NewGuid().ToString("N"));
        using var offline = DevCertificateAuthority.Initialize(dir, DevPkiProfile.Default with { Examples = [] }, new Uri($"http://127.0.0.1:{deadPort}"));
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var csr = new CertificateRequest("CN=Không kiểm tra được, C=VN", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSigningRequest();
        var signer = offline.IssueFromCsr(csr).CopyWithPrivateKey(key);
        var cms = await CadesSigner.SignAsync(Content, false, key, new CadesSignOptions { Certificate = signer, Chain = [offline.SubCa], SigningTime = DateTimeOffset.UtcNow }, CancellationToken.None);

        var verifier = new CmsSignatureVerifier(new CertificatePathValidator([offline.Root], RevocationChecker.Create(pki.Http)));
        var report = await verifier.VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.TryLater, report.SubIndication);
        var revocation = report.Checks.First(c => c.Name.StartsWith("revocation", StringComparison.Ordinal));
        Assert.Contains("OCSP", revocation.Detail);
        Assert.Contains("CRL", revocation.Detail);

        var offlineReport = await new CmsSignatureVerifier(new CertificatePathValidator([offline.Root], null)).VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.TotalPassed, offlineReport.Indication);
        Assert.Contains(offlineReport.Checks, c => c.Name == "revocation" && c.Outcome == CheckOutcome.Skipped);
    }

    [Fact]
    public async Task Verify_DetachedWithoutContent_IsSignedDataNotFound()
    {
        var report = await pki.Verifier(online: false).VerifyAsync(OpenSslSign(detached: true), null, CancellationToken.None);
        Assert.Equal(SubIndication.SignedDataNotFound, report.SubIndication);
    }

    [Fact]
    public async Task Report_Json_UsesEtsiStringsAndBilingualExplanations()
    {
        var cms = OpenSslSign(detached: false);
        cms[cms.AsSpan().IndexOf(Content) + 1] ^= 0x01;
        var report = await pki.Verifier(online: false).VerifyAsync(cms, null, CancellationToken.None);

        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        Assert.Equal("TOTAL_FAILED", root.GetProperty("indication").GetString());
        Assert.Equal("HASH_FAILURE", root.GetProperty("subIndication").GetString());
        Assert.Equal("Nội dung đã bị thay đổi sau khi ký.", root.GetProperty("subIndicationExplanation").GetProperty("vi").GetString());
        Assert.Equal("The content was changed after it was signed.", root.GetProperty("subIndicationExplanation").GetProperty("en").GetString());
        Assert.Equal("Nguyễn Văn An", root.GetProperty("signerName").GetString());
        Assert.Contains(root.GetProperty("checks").EnumerateArray(), c => c.GetProperty("outcome").GetString() == "FAILED");
        foreach (var sub in Enum.GetValues<SubIndication>())
        {
            Assert.False(string.IsNullOrWhiteSpace(IndicationExplanations.For(sub).Vi));
        }
    }
}
