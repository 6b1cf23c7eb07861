using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Signing.Storage.Certificates;
using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>
/// The migration that began the certificate status history, run on a database that already holds certificates: each gets
/// exactly one <c>migrated</c> row with the status it held, and the store's later changes follow it.
/// </summary>
public abstract partial class StorageContract
{
    private const string HistoryMigration = "certificate_status_changes";

    [Fact]
    public async Task StatusHistoryMigration_BackfillsOneMigratedRowPerCertificate_AndLaterChangesFollowIt()
    {
        var database = await CreateEmptyDatabaseAsync();
        var migrations = MigrationRunner.Embedded(database.Provider);
        var history = migrations.Single(m => m.Name == HistoryMigration).Version;
        await ApplyBeforeAsync(database, history);

        // An inventory as it stood before the history table: one certificate in each status, written in that schema.
        var agencyId = CertificateStore.NewId();
        var created = DateTimeOffset.UtcNow.AddDays(-100).ToUnixTimeMilliseconds();
        var ids = CertificateStatuses.All.ToDictionary(status => status, _ => CertificateStore.NewId());
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync(
                "INSERT INTO agencies (id, code, name, province, created_at) VALUES (@agencyId, '000.00.31.H42', 'UBND xã Hòa Bình', 'Tỉnh Phú Thọ', @created)",
                new { agencyId, created });
            var serial = 0;
            foreach (var (status, id) in ids)
            {
                // Each entered the inventory a minute after the previous one and was last updated a day later.
                var createdAt = created + (++serial * 60_000L);
                await connection.ExecuteAsync(
                    "INSERT INTO certificates (id, agency_id, kind, status, source, subject, common_name, issuer, serial, not_before, not_after, " +
                    "key_algorithm, revoked_at, revocation_reason, superseded_by_id, search_text, created_at, updated_at) VALUES (@id, @agencyId, " +
                    "'individual', @status, 'upload', 'CN=Nguyễn Văn An, C=VN', 'Nguyễn Văn An', 'CN=CA phục vụ các cơ quan Nhà nước G2', @serialText, " +
                    "@notBefore, @notAfter, 'RSA-2048', @revokedAt, @reason, @supersededBy, 'nguyen van an', @createdAt, @updatedAt)",
                    new
                    {
                        id,
                        agencyId,
                        status,
                        serialText = $"01A{serial}",
                        notBefore = created - 1000,
                        notAfter = status == CertificateStatuses.Expired ? created + 86_400_000L : created + (400L * 86_400_000),
                        revokedAt = status == CertificateStatuses.Revoked ? (long?)(created + 86_400_000L) : null,
                        reason = status == CertificateStatuses.Revoked ? "KeyCompromise" : null,
                        supersededBy = status == CertificateStatuses.Superseded ? ids[CertificateStatuses.Active] : null,
                        createdAt,
                        updatedAt = createdAt + 86_400_000L,
                    });
            }
        }

        // The runner applies what is left, the history migration among it, and then has everything recorded.
        var applied = await new MigrationRunner(database, NullLogger<MigrationRunner>.Instance).ApplyAsync(default);
        Assert.Equal(migrations.Count(m => m.Version >= history), applied);
        await using (var connection = await database.OpenAsync(default))
        {
            Assert.Equal(migrations.Select(m => m.Version), await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
            Assert.Equal(ids.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM certificate_status_changes"));
        }

        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new CertificateStore(database, clock);
        foreach (var (status, id) in ids)
        {
            var record = (await store.FindAsync(id, default))!;
            Assert.Equal(
                [new CertificateStatusChange(id, 1, null, status, record.CreatedAt, "system:migration", StatusReasons.Migrated)],
                await store.StatusChangesAsync(id, default));
        }

        // Changes made after the migration come after its row, from the status it recorded.
        var watch = "system:certificate-watch";
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await database.BeginWriteAsync("certificates", default))
        {
            Assert.True(await store.MarkAlertedAsync(tx, ids[CertificateStatuses.Active], CertificateStatuses.Active, null, 60,
                new StatusCause(watch, StatusReasons.Of(StatusReasons.Expiring, "60")), default));
            Assert.True(await store.MarkRevokedAsync(tx, ids[CertificateStatuses.Expiring], CertificateStatuses.Live, now, "Superseded",
                new StatusCause(watch, StatusReasons.Of(StatusReasons.Revoked, "Superseded")), default));
            // A revoked certificate stays revoked: no change, no row.
            Assert.False(await store.MarkRevokedAsync(tx, ids[CertificateStatuses.Revoked], CertificateStatuses.Live, now, null, new StatusCause(watch), default));
            await tx.CommitAsync(default);
        }

        var active = await store.StatusChangesAsync(ids[CertificateStatuses.Active], default);
        Assert.Equal([StatusReasons.Migrated, "expiring:60"], active.Select(c => c.Reason));
        Assert.Equal(
            new CertificateStatusChange(ids[CertificateStatuses.Active], 2, CertificateStatuses.Active, CertificateStatuses.Expiring, now, watch, "expiring:60"),
            active[1]);
        Assert.Equal(
            [(1L, (string?)null, CertificateStatuses.Expiring, StatusReasons.Migrated), (2L, CertificateStatuses.Expiring, CertificateStatuses.Revoked, "revoked:Superseded")],
            (await store.StatusChangesAsync(ids[CertificateStatuses.Expiring], default)).Select(c => (c.Seq, c.OldStatus, c.NewStatus, c.Reason!)));
        Assert.Single(await store.StatusChangesAsync(ids[CertificateStatuses.Revoked], default));
    }

    // Brings a fresh database up to (not including) migration `version` as MigrationRunner.ApplyAsync does: each
    // embedded script in its own transaction, recorded in schema_migrations, so that the runner later applies only the rest.
    private static async Task ApplyBeforeAsync(Database database, long version)
    {
        await using var connection = await database.OpenAsync(default);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        foreach (var migration in MigrationRunner.Embedded(database.Provider).Where(m => m.Version < version))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(migration.Sql, transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
            await transaction.CommitAsync();
        }

        var tables = database.Provider == StorageProvider.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(tables, new { name = HistoryMigration }));
    }
}
