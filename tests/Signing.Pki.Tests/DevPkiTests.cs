using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class DevPkiTests(DevPkiFixture pki)
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Init_WritesGccLikeHierarchyAndPrivateKeys()
    {
        Assert.Equal("CN=RootCA chuyên dùng Chính phủ G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", pki.Authority.Root.Subject);
        Assert.Equal("CN=CA phục vụ các cơ quan Nhà nước G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", pki.Authority.SubCa.Subject);
        Assert.Equal(pki.Authority.Root.Subject, pki.Authority.SubCa.Issuer);
        Assert.InRange((pki.Authority.Root.NotAfter - pki.Authority.Root.NotBefore).TotalDays, 365 * 20 - 1, 365 * 20 + 6);
        foreach (var name in new[] { "root.pem", "ca.pem", "tsa.pem", "ocsp.pem", "agency.pem", "official.pem", "state.json" })
        {
            Assert.True(File.Exists(Path.Combine(pki.Directory, name)), name);
        }

        foreach (var key in System.IO.Directory.GetFiles(pki.Directory, "*.key"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }

        var official = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(pki.Directory, "official.pem")));
        Assert.Contains("CN=Nguyễn Văn An", official.Subject);
        Assert.Contains("E=nguyenvanan@tanhiep.angiang.gov.vn", official.Subject);
        var agency = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(pki.Directory, "agency.pem")));
        Assert.StartsWith("CN=ỦY BAN NHÂN DÂN XÃ TÂN HIỆP, O=ỦY BAN NHÂN DÂN TỈNH AN GIANG, L=An Giang, C=VN", agency.Subject);
    }

    [Fact]
    public void ProfileFile_MatchesBuiltInDefault()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Signing.sln")))
        {
            dir = dir.Parent;
        }

        Assert.True(dir is not null, "repository root (Signing.sln) not found above the test binaries");
        var profile = DevPkiProfile.Load(Path.Combine(dir.FullName, "certs-dev", "profile.json"));
        var builtIn = DevPkiProfile.Default;
        Assert.Equal(builtIn.Root, profile.Root);
        Assert.Equal(builtIn.SubCa, profile.SubCa);
        Assert.Equal(builtIn.Tsa, profile.Tsa);
        Assert.Equal(builtIn.Ocsp, profile.Ocsp);
        Assert.Equal(builtIn.KeySize, profile.KeySize);
        Assert.Equal(builtIn.EndEntityValidityYears, profile.EndEntityValidityYears);
        Assert.Equal(builtIn.TsaPolicyOid, profile.TsaPolicyOid);
        Assert.Equal(builtIn.CertificatePolicyOid, profile.CertificatePolicyOid);
        Assert.Equal(builtIn.Examples, profile.Examples);
    }

    [Fact]
    public void ParseSubject_UnknownAttribute_IsRejected()
    {
        var error = Assert.Throws<FormatException>(() => DevPkiProfile.ParseSubject("CN=A, XX=b"));
        Assert.Contains("XX", error.Message);
    }

    [Fact]
    public void Init_CertificatesVerifyWithOpenSsl()
    {
        OpenSsl.MustSucceed("verify", "-CAfile", pki.RootPem, "-untrusted", pki.CaPem, Path.Combine(pki.Directory, "official.pem"));
        OpenSsl.MustSucceed("verify", "-CAfile", pki.RootPem, "-untrusted", pki.CaPem, "-purpose", "timestampsign", Path.Combine(pki.Directory, "tsa.pem"));
    }

    [Fact]
    public void IssueFromCsr_OpenSslRequest_GivesFiveYearCertificateWithGccExtensions()
    {
        var dir = Path.GetDirectoryName(pki.WorkFile("x", []))!;
        var key = Path.Combine(dir, "k.pem");
        var csr = Path.Combine(dir, "req.pem");
        OpenSsl.MustSucceed("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-utf8",
            "-subj", "/C=VN/L=Hà Nội/O=Văn phòng Chính phủ/CN=Trần Thị Bình");
        var certificate = pki.Authority.IssueFromCsr(File.ReadAllBytes(csr));

        Assert.Contains("CN=Trần Thị Bình", certificate.Subject);
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 365 * 5 - 1, 365 * 5 + 2);
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        Assert.Single(CertificateLocations.CrlUrls(certificate));
        Assert.Single(CertificateLocations.OcspUrls(certificate));
        Assert.Single(CertificateLocations.CaIssuerUrls(certificate));
        Assert.NotNull(certificate.Extensions["2.5.29.14"]);
        Assert.NotNull(certificate.Extensions["2.5.29.35"]);
    }

    [Fact]
    public void IssueFromCsr_TamperedSignature_IsRejected()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Giả mạo, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var csr = request.CreateSigningRequest();
        csr[^5] ^= 0x01;

        var error = Assert.Throws<MalformedPkiDataException>(() => pki.Authority.IssueFromCsr(csr));
        Assert.Equal("CertificationRequest", error.Structure);
    }

    [Fact]
    public async Task Crl_IsReadByOpenSslAndListsRevokedSerial()
    {
        var certificate = pki.IssueFresh("Người bị thu hồi CRL");
        pki.Authority.Revoke(certificate, X509RevocationReason.KeyCompromise);
        var crl = await pki.Http.GetByteArrayAsync(new Uri(pki.BaseUrl, "crl"));
        var path = pki.WorkFile("ca.crl", crl);

        var text = OpenSsl.MustSucceed("crl", "-in", path, "-inform", "DER", "-noout", "-text").StdOut;
        Assert.Contains(certificate.SerialNumber, text.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant(), StringComparison.Ordinal);
        Assert.Contains("Key Compromise", text);
        OpenSsl.MustSucceed("crl", "-in", path, "-inform", "DER", "-noout", "-CAfile", pki.ChainPem);

        var parsed = CertificateRevocationList.Decode(crl);
        Assert.True(parsed.IsSignedBy(pki.Authority.SubCa));
        Assert.False(parsed.IsSignedBy(pki.Authority.Root));
        Assert.Equal(X509RevocationReason.KeyCompromise, parsed.Find(certificate.SerialNumberBytes.Span)!.Reason);
        Assert.False(parsed.IsDelta);
    }

    [Fact]
    public void Revoke_Twice_IsRejected()
    {
        var certificate = pki.IssueFresh("Thu hồi hai lần");
        pki.Authority.Revoke(certificate, X509RevocationReason.Superseded);
        Assert.Throws<ArgumentException>(() => pki.Authority.Revoke(certificate, X509RevocationReason.Superseded));
    }

    [Fact]
    public void Handle_UnknownPathAndWrongMethod_GiveHttpErrors()
    {
        var responder = new DevPkiResponder(pki.Authority);
        Assert.Equal(404, responder.Handle("GET", "/nope", []).StatusCode);
        Assert.Equal(405, responder.Handle("GET", "/tsa", []).StatusCode);
        Assert.Equal(200, responder.Handle("GET", "/root.cer", []).StatusCode);
    }
}
