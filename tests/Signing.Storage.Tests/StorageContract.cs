using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Idempotency;
using Signing.Storage.Keys;
using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>
/// The storage behaviour both providers must share. Each provider's test class supplies a fresh,
/// empty database; everything else is identical.
/// </summary>
public abstract partial class StorageContract : IAsyncLifetime
{
    private Database? _database;

    /// <summary>Creates a fresh, empty database for one test, keeping its audit checkpoints in <see cref="CheckpointFile"/>.</summary>
    protected abstract Task<Database> CreateDatabaseAsync();

    /// <summary>A second handle on the same database, as another process would open it (no shared memory).</summary>
    protected abstract Database Reopen();

    /// <summary>Creates another fresh, empty database beside <see cref="Db"/>, which nothing migrates (for tests that migrate step by step).</summary>
    protected abstract Task<Database> CreateEmptyDatabaseAsync();

    protected Database Db => _database!;

    /// <summary>A folder for this test's files, deleted afterwards.</summary>
    protected string Files { get; } = Directory.CreateTempSubdirectory("signing-storage-files-").FullName;

    /// <summary>This node's audit checkpoint file.</summary>
    protected string CheckpointFile => Path.Combine(Files, "audit-checkpoint.json");

    /// <summary>The audit key of this test's chain (outside the database, as in production).</summary>
    protected AuditKey AuditKey { get; } = AuditKey.Generate();

    private AccountStore Accounts => new(Db, TimeProvider.System);

    private AuditLog Audit => new(Db, TimeProvider.System, AuditKey);

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        await new MigrationRunner(Db, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
    }

