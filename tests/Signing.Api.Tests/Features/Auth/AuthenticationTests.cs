using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Auth;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Health_IsAnonymous()
    {
        using var client = _api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET", "/api/v1/auth/me")]
    [InlineData("GET", "/api/v1/audit")]
    [InlineData("GET", "/api/v1/audit/verify")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/api/v1/agencies/x")]
    [InlineData("POST", "/api/v1/clients/x/api-keys")]
    public async Task NoCredentials_Get401Problem(string method, string path)
    {
        using var client = _api.CreateClient();
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WrongApiKey_Gets401WithReason()
    {
        using var client = _api.WithApiKey(_api.A.CallerKey[..^2] + "xx");
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("not valid", problem.GetProperty("detail").GetString());

        using var garbage = _api.WithApiKey("not-a-key");
        var format = await (await garbage.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("format", format.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ApiKey_AuthenticatesTheClient()
    {
        using var client = _api.WithApiKey(_api.A.CallerKey);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("portal-a", me.GetProperty("name").GetString());
        Assert.Equal("client", me.GetProperty("kind").GetString());
        Assert.Equal(["caller"], me.GetProperty("roles").EnumerateArray().Select(role => role.GetString()));
    }

    [Fact]
    public async Task RevokedApiKey_Gets401()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var created = await (await admin.PostAsync($"/api/v1/clients/{_api.A.Caller.Id}/api-keys", null))
            .Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        using var caller = _api.WithApiKey(key);
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/v1/auth/me")).StatusCode);

        var revoke = await admin.DeleteAsync($"/api/v1/clients/{_api.A.Caller.Id}/api-keys/{created.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        var problem = await (await caller.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ApiKeyOfADisabledClient_Gets401_TheNextRequest()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var me = await caller.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal(_api.A.Caller.Name, me.GetProperty("name").GetString());

        var database = _api.Services.GetRequiredService<global::Signing.Storage.Database>();
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync("UPDATE clients SET disabled_at = 1 WHERE id = @id", new { id = _api.A.Caller.Id });
        }

        var problem = await (await caller.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("disabled", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PasswordLogin_GivesASession_AndLogoutEndsIt()
    {
        using var client = await _api.SignedInAsync(_api.A.Official);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("official-a", me.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData("UPDATE users SET disabled_at = 1 WHERE username = 'official-a'")]
    [InlineData("UPDATE users SET roles = 'clerk' WHERE username = 'official-a'")]
    public async Task Session_EndsAtOnce_WhenTheAccountIsDisabledOrItsRolesChange(string change)
    {
        using var client = await _api.SignedInAsync(_api.A.Official);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
        var database = _api.Services.GetRequiredService<global::Signing.Storage.Database>();
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync(change);
        }

        await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task NewApiKey_IsNeverKeptForIdempotentReplay()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        async Task<HttpResponseMessage> CreateAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/clients/{_api.A.Caller.Id}/api-keys");
            request.Headers.Add("Idempotency-Key", "key-rotation-7");
            return await admin.SendAsync(request);
        }

        var first = await CreateAsync();
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        var key = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var database = _api.Services.GetRequiredService<global::Signing.Storage.Database>();
        await using (var connection = await database.OpenAsync(default))
        {
            var bodies = await connection.QueryAsync<byte[]?>("SELECT body FROM idempotency_records");
            Assert.DoesNotContain(bodies, body => body is not null && System.Text.Encoding.UTF8.GetString(body).Contains(key, StringComparison.Ordinal));
        }

        var retry = await CreateAsync();
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task WrongPassword_Gets401_AndIsAuditedWithoutThePassword()
    {
        using var client = _api.CreateClient();
        var wrongPassword = ApiFactory.RandomPassword(24);
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "official-a", password = wrongPassword });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "nobody", password = ApiFactory.RandomPassword(24) });
        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var page = await auditor.GetStringAsync("/api/v1/audit?limit=1000");
        Assert.Contains("\"outcome\":\"denied\"", page);
        Assert.DoesNotContain(wrongPassword, page);
        Assert.DoesNotContain(ApiFactory.Password, page);
        // A failed login for an unknown username belongs to no agency and records no typed text.
        var all = await _api.Services.GetRequiredService<global::Signing.Storage.Audit.AuditLog>().ReadAsync(null, 0, 1000, default);
        Assert.Contains(all, record => record.Actor == "user:unknown" && record.Outcome == "denied");
        Assert.DoesNotContain(all, record => (record.Actor + record.Details + record.Target).Contains("nobody", StringComparison.Ordinal));
    }
}
