using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;

using Signing.Testing;

namespace Signing.Api.Tests.Features.Keys;

public sealed class KeyRegistryTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Admin_RegistersAndGrants_CallerSeesOnlyGrantedKeys()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var seal = await RegisterAsync(admin, "agency-seal", TestCertificates.Current("CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN"));
        var system = await RegisterAsync(admin, "system", TestCertificates.Current("CN=Hệ thống QLVB, C=VN"));
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        Assert.Empty((await caller.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray());

        var grant = await admin.PostAsJsonAsync($"/api/v1/keys/{seal}/grants", new { clientId = _api.A.Caller.Id });
        Assert.Equal(HttpStatusCode.NoContent, grant.StatusCode);
        var visible = (await caller.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray().ToList();
        var only = Assert.Single(visible);
        Assert.Equal(seal, only.GetProperty("id").GetString());
        Assert.Equal("agency-seal", only.GetProperty("purpose").GetString());
        Assert.Equal("active", only.GetProperty("status").GetString());
        Assert.Contains("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", only.GetProperty("subject").GetString());

        var all = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray().Select(k => k.GetProperty("id").GetString());
        Assert.Equal([seal, system], all);
    }

    [Fact]
    public async Task ExpiredCertificate_ShowsAsExpired_DisabledAsDisabled()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var expired = await RegisterAsync(admin, "system",
            TestCertificates.SelfSigned("CN=Expired, C=VN", DateTimeOffset.UtcNow.AddYears(-6), DateTimeOffset.UtcNow.AddYears(-1)));
        var active = await RegisterAsync(admin, "system", TestCertificates.Current("CN=Active, C=VN"));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/keys/{active}/disable", null)).StatusCode);
        var statuses = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray()
            .ToDictionary(k => k.GetProperty("id").GetString()!, k => k.GetProperty("status").GetString());
        Assert.Equal("expired", statuses[expired]);
        Assert.Equal("disabled", statuses[active]);
    }

    [Fact]
    public async Task OtherAgency_CannotSeeGrantOrDisable()
    {
        using var adminA = await _api.SignedInAsync(_api.A.Admin);
        var key = await RegisterAsync(adminA, "agency-seal", TestCertificates.Current("CN=A seal, C=VN"));
        using var adminB = await _api.SignedInAsync(_api.B.Admin);
        Assert.Empty((await adminB.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.PostAsync($"/api/v1/keys/{key}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await adminB.PostAsJsonAsync($"/api/v1/keys/{key}/grants", new { clientId = _api.B.Caller.Id })).StatusCode);
        // Nor can A grant its key to B's client.
        await (await adminA.PostAsJsonAsync($"/api/v1/keys/{key}/grants", new { clientId = _api.B.Caller.Id }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CallersAndOfficials_CannotRegister_InvalidInputIsExplained()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        await (await caller.PostAsJsonAsync("/api/v1/keys", new { purpose = "system", location = "pkcs11" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/keys", new
        {
            purpose = "official",
            location = "pkcs11",
            pkcs11Uri = "slot 0",
            certificatePem = "not a certificate",
            ownerUserId = _api.B.Official.Id,
        });
        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("pkcs11Uri", out _));
        Assert.True(errors.TryGetProperty("certificatePem", out _));
        Assert.True(errors.TryGetProperty("ownerUserId", out _));
    }

    [Fact]
    public async Task Official_SeesOwnKey()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        using var certificate = TestCertificates.Current("CN=Nguyễn Văn An, OU=Lãnh đạo, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        var created = await admin.PostAsJsonAsync("/api/v1/keys", new
        {
            purpose = "official",
            location = "desk-token",
            certificatePem = certificate.ExportCertificatePem(),
            ownerUserId = _api.A.Official.Id,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var official = await _api.SignedInAsync(_api.A.Official);
        var mine = Assert.Single((await official.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray());
        Assert.Equal("desk-token", mine.GetProperty("location").GetString());
    }

    private static async Task<string> RegisterAsync(HttpClient admin, string purpose, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using (certificate)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/keys", new
            {
                purpose,
                location = "pkcs11",
                pkcs11Uri = $"pkcs11:token=dev;object={purpose};type=private",
                certificatePem = certificate.ExportCertificatePem(),
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
    }
}
