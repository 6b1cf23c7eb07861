using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class BridgeTests(SoftHsmToken hsm)
{
    private const string VietnameseSubject = "CN=Nguyễn Văn An, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ Hòa Bình, L=Tỉnh Phú Thọ, C=VN";

    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048)]
    [InlineData(Pkcs11KeyAlgorithm.EcP256)]
    [InlineData(Pkcs11KeyAlgorithm.EcP384)]
    public void CertificateRequest_SignedOnToken_VerifiesInDotNetAndOpenSsl(Pkcs11KeyAlgorithm algorithm)
    {
        var key = TestKeys.Get(hsm, algorithm);
        using var privateKey = key.CreateAsymmetricAlgorithm();
        var request = privateKey switch
        {
            RSA rsa => new CertificateRequest(VietnameseSubject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(VietnameseSubject, ec, HashAlgorithmName.SHA384),
            _ => throw new InvalidOperationException(),
        };
        var pem = request.CreateSigningRequestPem();

        // LoadSigningRequestPem checks the self-signature by default.
        var loaded = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        Assert.Equal(new X500DistinguishedName(VietnameseSubject).RawData, loaded.SubjectName.RawData);
        Assert.Contains("Nguyễn Văn An", loaded.SubjectName.Name, StringComparison.Ordinal);

        var path = Path.Combine(hsm.Directory, $"req-{algorithm}.csr");
        File.WriteAllText(path, pem);
        var (exit, stdout, stderr) = ExternalTool.Run("openssl", ["req", "-in", path, "-verify", "-noout", "-subject", "-nameopt", "utf8"]);
        Assert.True(exit == 0, $"openssl rejected the CSR: {stderr}");
        Assert.Contains("verify OK", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("CN=Nguyễn Văn An", stdout, StringComparison.Ordinal);
        Assert.Contains("O=ỦY BAN NHÂN DÂN XÃ Hòa Bình", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048)]
    [InlineData(Pkcs11KeyAlgorithm.EcP256)]
    public void CmsSigner_WithTokenKey_ProducesSignedCmsThatChecks(Pkcs11KeyAlgorithm algorithm)
    {
        var key = TestKeys.Get(hsm, algorithm);
        using var privateKey = key.CreateAsymmetricAlgorithm();
        using var certificate = IssueSelfSigned(privateKey, "CN=Văn thư, O=UBND Tỉnh Phú Thọ, C=VN");

        var content = new ContentInfo("Công văn số 1/UBND"u8.ToArray());
        var cms = new SignedCms(content, detached: false);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate, privateKey)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        });
        var encoded = cms.Encode();

        var decoded = new SignedCms();
        decoded.Decode(encoded);
        decoded.CheckSignature(verifySignatureOnly: true);
        Assert.Equal(certificate.Thumbprint, decoded.SignerInfos[0].Certificate!.Thumbprint);

        // Tamper: a detached signature over one text must not check against another.
        var signedDetached = new SignedCms(content, detached: true);
        signedDetached.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate, privateKey));
        var detached = new SignedCms(new ContentInfo("Công văn số 2/UBND"u8.ToArray()), detached: true);
        detached.Decode(signedDetached.Encode());
        Assert.ThrowsAny<CryptographicException>(() => detached.CheckSignature(verifySignatureOnly: true));
    }

    [Fact]
    public void CopyWithPrivateKey_OnLinux_NeedsExportableKey_AndSaysSo()
    {
        var key = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.Rsa2048);
        using var rsa = new Pkcs11Rsa(key);
        using var certificate = IssueSelfSigned(rsa, "CN=copy");

        // .NET on Linux builds an OpenSSL key from ExportParameters(true) here; a token key
        // refuses that, so callers pass the key next to the certificate (CmsSigner does).
        var e = Assert.ThrowsAny<CryptographicException>(() => certificate.CopyWithPrivateKey(rsa));
        Assert.Contains("stays on the token", e.Message, StringComparison.Ordinal);
    }

    internal static X509Certificate2 IssueSelfSigned(AsymmetricAlgorithm privateKey, string subject)
    {
        // CreateSelfSigned would attach the private key (CopyWithPrivateKey); Create with a
        // signature generator signs on the token and returns just the certificate.
        var (request, generator) = privateKey switch
        {
            RSA rsa => (new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)),
            ECDsa ec => (new CertificateRequest(subject, ec, HashAlgorithmName.SHA256), X509SignatureGenerator.CreateForECDsa(ec)),
            _ => throw new ArgumentException("RSA or ECDsa expected.", nameof(privateKey)),
        };
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.Create(request.SubjectName, generator, now.AddMinutes(-5), now.AddYears(1), [1, 2, 3, 4, 5, 6, 7, 8]);
    }
}
