using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Audit;
using Signing.Api.Tests.Fixtures;
using Signing.Pkcs11;
using Signing.Storage.Audit;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Audit;

/// <summary>
/// The keyed audit chain through the service: <c>GET /api/v1/audit/verify</c> catches what a database writer does, an
/// agency's reader learns only its agency's count, checkpoints are signed with the token key (also when the service
/// stops), and <c>signing audit verify</c> catches a deleted tail from the checkpoint the service left in the data
/// directory.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class AuditChainTests(TokenPki pki)
{
    private Dictionary<string, string?> CheckpointSettings() => new()
    {
        ["Audit:CheckpointKey"] = pki.AuditCheckpointKeyUri,
        // Long: the tests sign checkpoints when they need one.
        ["Audit:CheckpointInterval"] = "01:00:00",
    };

    [Fact]
    public async Task DeletingTheLastAuditRow_IsDetected_ByAuditVerify()
    {
        await using var api = await new SigningApiFactory(pki, CheckpointSettings()).SeedAsync();
        using var admin = await api.SignedInAsync(api.A.Admin);
        var checkpoint = await api.Services.GetRequiredService<AuditCheckpointService>().CheckpointNowAsync(default);
        Assert.NotNull(checkpoint);
        Assert.True(checkpoint.SignatureIsValid(TokenPublicKey()));

        await ExecuteAsync(api.DataDirectory, $"DELETE FROM audit_log WHERE seq = {checkpoint.Seq}");

        var verification = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");

        Assert.False(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.Contains("deleted from the end", verification.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_ForOneAgencysAdmin_ReportsOnlyThatAgencysCount()
    {
        await using var api = await new SigningApiFactory(pki).SeedAsync();
        using var adminB = await api.SignedInAsync(api.B.Admin);
        using var adminA = await api.SignedInAsync(api.A.Admin);
        await adminA.GetAsync("/api/v1/audit/verify");
        var audit = api.Services.GetRequiredService<AuditLog>();
        var all = await audit.ReadAsync(null, 0, 1000, default);
        var agencyB = all.Count(record => record.AgencyId == api.B.Agency.Id);

        var verification = await adminB.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");

        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.Equal(agencyB, verification.GetProperty("recordsChecked").GetInt64());
        Assert.True(all.Count > agencyB, "other agencies' records exist and are not counted");
    }

    [Fact]
    public async Task TheServiceSignsACheckpointWhenItStops_AndTheCliCatchesATailDeletedAfterwards()
    {
        using var data = await SeededDataDirectory.CreateAsync(pki, CheckpointSettings());
        var api = await ApiProcess.StartAsync(data.Settings);
        await using (api)
        {
            using var caller = api.Client(data.A.CallerKey);
            for (var i = 0; i < 3; i++)
            {
                var signed = await caller.PostAsync($"/api/v1/sign/pdf?keyId={data.SealKeyId}", TestPdfs.Raw(TestPdfs.Simple()));
                Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync() + api.Tail());
            }

            await api.StopAsync();
        }

        var head = await ScalarAsync(data.Path, "SELECT MAX(seq) FROM audit_log");
        var checkpoint = AuditCheckpointFile.Read(Path.Combine(data.Path, "audit-checkpoint.json"));
        Assert.NotNull(checkpoint);
        Assert.Equal(head, checkpoint.Seq);
        Assert.True(checkpoint.SignatureIsValid(TokenPublicKey()));
        var intact = RunCli("audit", "verify", "--data", data.Path);
        Assert.True(intact.ExitCode == 0, intact.Combined);
        Assert.Contains($"signed checkpoint at record {head}", intact.StandardOutput, StringComparison.Ordinal);

        await ExecuteAsync(data.Path, $"DELETE FROM audit_log WHERE seq = {head}");

        var broken = RunCli("audit", "verify", "--data", data.Path);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"BROKEN at record {head}", broken.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("deleted from the end", broken.StandardOutput, StringComparison.Ordinal);

        // The restarted service continues above the checkpoint: the deleted number is never used again.
        await using var restarted = await ApiProcess.StartAsync(data.Settings);
        using var again = restarted.Client(data.A.CallerKey);
        (await again.PostAsync($"/api/v1/sign/pdf?keyId={data.SealKeyId}", TestPdfs.Raw(TestPdfs.Simple()))).EnsureSuccessStatusCode();
        Assert.Equal(0, await ScalarAsync(data.Path, $"SELECT COUNT(*) FROM audit_log WHERE seq = {head}"));
    }

    private byte[] TokenPublicKey()
    {
        using var key = Pkcs11SigningKey.Open(pki.Token.ModulePath, pki.AuditCheckpointKeyUri, pki.Token.UserPin);
        return ((ECDsa)key.PrivateKey).ExportSubjectPublicKeyInfo();
    }

    private static async Task ExecuteAsync(string dataDirectory, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "signing.db")}");
        await connection.ExecuteAsync(sql);
    }

    private static async Task<long> ScalarAsync(string dataDirectory, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "signing.db")}");
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private ExternalTool.Result RunCli(params string[] arguments)
        => ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "signing.dll"), .. arguments], pki.Token.ChildEnvironment);
}
