using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Hosting;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Audit;

namespace Signing.Api.Tests.Hosting;

/// <summary>
/// Idempotency-Keys never sign twice: a reply too large to replay is stored by id and a retry is told where to fetch
/// it; a reply that cannot be stored never leaves the service; a two-step completion that was claimed is never lost.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class IdempotencyTests(TokenPki pki)
{
    [Fact]
    public void MaxIdempotentReplyBytes_TheCodeAndTheReadmeAgree()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var row = Assert.Single(readme, line => line.StartsWith("| `Limits:MaxIdempotentReplyBytes` |", StringComparison.Ordinal));
        var documented = long.Parse(row.Split('|')[2].Trim().Trim('`'), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(new LimitsOptions().MaxIdempotentReplyBytes, documented);
    }

    [Fact]
    public async Task AReplyTooLargeToReplay_RetryGets409NamingWhereToFetchIt_NeverASecondSignature()
    {
        await using var api = await new SigningApiFactory(pki, new Dictionary<string, string?> { ["Limits:MaxIdempotentReplyBytes"] = "1024" }).SeedAsync();
        var keyId = await api.RegisterGrantedAsync(pki.Seal);
        using var caller = api.WithApiKey(api.A.CallerKey);
        var pdf = TestPdfs.Simple();

        var first = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", pdf, "big-reply-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var signed = await first.Content.ReadAsByteArrayAsync();
        Assert.True(signed.Length > 1024);
        var location = first.Content.Headers.ContentLocation?.ToString() ?? first.Headers.GetValues("Content-Location").Single();

        var retry = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", pdf, "big-reply-1");

        var problem = await retry.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:signing:problem:reply-too-large-to-replay", problem.GetProperty("type").GetString());
        Assert.Contains($"reply is too large to replay (over 1024 bytes, Limits:MaxIdempotentReplyBytes); fetch it at {location}",
            problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(location, retry.Headers.Location?.ToString());
        var fetched = await caller.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(signed, await fetched.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", fetched.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await CountAsync(api, "SELECT COUNT(*) FROM audit_log WHERE action = 'sign.pdf' AND outcome = 'success'"));

        // Another caller, even of the same agency, cannot fetch it.
        using var admin = await api.SignedInAsync(api.A.Admin);
        await (await admin.GetAsync(location)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AReplyThatCannotBeStored_NeverLeavesTheService_AndTheRetrySignsOnce()
    {
        await using var api = await new SigningApiFactory(pki).SeedAsync();
        var keyId = await api.RegisterGrantedAsync(pki.Seal);
        using var caller = api.WithApiKey(api.A.CallerKey);
        await ExecuteAsync(api, "CREATE TRIGGER refuse_replies BEFORE UPDATE OF status_code ON idempotency_records BEGIN SELECT RAISE(ABORT, 'disk full'); END");

        var first = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Simple(), "unstorable-1");

        Assert.NotEqual(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual("application/pdf", first.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("%PDF", System.Text.Encoding.Latin1.GetString(await first.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        // The key was released and the signature's audit record written on its own: nothing was delivered.
        await ExecuteAsync(api, "DROP TRIGGER refuse_replies");
        var retry = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Simple(), "unstorable-1");
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var replay = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Simple(), "unstorable-1");
        Assert.Equal("true", replay.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
        Assert.Equal(await retry.Content.ReadAsByteArrayAsync(), await replay.Content.ReadAsByteArrayAsync());
        Assert.True((await api.Services.GetRequiredService<AuditLog>().VerifyAsync(default)).Intact);
    }

    [Fact]
    public async Task TheAuditRecordOfAnIdempotentSignature_CommitsWithItsStoredReply()
    {
        await using var api = await new SigningApiFactory(pki).SeedAsync();
        var keyId = await api.RegisterGrantedAsync(pki.Seal);
        using var caller = api.WithApiKey(api.A.CallerKey);

        var signed = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Simple(), "with-audit-1");
        var replay = await SendAsync(caller, $"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Simple(), "with-audit-1");

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
        var signatureId = signed.Headers.GetValues("X-Signature-Id").Single();
        Assert.Equal(1, await CountAsync(api, $"SELECT COUNT(*) FROM audit_log WHERE action = 'sign.pdf' AND target = '{signatureId}'"));
    }

    [Fact]
    public async Task ATwoStepCompletion_RepeatedAfterItWasClaimed_SaysWhereTheSignedDocumentIs()
    {
        await using var api = await new SigningApiFactory(pki).SeedAsync();
        var keyId = await api.RegisterGrantedAsync(pki.Seal);
        using var caller = api.WithApiKey(api.A.CallerKey);
        var prepared = await (await caller.PostAsync($"/api/v1/sign/pdf/prepare?keyId={keyId}", TestPdfs.Raw(TestPdfs.Simple())))
            .Content.ReadFromJsonAsync<JsonElement>();
        var operationId = prepared.GetProperty("operationId").GetString()!;
        using var key = pki.Open(pki.Seal);
        var signature = ((System.Security.Cryptography.RSA)key.PrivateKey).SignData(
            Convert.FromBase64String(prepared.GetProperty("dataToSign").GetString()!), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var body = new { signature = Convert.ToBase64String(signature), certificate = Convert.ToBase64String(pki.Seal.Certificate.RawData) };

        var completed = await caller.PostAsJsonAsync($"/api/v1/sign/pdf/{operationId}/complete", body);
        var again = await caller.PostAsJsonAsync($"/api/v1/sign/pdf/{operationId}/complete", body);

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"/api/v1/results/{operationId}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var fetched = await caller.GetAsync($"/api/v1/results/{operationId}");
        Assert.Equal(await completed.Content.ReadAsByteArrayAsync(), await fetched.Content.ReadAsByteArrayAsync());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, byte[] pdf, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = TestPdfs.Raw(pdf) };
        request.Headers.Add(IdempotencyMiddleware.HeaderName, idempotencyKey);
        return client.SendAsync(request);
    }

    private static async Task ExecuteAsync(ApiFactory api, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(api.DataDirectory, "signing.db")}");
        await connection.ExecuteAsync(sql);
    }

    private static async Task<long> CountAsync(ApiFactory api, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(api.DataDirectory, "signing.db")}");
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Signing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Signing.sln not found above the test directory.");
    }
}
