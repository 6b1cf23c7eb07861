using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Storage;

namespace Signing.Api.Tests.Hosting;

public sealed class ServiceHygieneTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync()
        => _api = await new ApiFactory(new Dictionary<string, string?> { ["Limits:MaxDocumentBytes"] = "65536" }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task MalformedJson_Gets400Problem()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var response = await admin.PostAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users",
            new StringContent("{\"username\": ", Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OversizedBody_Gets413Problem()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var huge = new string('x', 200_000);
        var response = await admin.PostAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users",
            new StringContent($"{{\"username\":\"{huge}\"}}", Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task IdempotencyKey_ReplaysTheFirstReply()
    {
        using var admin = await _api.SignedInAsync(_api.A.Admin);
        HttpRequestMessage Request(object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/agencies/{_api.A.Agency.Id}/clients")
            {
                Content = JsonContent.Create(body),
            };
            request.Headers.Add("Idempotency-Key", "create-dms-1");
            return request;
        }

        var first = await admin.SendAsync(Request(new { name = "dms" }));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await admin.SendAsync(Request(new { name = "dms" }));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);

        var clients = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/agencies/{_api.A.Agency.Id}/clients");
        Assert.Single(clients.EnumerateArray(), c => c.GetProperty("name").GetString() == "dms");

        var different = await admin.SendAsync(Request(new { name = "other" }));
        await different.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task OpenApi_IsServedToAuthenticatedPrincipals()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var document = await caller.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/auth/login", out _));
    }

    [Fact]
    public async Task AuditVerify_DetectsAnEditedRow()
    {
        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var intact = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(intact.GetProperty("intact").GetBoolean());

        var database = _api.Services.GetRequiredService<Database>();
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 1");
        }

        var broken = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(1, broken.GetProperty("firstBrokenSeq").GetInt64());
    }

    [Fact]
    public async Task Audit_RecordsAccountChanges_ForTheAgencyOnly()
    {
        using var adminA = await _api.SignedInAsync(_api.A.Admin);
        await adminA.PostAsJsonAsync($"/api/v1/agencies/{_api.A.Agency.Id}/clients", new { name = "audited-client" });
        using var auditorB = await _api.SignedInAsync(_api.B.Auditor);
        var pageB = await auditorB.GetStringAsync("/api/v1/audit?limit=1000");
        Assert.DoesNotContain("account.client.create", pageB);
        using var auditorA = await _api.SignedInAsync(_api.A.Auditor);
        var pageA = await auditorA.GetStringAsync("/api/v1/audit?limit=1000");
        Assert.Contains("account.client.create", pageA);
    }
}

public sealed class StartupValidationTests
{
    [Fact]
    public async Task PostgresWithoutConnectionString_FailsAtStartWithAClearMessage()
    {
        await using var api = new ApiFactory(new Dictionary<string, string?> { ["Storage:Provider"] = "postgres" });
        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());
        Assert.Contains("Storage:ConnectionString is required", error.ToString());
    }

    [Fact]
    public async Task MissingClientCaFile_FailsAtStartWithAClearMessage()
    {
        await using var api = new ApiFactory(new Dictionary<string, string?> { ["Auth:ClientCertificateAuthorities:0"] = "/nonexistent/ca.pem" });
        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());
        Assert.Contains("/nonexistent/ca.pem", error.ToString());
    }
}

public sealed class ConfigurationAuditTests
{
    [Fact]
    public async Task ChangedSettings_AreAudited_UnchangedAreNot()
    {
        var directory = Directory.CreateTempSubdirectory("signing-config-").FullName;
        try
        {
            async Task<int> StartAndCountAsync(string maxBytes)
            {
                await using var api = new ApiFactory(new Dictionary<string, string?>
                {
                    ["Storage:DataDirectory"] = directory,
                    ["Limits:MaxDocumentBytes"] = maxBytes,
                });
                var audit = api.Services.GetRequiredService<global::Signing.Storage.Audit.AuditLog>();
                var records = await audit.ReadAsync(null, 0, 1000, default);
                Assert.DoesNotContain(records, record => record.Details?.Contains("Password", StringComparison.OrdinalIgnoreCase) == true);
                return records.Count(record => record.Action == "config.change");
            }

            Assert.Equal(1, await StartAndCountAsync("1048576"));
            Assert.Equal(1, await StartAndCountAsync("1048576"));
            Assert.Equal(2, await StartAndCountAsync("2097152"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}

public sealed class ClientCaValidationTests
{
    [Fact]
    public async Task ClientCaFileWithoutCertificates_FailsAtStart()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not a certificate");
            await using var api = new ApiFactory(new Dictionary<string, string?> { ["Auth:ClientCertificateAuthorities:0"] = path });
            var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());
            Assert.Contains("holds no PEM certificate", error.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
