using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Hosting;

/// <summary>The same HTTP flows with the service configured for PostgreSQL, as a multi-node deployment runs it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresApiTests(PostgresCluster cluster) : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync()
        => _api = await new ApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ReadyReportsPostgres_AndAuthFlowsWork()
    {
        using var anonymous = _api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        await (await anonymous.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var created = await (await admin.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/clients", new { name = "pg-portal" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var key = (await (await admin.PostAsync($"/api/v1/clients/{created.GetProperty("id").GetString()}/api-keys", null))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var caller = _api.WithApiKey(key);
        Assert.Equal("pg-portal", (await caller.GetFromJsonAsync<JsonElement>("/api/v1/auth/me")).GetProperty("name").GetString());
        await (await caller.GetAsync("/api/v1/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);

        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verification.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task IdempotentRetries_FromTwoNodes_CreateOneClient()
    {
        // Two service instances on one database stand in for two nodes behind a load balancer.
        await using var second = new ApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = _api.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Storage:ConnectionString"],
        });
        var accounts = _api.Services.GetRequiredService<global::Signing.Storage.Accounts.AccountStore>();
        var operations = await accounts.CreateClientAsync(_api.A.Agency.Id, "ops-automation", ["admin"], null, default);
        var (_, key) = await accounts.CreateApiKeyAsync(operations.Id, default);
        using var nodeA = _api.WithApiKey(key);
        using var nodeB = second.WithApiKey(key);

        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/agencies/{_api.A.Agency.Id}/clients")
            {
                Content = JsonContent.Create(new { name = "retried-portal" }),
            };
            request.Headers.Add("Idempotency-Key", "retry-42");
            return request;
        }

        var first = await nodeA.SendAsync(Request());
        var retry = await nodeB.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        var listed = await nodeA.GetFromJsonAsync<JsonElement>($"/api/v1/agencies/{_api.A.Agency.Id}/clients");
        Assert.Single(listed.EnumerateArray(), client => client.GetProperty("name").GetString() == "retried-portal");
    }
}
