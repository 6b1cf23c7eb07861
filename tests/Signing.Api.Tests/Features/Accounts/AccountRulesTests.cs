using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Accounts;

/// <summary>
/// Issue 17, item 7: usernames have one spelling (NFC, case-folded, trimmed; no control characters or bidirectional
/// overrides), a person has at least one role, and a password has a minimum length and is not a common one. Before,
/// "NguyenVanAn" and "nguyenvanan " were two people, a name could hide a right-to-left override, an empty role list was
/// accepted, and "password1234" was a valid password.
/// </summary>
public sealed class AccountRulesTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _api = await new ApiFactory().SeedAsync();
        _admin = await _api.SignedInAsync(_api.A.Admin);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task UsernamesAreTrimmedCaseFoldedAndNfc_SoOnePersonHasOneName()
    {
        var password = ApiFactory.RandomPassword(16);
        // "Nguyễn" with the tone mark as a combining character (NFD), as some keyboards and imports produce it.
        var decomposed = " Nguye\u0302\u0303nVanAn ";
        var created = await CreateAsync(decomposed, password, "official");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("nguyễnvanan", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString());

        var again = await CreateAsync("NGUYỄNVANAN", ApiFactory.RandomPassword(16), "clerk");
        var conflict = await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("taken", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var person = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        Assert.Equal(HttpStatusCode.NoContent,
            (await person.PostAsJsonAsync("/api/v1/auth/login", new { username = "NguyễnVanAn", password })).StatusCode);
    }

    [Theory]
    [InlineData("admin\u202Egnp.exe")]
    [InlineData("an\u2066min\u2069")]
    [InlineData("van\u0000thu")]
    [InlineData("van\tthu")]
    [InlineData("van\u200Bthu")]
    [InlineData("   ")]
    public async Task UsernamesWithControlCharactersOrBidiOverrides_AreRefused(string username)
    {
        var problem = await (await CreateAsync(username, ApiFactory.RandomPassword(16), "clerk")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("username", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    public async Task AnEmptyRoleList_IsRefused(string roles)
    {
        var problem = await (await CreateAsync("vanthu2", ApiFactory.RandomPassword(16), roles)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("roles", out _));

        var client = await _admin.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/clients", new { name = "qlvb-2", roles });
        var clientProblem = await client.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(clientProblem.GetProperty("errors").TryGetProperty("roles", out _));
    }

    [Theory]
    [InlineData("short1!")]
    [InlineData("password1234")]
    [InlineData("Password1234!")]
    [InlineData("123456789012")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("xxvanthu3xxyyzz")]
    public async Task AShortCommonOrGuessablePassword_IsRefused(string password)
    {
        var problem = await (await CreateAsync("vanthu3", password, "clerk")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    private Task<HttpResponseMessage> CreateAsync(string username, string password, string roles)
        => _admin.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users",
            new { username, displayName = "Trần Thị Bình", title = "Văn thư", password, roles });
}
