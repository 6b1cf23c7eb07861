using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Signing.Api.Tests.Features.Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Pkcs11;
using Signing.Testing;

namespace Signing.Api.Tests.Features.GccRequests;

/// <summary>
/// GCC requests: each kind's fields and rules (Vietnamese names, 12-digit CCCD, official e-mail, Decision 20/2020 code,
/// Art. 17 reasons, renewal of at most 3 years), and keys generated on the HSM with a CSR in UTF-8; a CSR for a key that
/// is not on the token is refused.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class GccRequestTests(TokenPki pki, PostgresCluster cluster)
{
    [Theory]
    [InlineData("""{"kind":"issue-individual","fields":{"fullName":"Nguyễn Văn An","cccd":"02519000123","email":"an@hoabinh.phutho.gov.vn","position":"Chuyên viên","unit":"Văn phòng"}}""", "fields.cccd")]
    [InlineData("""{"kind":"issue-individual","fields":{"fullName":"Nguyễn Văn An","cccd":"02519000123A","email":"an@hoabinh.phutho.gov.vn","position":"Chuyên viên","unit":"Văn phòng"}}""", "fields.cccd")]
    [InlineData("""{"kind":"issue-individual","fields":{"fullName":"Nguyen 2 An","cccd":"025190001234","email":"an@hoabinh.phutho.gov.vn","position":"Chuyên viên","unit":"Văn phòng"}}""", "fields.fullName")]
    [InlineData("""{"kind":"issue-individual","fields":{"fullName":"Nguyễn Văn An","cccd":"025190001234","email":"an@gmail.com","position":"Chuyên viên","unit":"Văn phòng"}}""", "fields.email")]
    [InlineData("""{"kind":"issue-individual","fields":{"fullName":"Nguyễn Văn An","cccd":"025190001234","email":"an@hoabinh.phutho.gov.vn","unit":"Văn phòng"}}""", "fields.position")]
    [InlineData("""{"kind":"issue-agency","fields":{"agencyCode":"000.00.31.h4","parentBody":"UBND TỈNH PHÚ THỌ"}}""", "fields.agencyCode")]
    [InlineData("""{"kind":"issue-agency","fields":{"agencyCode":"000.00.31.H42"}}""", "fields.parentBody")]
    [InlineData("""{"kind":"issue-device","fields":{"deviceName":"Cổng dịch vụ công"}}""", "fields.deviceDescription")]
    [InlineData("""{"kind":"renew","fields":{"extensionYears":1}}""", "certificateId")]
    [InlineData("""{"kind":"lend"}""", "kind")]
    public async Task EachKind_ChecksItsOwnFields(string body, string field)
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        using var admin = await api.SignedInAsync(api.A.Admin);
        var problem = await (await admin.PostAsync("/api/v1/certificate-requests", new StringContent(body, Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task RequestsAboutACertificate_RenewAtMostThreeYears_RevokeWithAnArticle17Reason_ChangeSomething()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        using var admin = await api.SignedInAsync(api.A.Admin);
        using var authority = CertificateTestKit.Authority(pki);
        var (certificate, _) = CertificateTestKit.IssuePersonal(authority, new Pki.Names.SubjectName
        {
            CommonName = "Vũ Thị Giang",
            OrganizationalUnit = "Văn phòng",
            Organization = "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH",
            Locality = "Tỉnh Phú Thọ",
            Email = "giang@hoabinh.phutho.gov.vn",
            PersonalId = "CCCD:025190004321",
        });
        var id = (await admin.PostOkAsync("/api/v1/certificates/import/file",
            CertificateTestKit.FileForm(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()), "g.pem", "application/x-pem-file")))
            .GetProperty("addedIds")[0].GetString();

        async Task<HttpResponseMessage> Post(object body) => await admin.PostAsJsonAsync("/api/v1/certificate-requests", body);
        await (await Post(new { kind = "renew", certificateId = id, fields = new { extensionYears = 4 } })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Post(new { kind = "revoke", certificateId = id })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Post(new { kind = "change-info", certificateId = id, fields = new { unit = "Văn phòng" } })).AssertProblemAsync(HttpStatusCode.BadRequest);

        var renew = await admin.PostOkAsync("/api/v1/certificate-requests", new { kind = "renew", certificateId = id, fields = new { extensionYears = 3 } });
        Assert.Equal(renew.GetProperty("subjectBefore").GetString(), renew.GetProperty("subjectAfter").GetString());
        var revoke = await admin.PostOkAsync("/api/v1/certificate-requests", new { kind = "revoke", certificateId = id, revocationReason = "retired" });
        Assert.Equal("Nghỉ hưu", revoke.GetProperty("revocationReasonText").GetString());
        var change = await admin.PostOkAsync("/api/v1/certificate-requests",
            new { kind = "change-info", certificateId = id, fields = new { unit = "Phòng Văn hóa - Xã hội", email = "giang.vhxh@hoabinh.phutho.gov.vn" } });
        Assert.Contains("OU=Văn phòng", change.GetProperty("subjectBefore").GetString(), StringComparison.Ordinal);
        Assert.Contains("OU=Phòng Văn hóa - Xã hội", change.GetProperty("subjectAfter").GetString(), StringComparison.Ordinal);
        Assert.Contains("E=giang.vhxh@hoabinh.phutho.gov.vn", change.GetProperty("subjectAfter").GetString(), StringComparison.Ordinal);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo().Length > 0, change.GetProperty("publicKeySha256").GetString()!.Length == 64);

        // A draft can be rewritten and deleted; the list shows the agency's.
        var rewritten = await (await admin.PutAsJsonAsync($"/api/v1/certificate-requests/{renew.GetProperty("id").GetString()}",
            new { certificateId = id, fields = new { extensionYears = 2 } })).Content.ReadAsStringAsync();
        Assert.Contains("\"extensionYears\":2", rewritten, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/certificate-requests/{revoke.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(2, (await admin.GetOkAsync("/api/v1/certificate-requests?state=draft")).GetArrayLength());
        using var official = await api.SignedInAsync(api.A.Official);
        await (await official.GetAsync("/api/v1/certificate-requests")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AgencyKeyOnTheHsm_IsGeneratedThereWithAUtf8Csr_AndACsrForAKeyNotOnTheTokenIsRefused()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        using var admin = await api.SignedInAsync(api.A.Admin);
        var request = await admin.PostOkAsync("/api/v1/certificate-requests", new
        {
            kind = "issue-agency",
            fields = new { agencyName = "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", agencyCode = "000.00.31.H42", parentBody = "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", province = "Tỉnh Phú Thọ" },
        });
        var id = request.GetProperty("id").GetString()!;
        Assert.Equal("hsm", request.GetProperty("fields").GetProperty("keyLocation").GetString());

        // A key URI on the service's token that names no key, or a token the service does not have: refused.
        var missing = await (await admin.PostAsJsonAsync($"/api/v1/certificate-requests/{id}/key",
            new { keyUri = $"pkcs11:token={pki.Token.TokenLabel};object=khong-co;type=private" })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:key-not-on-token", missing.GetProperty("type").GetString());
        await (await admin.PostAsJsonAsync($"/api/v1/certificate-requests/{id}/key", new { keyUri = "pkcs11:token=nowhere;object=x;type=private" }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        // A CSR made off the token (a software key) for a key that is to live on the HSM: refused.
        using var software = RSA.Create(2048);
        var foreign = new CertificateRequest("CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN", software, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
        var refused = await (await admin.PostAsync($"/api/v1/certificate-requests/{id}/csr",
            CertificateTestKit.FileForm(Encoding.ASCII.GetBytes(foreign), "req.csr", "application/pkcs10"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:key-not-on-token", refused.GetProperty("type").GetString());

        // Generated on the token: the CSR carries the Vietnamese subject as UTF8String and the token's public key.
        var made = await admin.PostOkAsync($"/api/v1/certificate-requests/{id}/key", new { });
        Assert.True(made.GetProperty("hasCsr").GetBoolean());
        var keyUri = made.GetProperty("keyUri").GetString()!;
        var csr = await admin.GetByteArrayAsync($"/api/v1/certificate-requests/{id}/csr");
        var loaded = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        var subject = Pki.Names.SubjectName.FromX500(loaded.SubjectName);
        Assert.Equal("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", subject.CommonName);
        Assert.Equal("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", subject.Organization);
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.File("req.der"), csr);
        var text = ExternalTool.Run("openssl", "req", "-inform", "DER", "-in", directory.File("req.der"), "-noout", "-verify", "-text", "-nameopt", "utf8,show_type");
        Assert.True(text.ExitCode == 0, text.Combined);
        Assert.Contains("UTF8STRING:ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", text.Combined, StringComparison.Ordinal);

        var token = pki.Token.Module.OpenToken(pki.Token.TokenLabel);
        token.Login(pki.Token.UserPin);
        var key = token.ListObjects().Single(o => o.Class == Pkcs11ObjectClass.PrivateKey && o.Uri.ToString() == keyUri);
        Assert.True(key.IsSensitive);
        Assert.False(key.IsExtractable);
        var onToken = token.OpenPrivateKey(key.Uri);
        Assert.Equal(onToken.ExportSubjectPublicKeyInfo(), loaded.PublicKey.ExportSubjectPublicKeyInfo());

        // The same CSR uploaded again is accepted: its key is on the token.
        var again = await admin.PostOkAsync($"/api/v1/certificate-requests/{id}/csr", CertificateTestKit.FileForm(csr, "req.der", "application/pkcs10"));
        Assert.Equal(keyUri, again.GetProperty("keyUri").GetString());
    }
}
