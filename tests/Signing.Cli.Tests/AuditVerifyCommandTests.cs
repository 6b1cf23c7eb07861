using System.Security.Cryptography;
using Dapper;
using Microsoft.Data.Sqlite;
using Signing.Storage;
using Signing.Storage.Audit;

namespace Signing.Cli.Tests;

/// <summary>
/// <c>signing audit verify</c> on a data directory whose database someone rewrote without the audit key: each kind of
/// tampering exits 1 and says what it found. The signed checkpoint the service keeps in the data directory is written
/// here with a software key, as the service would with its token key.
/// </summary>
public sealed class AuditVerifyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-cli-audit-").FullName;

    private string Data => Path.Combine(_directory, "data");

    private string DatabaseFile => Path.Combine(Data, "signing.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("deleted tail", "deleted from the end")]
    [InlineData("deleted middle", "record 3 is missing")]
    [InlineData("edited row", "was altered")]
    [InlineData("rechained", "re-chained without the audit key")]
    [InlineData("older backup", "an older backup of the database was restored")]
    public async Task AuditVerify_DetectsTampering_Exit1(string tampering, string expected)
    {
        Assert.Equal(0, SigningCli.Run(null, "demo", "init", "--data", Data).ExitCode);
        AddRecords(2);
        var backup = Path.Combine(_directory, "backup.db");
        SqliteConnection.ClearAllPools();
        File.Copy(DatabaseFile, backup);
        AddRecords(2);
        var checkpoint = await CheckpointAsync();
        Assert.Equal(0, SigningCli.Run(null, "audit", "verify", "--data", Data).ExitCode);

        switch (tampering)
        {
            case "deleted tail":
                await ExecuteAsync($"DELETE FROM audit_log WHERE seq = {checkpoint.Seq}");
                break;
            case "deleted middle":
                await ExecuteAsync("DELETE FROM audit_log WHERE seq = 3");
                break;
            case "edited row":
                await ExecuteAsync("UPDATE audit_log SET actor = 'cli:someone-else' WHERE seq = 2");
                break;
            case "rechained":
                await RechainWithoutTheKeyAsync(fromSeq: 2);
                break;
            default:
                SqliteConnection.ClearAllPools();
                File.Copy(backup, DatabaseFile, overwrite: true);
                break;
        }

        var result = SigningCli.Run(null, "audit", "verify", "--data", Data);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("audit: BROKEN at record", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditKey_IsCreatedOutsideTheDatabase_ReadableOnlyByItsOwner()
    {
        Assert.Equal(0, SigningCli.Run(null, "demo", "init", "--data", Data).ExitCode);

        var keyFile = Path.Combine(Data, "secrets", "audit-key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var result = SigningCli.Run(null, "audit", "verify", "--data", Data);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no signed checkpoint", result.Stdout, StringComparison.Ordinal);

        // Without the key the chain cannot be checked at all: another key sees every record as foreign.
        var otherKey = Path.Combine(_directory, "other-key");
        File.WriteAllText(otherKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var wrongKey = SigningCli.Run(null, "audit", "verify", "--data", Data, "--audit-key", otherKey);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("sealed with another audit key", wrongKey.Stdout, StringComparison.Ordinal);
    }

    private void AddRecords(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(0, SigningCli.Run(null, "apikey", "create", "--client", $"dms-{Guid.NewGuid():N}", "--data", Data).ExitCode);
        }
    }

    private async Task<AuditCheckpoint> CheckpointAsync()
    {
        using var signer = new RsaSigner();
        // Disposed, so that its connection is closed before the test copies database files, as a service that stopped.
        await using var database = new SqliteDatabase($"Data Source={DatabaseFile}") { AuditCheckpointFile = Path.Combine(Data, "audit-checkpoint.json") };
        var log = new AuditLog(database, TimeProvider.System, AuditKey.LoadOrCreate(Path.Combine(Data, "secrets", "audit-key")));
        return await log.CheckpointAsync(signer, "test-node", default) ?? throw new InvalidOperationException("No checkpoint was signed.");
    }

    private async Task RechainWithoutTheKeyAsync(long fromSeq)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile}");
        var rows = (await connection.QueryAsync<(long Seq, long At, string Actor, string? AgencyId, string Action, string? Target, string Outcome,
            string? ClientAddress, string? Details, string PrevHash, string Hash)>(
            "SELECT seq, at, actor, agency_id, action, target, outcome, client_address, details, prev_hash, hash FROM audit_log ORDER BY seq")).ToList();
        var previous = rows.Single(row => row.Seq == fromSeq - 1).Hash;
        foreach (var row in rows.Where(row => row.Seq >= fromSeq))
        {
            var record = new AuditRecord(row.Seq, row.At, "cli:someone-else", row.AgencyId, row.Action, row.Target, row.Outcome,
                row.ClientAddress, row.Details, previous, "");
            var hash = AuditLog.ComputeHash(record);
            await connection.ExecuteAsync("UPDATE audit_log SET actor = @Actor, prev_hash = @PrevHash, hash = @hash WHERE seq = @Seq",
                new { record.Actor, record.PrevHash, hash, record.Seq });
            previous = hash;
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile}");
        await connection.ExecuteAsync(sql);
    }

    private sealed class RsaSigner : IAuditCheckpointSigner, IDisposable
    {
        private readonly RSA _key = RSA.Create(2048);

        public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

        public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public void Dispose() => _key.Dispose();
    }
}
