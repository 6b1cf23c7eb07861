using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;

using Signing.Testing;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>Who may sign with which key, and which keys and documents cannot be signed at all.</summary>
[Collection(TokenCollection.Name)]
public sealed class SignRefusalTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Anonymous401_OtherAgency404_NotGranted403_OfficialSession403()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        var form = () => TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId));
        using var anonymous = _api.CreateClient();
        await (await anonymous.PostAsync("/api/v1/sign/pdf", form())).AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var otherAgency = _api.WithApiKey(_api.B.CallerKey);
        await (await otherAgency.PostAsync("/api/v1/sign/pdf", form())).AssertProblemAsync(HttpStatusCode.NotFound);

        var accounts = _api.Services.GetRequiredService<AccountStore>();
        var second = await accounts.CreateClientAsync(_api.A.Agency.Id, "portal-a2", ["caller"], null, default);
        var (_, secondKey) = await accounts.CreateApiKeyAsync(second.Id, default);
        using var notGranted = _api.WithApiKey(secondKey);
        var denied = await (await notGranted.PostAsync("/api/v1/sign/pdf", form())).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("grant", denied.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await notGranted.PostAsJsonAsync("/api/v1/sign/hash", new { keyId, hash = Convert.ToBase64String(new byte[32]) }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        using var official = await _api.SignedInAsync(_api.A.Official);
        Assert.Equal(HttpStatusCode.Forbidden, (await official.PostAsync("/api/v1/sign/pdf", form())).StatusCode);
    }

    [Fact]
    public async Task ExpiredDisabledAndRevokedKeys_Get409_WithTheReason()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var expiredCertificate = TestCertificates.SelfSigned("CN=Hết hạn, C=VN", DateTimeOffset.UtcNow.AddYears(-6), DateTimeOffset.UtcNow.AddYears(-1));
        var expired = await _api.RegisterAsync("agency-seal", "pkcs11", pki.Seal.Uri, expiredCertificate.ExportCertificatePem());
        await _api.GrantAsync(expired);
        var problem = await (await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", expired))))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var revoked = await _api.RegisterGrantedAsync(pki.Revoked);
        problem = await (await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", revoked))))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("OCSP", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var seal = await _api.RegisterGrantedAsync(pki.Seal);
        using (var admin = await _api.SignedInAsync(_api.A.Admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/keys/{seal}/disable", null)).StatusCode);
        }

        problem = await (await caller.PostAsJsonAsync("/api/v1/sign/cms", new { keyId = seal, data = Convert.ToBase64String("x"u8.ToArray()) }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("disabled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedEncryptedAndUnsupportedLevel_Get422_DeskTokenKeyGets409()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var malformed = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form("%PDF-1.7\nnot really a pdf"u8.ToArray(), ("keyId", keyId)));
        Assert.Equal("Malformed PDF", (await malformed.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("title").GetString());

        var encrypted = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [] /Count 0 >>")
            .Add(3, "<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>")
            .Build("/Root 1 0 R /Encrypt 3 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]");
        var refused = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Raw(encrypted));
        Assert.Equal("Encrypted PDF", (await refused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("title").GetString());

        var level = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("level", "B-LTA")));
        Assert.Contains("Signing:TsaUrl", (await level.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unknown = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("level", "B-X")));
        Assert.Contains("unknown", (await unknown.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var timestamped = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("level", "B-T")));
        Assert.Contains("Signing:TsaUrl", (await timestamped.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var desk = await _api.RegisterAsync("official", "desk-token", null, pki.Official.CertificatePem, _api.A.Official.Id);
        await _api.GrantAsync(desk);
        var sync = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", desk)));
        Assert.Contains("prepare", (await sync.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