    public virtual Task DisposeAsync()
    {
        Directory.Delete(Files, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ForeignKeys_AreEnforced_OnEveryOpen_OfAPooledConnection()
    {
        // Three opens: on SQLite the second and third reuse the pooled handle, whose pragmas ran once, at its first open.
        for (var open = 0; open < 3; open++)
        {
            await using var connection = await Db.OpenAsync(default);
            var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(
                "INSERT INTO signature_request_steps (id, request_id, ordinal, kind, state, assignees, required_approvals) VALUES ('s', 'no-such-request', 1, 'sign', 'pending', '[]', 1)"));
            Assert.Contains("foreign key", refused.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Migrations_AreRecorded_AndNotReapplied()
    {
        var again = await new MigrationRunner(Db, NullLogger<MigrationRunner>.Instance).ApplyAsync(CancellationToken.None);
        Assert.Equal(0, again);
        await using var connection = await Db.OpenAsync(CancellationToken.None);
        var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(MigrationRunner.Embedded(Db.Provider).Select(m => m.Version), versions);
    }

    [Fact]
    public async Task Agency_User_Client_RoundTrip_WithVietnameseText()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.31.H42", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "Tỉnh Phú Thọ", default);
        var user = await Accounts.CreateUserAsync(agency.Id, "nguyenvanan", "Nguyễn Văn An", "Chủ tịch", "hash", ["official"], "ab12", default);
        var client = await Accounts.CreateClientAsync(agency.Id, "qlvb", ["caller"], null, default);

        Assert.Equal(agency, await Accounts.FindAgencyAsync(agency.Id, default));
        Assert.Equal(agency, await Accounts.FindAgencyByCodeAsync("000.00.31.H42", default));
        Assert.Equal(user, await Accounts.FindUserByUsernameAsync("nguyenvanan", default));
        Assert.Equal(user, await Accounts.FindUserByCertificateAsync("ab12", default));
        Assert.Equal(client, await Accounts.FindClientByNameAsync("qlvb", default));
        Assert.Equal([user], await Accounts.ListUsersAsync(agency.Id, default));
        Assert.Null(await Accounts.FindUserByUsernameAsync("nobody", default));
    }

    [Fact]
    public async Task DuplicateUsername_IsRejectedByTheDatabase()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.00.H01", "A", null, default);
        await Accounts.CreateUserAsync(agency.Id, "same", "One", null, null, ["clerk"], null, default);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(
            () => Accounts.CreateUserAsync(agency.Id, "same", "Two", null, null, ["clerk"], null, default));
    }

    [Fact]
    public async Task ApiKey_IsStoredAsHashOnly_AndCanBeRevoked()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.00.H02", "A", null, default);
        var client = await Accounts.CreateClientAsync(agency.Id, "portal", ["caller"], null, default);
        var (record, key) = await Accounts.CreateApiKeyAsync(client.Id, default);

        await using (var connection = await Db.OpenAsync(default))
        {
            var stored = await connection.QueryAsync<string>("SELECT key_hash FROM api_keys");
            Assert.DoesNotContain(stored, hash => hash.Contains(key, StringComparison.Ordinal));
        }

        var found = await Accounts.FindApiKeyByPrefixAsync(ApiKeySecret.PrefixOf(key)!, default);
        Assert.NotNull(found);
        Assert.True(ApiKeySecret.Matches(key, found.KeyHash));
        Assert.False(ApiKeySecret.Matches(key + "x", found.KeyHash));
        Assert.True(await Accounts.RevokeApiKeyAsync(client.Id, record.Id, default));
        Assert.False(await Accounts.RevokeApiKeyAsync(client.Id, record.Id, default));
        Assert.NotNull((await Accounts.FindApiKeyByPrefixAsync(record.Prefix, default))!.RevokedAt);
    }

    [Fact]
    public async Task Audit_IntactChain_Verifies()
    {
        for (var i = 0; i < 5; i++)
        {
            await Audit.AppendAsync(new AuditEntry("user:a", "agency-1", "sign.pdf", $"doc-{i}", AuditOutcome.Success, "127.0.0.1"), default);
        }

        var verification = await Audit.VerifyAsync(default);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(5, verification.RecordsChecked);
    }

    [Fact]
    public async Task Audit_EditedRecord_IsDetected()
    {
        await AppendAsync(5);
        await ExecuteAsync("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3");
        var verification = await Audit.VerifyAsync(default);
        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBrokenSeq);
        Assert.Contains("altered", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_DeletedRecord_IsDetected()
    {
        await AppendAsync(5);
        await ExecuteAsync("DELETE FROM audit_log WHERE seq = 2");
        var verification = await Audit.VerifyAsync(default);
        Assert.False(verification.Intact);
        Assert.Equal(2, verification.FirstBrokenSeq);
        Assert.Contains("missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_ReorderedRecords_AreDetected()
    {
        await AppendAsync(5);
        // Swap the content of records 2 and 4 while keeping sequence numbers dense.
        await ExecuteAsync("UPDATE audit_log SET seq = 100 WHERE seq = 2");
        await ExecuteAsync("UPDATE audit_log SET seq = 2 WHERE seq = 4");
        await ExecuteAsync("UPDATE audit_log SET seq = 4 WHERE seq = 100");
        var verification = await Audit.VerifyAsync(default);
        Assert.False(verification.Intact);
        Assert.Equal(2, verification.FirstBrokenSeq);
    }

    [Fact]
    public async Task Audit_ConcurrentAppends_KeepTheChainDense()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await Audit.AppendAsync(new AuditEntry($"client:{worker}", null, "verify.pdf", null, AuditOutcome.Success, null), default);
            }
        })));
        var verification = await Audit.VerifyAsync(default);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(100, verification.RecordsChecked);
    }

    [Fact]
    public async Task Audit_ReadsAreScopedToTheAgency()
    {
        await Audit.AppendAsync(new AuditEntry("user:a", "agency-a", "x", null, AuditOutcome.Success, null), default);
        await Audit.AppendAsync(new AuditEntry("user:b", "agency-b", "x", null, AuditOutcome.Success, null), default);
        var records = await Audit.ReadAsync("agency-a", 0, 100, default);
        Assert.Equal("user:a", Assert.Single(records).Actor);
    }

    [Fact]
    public async Task Idempotency_ClaimReplayMismatchAndRelease()
    {
        var store = new IdempotencyStore(Db, TimeProvider.System);
        var window = TimeSpan.FromHours(1);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "k", "h1", window, window, default)).Claim);
        Assert.Equal(IdempotencyStore.Claim.InProgress, (await store.ClaimAsync("p", "k", "h1", window, window, default)).Claim);
        Assert.Equal(IdempotencyStore.Claim.Mismatch, (await store.ClaimAsync("p", "k", "h2", window, window, default)).Claim);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("other", "k", "h1", window, window, default)).Claim);

        await store.CompleteAsync("p", "k", new IdempotentReply(201, "application/json", "{}", [1, 2, 3]), default);
        var (claim, reply) = await store.ClaimAsync("p", "k", "h1", window, window, default);
        Assert.Equal(IdempotencyStore.Claim.Replay, claim);
        Assert.Equal(201, reply!.StatusCode);
        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Body);

        await store.ReleaseAsync("other", "k", default);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("other", "k", "h3", window, window, default)).Claim);
    }

    [Fact]
    public async Task SigningKeys_RegisterGrantListDisable()
    {
        var keys = new SigningKeyStore(Db, TimeProvider.System);
        var agency = await Accounts.CreateAgencyAsync("000.00.00.H09", "A", null, default);
        var client = await Accounts.CreateClientAsync(agency.Id, "dms", ["caller"], null, default);
        using var certificate = TestCertificates.Current("CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, O=ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ, C=VN");
        var key = await keys.CreateAsync(agency.Id, null, KeyPurpose.AgencySeal, KeyLocation.Pkcs11,
            "pkcs11:token=dev;object=seal;type=private", certificate, null, default);

        var (found, granted) = await keys.FindForClientAsync(key.Id, client.Id, default);
        Assert.Equal(key.Id, found?.Id);
        Assert.False(granted);
        await keys.GrantAsync(key.Id, client.Id, default);
        await keys.GrantAsync(key.Id, client.Id, default);
        (found, granted) = await keys.FindForClientAsync(key.Id, client.Id, default);
        Assert.Equal(certificate.RawData, found?.Certificate);
        Assert.True(granted);
        Assert.False((await keys.FindForClientAsync(key.Id, "another-client", default)).Granted);
        Assert.Equal((null, false), await keys.FindForClientAsync("no-such-key", client.Id, default));
        var listed = Assert.Single(await keys.ListForClientAsync(client.Id, default));
        Assert.Equal(certificate.RawData, listed.Certificate);
        Assert.Equal(certificate.Subject, listed.Subject);
        Assert.Null(listed.UnusableReason(DateTimeOffset.UtcNow));

        Assert.True(await keys.DisableAsync(key.Id, default));
        Assert.False(await keys.DisableAsync(key.Id, default));
        Assert.Equal("The key is disabled.", (await keys.FindAsync(key.Id, default))!.UnusableReason(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Idempotency_AnAbandonedClaim_IsTakenOverAfterItsLease()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new IdempotencyStore(Db, clock);
        var window = TimeSpan.FromHours(24);
        var lease = TimeSpan.FromMinutes(10);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "crashed", "h", window, lease, default)).Claim);
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(IdempotencyStore.Claim.InProgress, (await store.ClaimAsync("p", "crashed", "h", window, lease, default)).Claim);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "crashed", "h", window, lease, default)).Claim);
    }

    private async Task AppendAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Audit.AppendAsync(new AuditEntry("user:a", "agency-1", "sign.pdf", $"doc-{i}", AuditOutcome.Success, null), default);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await Db.OpenAsync(default);
        await connection.ExecuteAsync(sql);
    }
}
