using System.Security.Cryptography;
using Dapper;
using Signing.Storage.Requests;

namespace Signing.Storage.Tests;

/// <summary>Read snapshots: several statements that see the database as of one moment, and a request read as one.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task Snapshot_KeepsSeeingTheDatabaseAsOfItsFirstRead_WhileAnotherConnectionCommits_AndBlocksNoWriter()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.34.H42", "UBND xã Tân Lập", null, default);
        var store = new SignatureRequestStore(Db);
        await using (var tx = await Db.BeginWriteAsync("request:s1", default))
        {
            await store.InsertAsync(tx, InProgressRequest("s1", agency.Id), null, default);
            await store.AppendHistoryAsync(tx, new HistoryEntry(0, "s1", null, 1, "user:u1", "submit", null, null, null, null), default);
            await tx.CommitAsync(default);
        }

        await using var reader = await Db.OpenAsync(default);
        await using var snapshot = await Db.BeginSnapshotAsync(reader, default);
        Assert.Equal(1, await HistoryCountAsync(reader, snapshot));

        // The writer does not wait for the open snapshot: it takes its turn and commits at once.
        var write = Task.Run(async () =>
        {
            await using var tx = await Db.BeginWriteAsync("request:s1", default);
            await store.AppendHistoryAsync(tx, new HistoryEntry(0, "s1", null, 2, "user:u1", "comment", null, null, null, "Đã xem"), default);
            await tx.CommitAsync(default);
        });
        Assert.Same(write, await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(20))));
        await write;

        Assert.Equal(1, await HistoryCountAsync(reader, snapshot));
        await snapshot.CommitAsync();
        Assert.Equal(2, await HistoryCountAsync(reader, null));
    }

    [Fact]
    public async Task RequestSnapshot_HoldsTheRequestItsStepsDocumentsHistoryAndApprovals_OrNullForAnUnknownId()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.35.H42", "UBND xã Tân Hòa", null, default);
        var store = new SignatureRequestStore(Db);
        var pdf = RandomNumberGenerator.GetBytes(2_000);
        await using (var tx = await Db.BeginWriteAsync("request:s2", default))
        {
            await store.InsertAsync(tx, InProgressRequest("s2", agency.Id), null, default);
            await store.InsertStepAsync(tx, SnapshotStep("s2-review", "s2", 0, "review"), default);
            await store.InsertStepAsync(tx, SnapshotStep("s2-sign", "s2", 1, "sign"), default);
            await store.ApproveAsync(tx, "s2-review", "u2", 10, default);
            await store.ApproveAsync(tx, "s2-review", "u3", 11, default);
            await store.InsertDocumentAsync(tx, new RequestDocument("s2", 0, 0, "main", "cong-van.pdf", Convert.ToHexStringLower(SHA256.HashData(pdf)),
                pdf.Length, 0, null, 1), pdf, null, default);
            await store.AppendHistoryAsync(tx, new HistoryEntry(0, "s2", null, 1, "user:u1", "submit", null, null, null, null), default);
            await store.AppendHistoryAsync(tx, new HistoryEntry(0, "s2", "s2-review", 10, "user:u2", "approve", null, null, null, null), default);
            await tx.CommitAsync(default);
        }

        Assert.Null(await store.SnapshotAsync("no-such-request", default));

        var read = await store.SnapshotAsync("s2", default);
        Assert.NotNull(read);
        Assert.Equal("s2", read.Request.Id);
        Assert.Equal(["s2-review", "s2-sign"], read.Steps.Select(step => step.Id));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), Assert.Single(read.Documents).Sha256);
        Assert.Equal(["submit", "approve"], read.History.Select(entry => entry.Action));
        Assert.Equal(["u2", "u3"], read.ApprovalsOf("s2-review"));
        Assert.Empty(read.ApprovalsOf("s2-sign"));
    }

    private static async Task<long> HistoryCountAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
        => await connection.QuerySingleAsync<long>("SELECT COUNT(*) FROM signature_request_history WHERE request_id = 's1'", transaction: transaction);

    private static RequestStep SnapshotStep(string id, string requestId, long ordinal, string kind)
        => new(id, requestId, ordinal, kind, ordinal == 0 ? "active" : "pending", "user:u2,user:u3", 2, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, ordinal == 0 ? 1 : null, null);
}
