using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Pki.DevPki;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>Signing refused while revocation is unknown; B-T through the dev PKI's TSA.</summary>
[Collection(TokenCollection.Name)]
public sealed class RevocationAndTimestampTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki, new Dictionary<string, string?>
    {
        ["Signing:TsaUrl"] = "http://localhost/dev-pki/tsa",
    }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task RevocationSourcesUnreachable_503WithRetryAfter_NotSigned()
    {
        // A CA whose OCSP and CRL URLs lead nowhere (the service answers 404 there).
        var directory = Directory.CreateTempSubdirectory("signing-nowhere-pki-").FullName;
        try
        {
            X509Certificate2 certificate;
            string chain;
            using (var authority = DevCertificateAuthority.Initialize(Path.Combine(directory, "pki"), DevPkiProfile.Default, new Uri("http://localhost/nowhere")))
            using (var key = RSA.Create(2048))
            {
                certificate = authority.IssueFromCsr(new CertificateRequest("CN=Không kiểm tra được, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest());
                chain = authority.SubCa.ExportCertificatePem();
            }

            using var admin = await _api.SignedInAsync(_api.A.Admin);
            var registered = await admin.PostAsJsonAsync("/api/v1/keys", new
            {
                purpose = "agency-seal",
                location = "pkcs11",
                pkcs11Uri = pki.Seal.Uri,
                certificatePem = certificate.ExportCertificatePem(),
                chainPem = chain,
            });
            registered.EnsureSuccessStatusCode();
            var keyId = (await registered.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
            await _api.GrantAsync(keyId);

            using var caller = _api.WithApiKey(_api.A.CallerKey);
            var response = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId)));
            var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("revocation status", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task LevelBT_WithTheDevTsa_PdfsigSaysValid_AndTheCmsCarriesASignatureTimestamp()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var response = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("level", "B-T")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signed = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);

        // id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14) as DER content octets.
        byte[] timestampOid = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x0E];
        var text = System.Text.Encoding.Latin1.GetString(signed);
        var start = text.IndexOf("/Contents <", StringComparison.Ordinal) + "/Contents <".Length;
        var cms = Convert.FromHexString(text[start..text.IndexOf('>', start)]);
        Assert.True(cms.AsSpan().IndexOf(timestampOid) >= 0, "B-T must carry a signature time-stamp");
    }

    [Theory]
    [InlineData("B-LT")]
    [InlineData("B-LTA")]
    public async Task LongTermLevels_CarryTheDss_AndPdfsigSaysValid(string level)
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var response = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("level", level)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var signed = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        var text = System.Text.Encoding.Latin1.GetString(signed);
        Assert.Contains("/DSS", text, StringComparison.Ordinal);
        Assert.Equal(level == "B-LTA", text.Contains("/ETSI.RFC3161", StringComparison.Ordinal));
    }
}
