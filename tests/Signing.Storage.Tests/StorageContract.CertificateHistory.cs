using Signing.Storage.Certificates;
using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>A certificate's status history: every change the store makes, in order, in the transaction that makes it.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task CertificateStatusChanges_AreRecordedInOrder_AndOnlyWhenTheStatusChanges()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new CertificateStore(Db, clock);
        var agency = await Accounts.CreateAgencyAsync("000.00.31.H42", "UBND xã Hòa Bình", null, default);
        var first = Certificate(agency.Id, "01A1", clock);
        var second = Certificate(agency.Id, "01A2", clock);
        var admin = new StatusCause("user:chungthu", StatusReasons.Of(StatusReasons.Added, "upload"));
        var watch = "system:certificate-watch";

        Assert.True(await store.InsertAsync(first, admin, default));
        Assert.False(await store.InsertAsync(first, admin, default));
        await using (var tx = await Db.BeginWriteAsync("certificates", default))
        {
            Assert.True(await store.InsertAsync(tx, second, admin, default));
            await tx.CommitAsync(default);
        }

        // active → expiring at 60 days; the 30-day alert keeps it expiring, which is no change of status.
        clock.Advance(TimeSpan.FromMinutes(1));
        await InTransactionAsync(tx => store.MarkAlertedAsync(tx, first.Id, CertificateStatuses.Active, null, 60, new StatusCause(watch, "expiring:60"), default));
        clock.Advance(TimeSpan.FromMinutes(1));
        await InTransactionAsync(tx => store.MarkAlertedAsync(tx, first.Id, CertificateStatuses.Expiring, 60, 30, new StatusCause(watch, "expiring:30"), default));

        // A writer that read an old status moves nothing and records nothing.
        await InTransactionAsync(tx => store.SetStatusAsync(tx, first.Id, CertificateStatuses.Active, CertificateStatuses.Expired, 30, new StatusCause(watch), default), expected: false);

        // A change rolled back leaves no history either.
        await using (var tx = await Db.BeginWriteAsync($"certificate:{first.Id}", default))
        {
            Assert.True(await store.SetStatusAsync(tx, first.Id, CertificateStatuses.Expiring, CertificateStatuses.Expired, 30, new StatusCause(watch), default));
        }

        // Replaced by the second, which is then revoked by its CA; a revoked certificate is superseded no more.
        clock.Advance(TimeSpan.FromMinutes(1));
        await InTransactionAsync(tx => store.SupersedeAsync(tx, first.Id, second.Id, new StatusCause("user:chungthu", $"superseded:{second.Id}"), default));
        clock.Advance(TimeSpan.FromMinutes(1));
        await InTransactionAsync(tx => store.MarkRevokedAsync(tx, second.Id, CertificateStatuses.Live, clock.GetUtcNow().ToUnixTimeMilliseconds(), "KeyCompromise",
            new StatusCause(watch, "revoked:KeyCompromise"), default));
        await InTransactionAsync(tx => store.SupersedeAsync(tx, second.Id, first.Id, new StatusCause("user:chungthu"), default), expected: false);
        await InTransactionAsync(tx => store.MarkRevokedAsync(tx, second.Id, CertificateStatuses.Live, 0, null, new StatusCause(watch), default), expected: false);

        var start = first.CreatedAt;
        Assert.Equal(
        [
            new CertificateStatusChange(first.Id, 1, null, CertificateStatuses.Active, start, "user:chungthu", "added:upload"),
            new CertificateStatusChange(first.Id, 2, CertificateStatuses.Active, CertificateStatuses.Expiring, start + 60_000, watch, "expiring:60"),
            new CertificateStatusChange(first.Id, 3, CertificateStatuses.Expiring, CertificateStatuses.Superseded, start + 180_000, "user:chungthu", $"superseded:{second.Id}"),
        ], await store.StatusChangesAsync(first.Id, default));
        Assert.Equal(
        [
            new CertificateStatusChange(second.Id, 1, null, CertificateStatuses.Active, start, "user:chungthu", "added:upload"),
            new CertificateStatusChange(second.Id, 2, CertificateStatuses.Active, CertificateStatuses.Revoked, start + 240_000, watch, "revoked:KeyCompromise"),
        ], await store.StatusChangesAsync(second.Id, default));

        // The record says the same as its last change.
        Assert.Equal(CertificateStatuses.Superseded, (await store.FindAsync(first.Id, default))!.Status);
        Assert.Equal(30, (await store.FindAsync(first.Id, default))!.AlertedDays);
        Assert.Equal(CertificateStatuses.Revoked, (await store.FindAsync(second.Id, default))!.Status);
        Assert.Equal(("revoked", (string?)"KeyCompromise"), StatusReasons.Parse("revoked:KeyCompromise"));
    }

    private async Task InTransactionAsync(Func<StorageTransaction, Task<bool>> change, bool expected = true)
    {
        await using var tx = await Db.BeginWriteAsync("certificates", default);
        Assert.Equal(expected, await change(tx));
        await tx.CommitAsync(default);
    }

    private static CertificateRecord Certificate(string agencyId, string serial, TimeProvider clock)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return new CertificateRecord(CertificateStore.NewId(), agencyId, CertificateKinds.Individual, CertificateStatuses.Active, "upload", null, null,
            "CN=Nguyễn Văn An, O=UBND xã Hòa Bình, C=VN", "Nguyễn Văn An", null, "UBND xã Hòa Bình", null, null, null,
            "CN=CA phục vụ các cơ quan Nhà nước G2", serial, now - 1000, now + (90L * 86_400_000), "RSA-2048", null, null, null, null, null, null, null, null,
            null, null, null, "nguyen van an", now, now);
    }
}
