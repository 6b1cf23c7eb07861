using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;

using Signing.Testing;

namespace Signing.Api.Tests.Features.Auth;

public sealed class AuthorisationTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task WrongRole_Gets403()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        await (await caller.GetAsync("/api/v1/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var official = await _api.SignedInAsync(_api.A.Official);
        await (await official.GetAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await official.PostAsync($"/api/v1/clients/{_api.A.Caller.Id}/api-keys", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Members_SeeTheirOwnAgency_NotAnother()
    {
        using var official = await _api.SignedInAsync(_api.A.Official);
        var own = await official.GetFromJsonAsync<JsonElement>($"/api/v1/agencies/{_api.A.Agency.Id}");
        Assert.Equal("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", own.GetProperty("name").GetString());
        await (await official.GetAsync($"/api/v1/agencies/{_api.B.Agency.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_CannotActOnAnotherAgency()
    {
        using var adminA = await _api.SignedInAsync(_api.A.Admin);
        await (await adminA.GetAsync($"/api/v1/agencies/{_api.B.Agency.Id}/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var create = await adminA.PostAsJsonAsync($"/api/v1/agencies/{_api.B.Agency.Id}/users",
            new { username = "intruder", displayName = "X", password = ApiFactory.RandomPassword(20), roles = "admin" });
        await create.AssertProblemAsync(HttpStatusCode.Forbidden);
        // Another agency's client is not even visible.
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.PostAsync($"/api/v1/clients/{_api.B.Caller.Id}/api-keys", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.GetAsync($"/api/v1/clients/{_api.B.Caller.Id}/api-keys")).StatusCode);
    }

    [Fact]
    public async Task Admin_CreatesClientAndKey_KeyShownOnce_AndWorks()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var created = await admin.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/clients", new { name = "egov-portal" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var client = await created.Content.ReadFromJsonAsync<JsonElement>();
        var keyResponse = await admin.PostAsync($"/api/v1/clients/{client.GetProperty("id").GetString()}/api-keys", null);
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        var listed = await admin.GetStringAsync($"/api/v1/clients/{client.GetProperty("id").GetString()}/api-keys");
        Assert.DoesNotContain(key, listed);
        using var caller = _api.WithApiKey(key);
        var me = await caller.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("egov-portal", me.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ACertificateRegisteredInOneAgency_CannotBeClaimedByAnother()
    {
        using var certificate = TestCertificates.Current("CN=Nguyễn Văn An, C=VN");
        var pem = certificate.ExportCertificatePem();
        using var adminA = await _api.SignedInAsync(_api.A.Admin);
        var own = await adminA.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users",
            new { username = "an-cert", displayName = "Nguyễn Văn An", roles = "official", certificatePem = pem });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        using var adminB = await _api.SignedInAsync(_api.B.Admin);
        var stolen = await adminB.PostAsJsonAsync($"/api/v1/agencies/{_api.B.Agency.Id}/clients", new { name = "impostor", certificatePem = pem });
        await stolen.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task InvalidUser_GetsValidationProblem()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var response = await admin.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users",
            new { username = "x", displayName = "X", password = ApiFactory.RandomPassword(5), roles = "official,king" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("roles", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }
}
