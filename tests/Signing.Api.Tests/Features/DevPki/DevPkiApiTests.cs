using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;

namespace Signing.Api.Tests.Features.DevPki;

/// <summary>The dev PKI mounted under /dev-pki/ in Development: public CRL/TSA, authenticated issue and revoke.</summary>
public sealed class DevPkiApiTests : IAsyncLifetime
{
    private readonly string _pkiDirectory = Directory.CreateTempSubdirectory("signing-devpki-").FullName;
    private ApiFactory _api = null!;
    private X509Certificate2 _subCa = null!;

    public async Task InitializeAsync()
    {
        using (var authority = DevCertificateAuthority.Initialize(_pkiDirectory, DevPkiProfile.Default, new Uri("http://127.0.0.1:5080/dev-pki")))
        {
            _subCa = X509CertificateLoader.LoadCertificate(authority.SubCa.RawData);
        }

        _api = await new ApiFactory(new Dictionary<string, string?> { ["DevPki:Directory"] = _pkiDirectory }).SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_pkiDirectory, recursive: true);
    }

    [Fact]
    public async Task Crl_IsPublic_AndSignedByTheSubCa()
    {
        using var anonymous = _api.CreateClient();
        var response = await anonymous.GetAsync("/dev-pki/crl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var crl = CertificateRevocationList.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.True(crl.IsSignedBy(_subCa));
    }

    [Fact]
    public async Task Tsa_IsPublic_AndAnswersWithAValidToken()
    {
        var hash = SHA256.HashData("văn bản đi số 123/UBND"u8);
        var request = Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA256, nonce: RandomNumberGenerator.GetBytes(8), requestSignerCertificates: true);
        using var anonymous = _api.CreateClient();
        var content = new ByteArrayContent(request.Encode());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        var response = await anonymous.PostAsync("/dev-pki/tsa", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = request.ProcessResponse(await response.Content.ReadAsByteArrayAsync(), out _);
        Assert.True(token.VerifySignatureForHash(hash, HashAlgorithmName.SHA256, out _, extraCandidates: null));
    }

    [Fact]
    public async Task Issue_NeedsACertificateAdmin_ThenRevokeShowsInTheCrl()
    {
        using var key = RSA.Create(2048);
        var csr = new CertificateRequest("CN=Phạm Thị Dung, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, L=Tỉnh Phú Thọ, C=VN",
            key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        using var anonymous = _api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/dev-pki/issue", new StringContent(csr))).StatusCode);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await caller.PostAsync("/dev-pki/issue", new StringContent(csr))).StatusCode);

        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var issued = await admin.PostAsync("/dev-pki/issue", new StringContent(csr));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        using var certificate = X509Certificate2.CreateFromPem(await issued.Content.ReadAsStringAsync());
        Assert.Contains("Phạm Thị Dung", certificate.Subject);
        Assert.Equal(_subCa.Subject, certificate.Issuer);

        var revoke = await admin.PostAsJsonAsync("/dev-pki/revoke", new { certificatePem = certificate.ExportCertificatePem(), reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        var crl = CertificateRevocationList.Decode(await anonymous.GetByteArrayAsync("/dev-pki/crl"));
        var entry = crl.Find(certificate.SerialNumberBytes.Span);
        Assert.NotNull(entry);
        Assert.Equal(X509RevocationReason.KeyCompromise, entry.Reason);
    }
}
