using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class CmsSigningTests(DevPkiFixture pki)
{
    private static readonly byte[] Content = "Quyết định số 45/QĐ-UBND về việc ban hành quy chế\n"u8.ToArray();

    private CadesSignOptions Options(X509Certificate2 certificate, bool timestamp = false) => new()
    {
        Certificate = certificate,
        Chain = [pki.Authority.SubCa],
        SigningTime = DateTimeOffset.UtcNow,
        Timestamper = timestamp ? new HttpTimestampClient(pki.Http, new Uri(pki.BaseUrl, "tsa"), new CertificatePathValidator(pki.Anchors, null)) : null,
    };

    private void AssertOpenSslVerifies(byte[] cms, bool detached)
    {
        var contentPath = pki.WorkFile("content.txt", Content);
        var sigPath = pki.WorkFile("sig.p7s", cms);
        var outPath = contentPath + ".out";
        var args = new List<string> { "cms", "-verify", "-inform", "DER", "-in", sigPath, "-binary", "-CAfile", pki.RootPem, "-purpose", "any", "-out", outPath };
        if (detached)
        {
            args.AddRange(["-content", contentPath]);
        }

        var result = OpenSsl.MustSucceed([.. args]);
        Assert.Contains("Verification successful", result.All);
        Assert.Equal(Content, File.ReadAllBytes(outPath));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignAsync_SignedCms_IsAcceptedByOpenSsl(bool detached)
    {
        var signer = pki.IssueFresh("Ký SignedCms");
        using var key = signer.GetRSAPrivateKey()!;
        var cms = await CadesSigner.SignAsync(Content, detached, key, Options(signer), CancellationToken.None);

        AssertOpenSslVerifies(cms, detached);
        var decoded = new SignedCms(new ContentInfo(Content), detached);
        decoded.Decode(cms);
        decoded.CheckSignature(verifySignatureOnly: true);
        var attributes = decoded.SignerInfos[0].SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value).ToList();
        Assert.Contains("1.2.840.113549.1.9.3", attributes);
        Assert.Contains("1.2.840.113549.1.9.4", attributes);
        Assert.Contains("1.2.840.113549.1.9.5", attributes);
        Assert.Contains("1.2.840.113549.1.9.16.2.47", attributes);
        Assert.Equal(2, decoded.Certificates.Count);
    }

    [Fact]
    public async Task SignDetachedAsync_Stream_IsAcceptedByOpenSslAndSignedCms()
    {
        var signer = pki.IssueFresh("Ký luồng");
        using var key = signer.GetRSAPrivateKey()!;
        using var stream = new MemoryStream(Content);
        var cms = await CadesSigner.SignDetachedAsync(stream, key, Options(signer), CancellationToken.None);

        AssertOpenSslVerifies(cms, detached: true);
        var decoded = new SignedCms(new ContentInfo(Content), detached: true);
        decoded.Decode(cms);
        decoded.CheckSignature(verifySignatureOnly: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TwoStep_ExternalRsaSignature_IsAcceptedBySignedCmsAndOpenSsl(bool detached)
    {
        var signer = pki.IssueFresh("Ký hai bước");
        var request = CadesSigner.Prepare(SHA256.HashData(Content), Options(signer));

        // Stands in for a desk token: it only sees the digest of the signed attributes.
        using var deskKey = signer.GetRSAPrivateKey()!;
        var signature = deskKey.SignHash(request.DigestToSign(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var cms = request.Assemble(signature, detached ? null : Content);

        var decoded = new SignedCms(new ContentInfo(Content), detached);
        decoded.Decode(cms);
        decoded.CheckSignature(verifySignatureOnly: true);
        Assert.Equal(signer.Thumbprint, decoded.SignerInfos[0].Certificate!.Thumbprint);
        AssertOpenSslVerifies(cms, detached);
    }

    [Fact]
    public void TwoStep_ResumedFromStoredAttributes_AssemblesTheSameSignature()
    {
        var signer = pki.IssueFresh("Ký tiếp trên nút khác");
        var stored = CadesSigner.Prepare(SHA256.HashData(Content), Options(signer)).SignedAttributes;
        using var deskKey = signer.GetRSAPrivateKey()!;
        var signature = deskKey.SignData(stored, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var resumed = CadesSignatureRequest.FromSignedAttributes(stored, Options(signer));
        var decoded = new SignedCms(new ContentInfo(Content), detached: true);
        decoded.Decode(resumed.Assemble(signature));
        decoded.CheckSignature(verifySignatureOnly: true);

        var other = pki.IssueFresh("Người khác");
        var error = Assert.Throws<MalformedPkiDataException>(() => CadesSignatureRequest.FromSignedAttributes(stored, Options(other)));
        Assert.Contains("does not name", error.Message);
        Assert.Throws<MalformedPkiDataException>(() => CadesSignatureRequest.FromSignedAttributes(stored[..^3], Options(signer)));
    }

    [Fact]
    public void TwoStep_EcdsaRawSignature_IsConvertedAndAccepted()
    {
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = new CertificateRequest("CN=Khóa EC, C=VN", ecKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var request = CadesSigner.Prepare(SHA256.HashData(Content), new CadesSignOptions { Certificate = certificate });
        var raw = ecKey.SignHash(request.DigestToSign(), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        var cms = request.Assemble(DerSignatureConverter.IeeeP1363ToDer(raw), Content);
        var decoded = new SignedCms();
        decoded.Decode(cms);
        decoded.CheckSignature(verifySignatureOnly: true);
    }

    [Fact]
    public void TwoStep_WrongKey_IsRefusedAtAssembly()
    {
        var signer = pki.IssueFresh("Sai khóa");
        var request = CadesSigner.Prepare(SHA256.HashData(Content), Options(signer));
        using var otherKey = RSA.Create(2048);
        var signature = otherKey.SignData(request.SignedAttributes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Throws<CryptographicException>(() => request.Assemble(signature));
    }

    [Fact]
    public async Task SignAsync_WithTimestamper_GivesCadesTAcceptedByOpenSslAndOurVerifier()
    {
        var signer = pki.IssueFresh("Ký có dấu thời gian");
        using var key = signer.GetRSAPrivateKey()!;
        var cms = await CadesSigner.SignAsync(Content, false, key, Options(signer, timestamp: true), CancellationToken.None);

        AssertOpenSslVerifies(cms, detached: false);
        var report = await pki.Verifier().VerifyAsync(cms, null, CancellationToken.None);
        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.NotNull(report.TimestampTime);
        Assert.Contains(report.Checks, c => c.Name == "signature-timestamp" && c.Outcome == CheckOutcome.Passed);
    }
}
