using Dapper;
using Signing.Storage.Idempotency;
using Signing.Storage.Nodes;
using Signing.Storage.Results;
using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>Idempotency keys owned by nodes, and replies too large to replay kept by id.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task Idempotency_AClaimOfANodeThatStoppedBeating_IsFreeWithinItsDeadAfter_NotItsLease()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var nodes = new NodeStore(Db, clock);
        var store = new IdempotencyStore(Db, clock);
        var window = TimeSpan.FromHours(24);
        var lease = TimeSpan.FromMinutes(10);
        var deadAfter = TimeSpan.FromSeconds(6);
        await nodes.BeatAsync("crashed-node", "host/1", default);
        await nodes.BeatAsync("live-node", "host/2", default);

        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "k", "h", window, lease, "crashed-node", deadAfter, default)).Claim);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "slow", "h", window, lease, "live-node", deadAfter, default)).Claim);

        // Within its dead-after the owner may just be slow.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(IdempotencyStore.Claim.InProgress, (await store.ClaimAsync("p", "k", "h", window, lease, "live-node", deadAfter, default)).Claim);

        // The live node keeps beating; the crashed one does not.
        clock.Advance(TimeSpan.FromSeconds(2));
        await nodes.BeatAsync("live-node", "host/2", default);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "k", "h", window, lease, "live-node", deadAfter, default)).Claim);
        Assert.Equal(IdempotencyStore.Claim.InProgress, (await store.ClaimAsync("p", "slow", "h", window, lease, "other", deadAfter, default)).Claim);

        // A node that stopped cleanly removed its row: its claims are free at once.
        await nodes.RemoveAsync("live-node", default);
        Assert.Equal(IdempotencyStore.Claim.Started, (await store.ClaimAsync("p", "slow", "h", window, lease, "other", deadAfter, default)).Claim);
    }

    [Fact]
    public async Task Idempotency_AReplyStoredAsAResult_IsReplayedAsItsId()
    {
        var store = new IdempotencyStore(Db, TimeProvider.System);
        var window = TimeSpan.FromHours(1);
        await store.ClaimAsync("p", "big", "h", window, window, default);
        await using (var transaction = await Db.BeginWriteAsync("idempotency:p", default))
        {
            await store.CompleteAsync(transaction, "p", "big", new IdempotentReply(200, "application/pdf", "{}", null) { ResultId = "sig-1" }, default);
            await transaction.CommitAsync(default);
        }

        var (claim, reply) = await store.ClaimAsync("p", "big", "h", window, window, default);

        Assert.Equal(IdempotencyStore.Claim.Replay, claim);
        Assert.Equal("sig-1", reply!.ResultId);
        Assert.Null(reply.Body);
    }

    [Fact]
    public async Task StoredResults_RoundTripInChunks_AndExpire()
    {
        var results = new StoredResultStore(Db, TimeProvider.System);
        var content = new byte[(StoredResultStore.ChunkBytes * 2) + 12345];
        Random.Shared.NextBytes(content);

        var saved = await results.SaveAsync("op-1", "client-a", "application/pdf", "{\"X-Signature-Id\":\"op-1\"}", new MemoryStream(content), default);

        Assert.Equal(content.Length, saved.Length);
        Assert.Equal(saved, await results.FindAsync("op-1", default));
        using var copy = new MemoryStream();
        await results.CopyToAsync("op-1", copy, default);
        Assert.Equal(content, copy.ToArray());
        await using (var connection = await Db.OpenAsync(default))
        {
            Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stored_result_chunks WHERE result_id = 'op-1'"));
        }

        Assert.Equal(1, await results.DeleteOlderThanAsync(saved.CreatedAt + 1, default));
        Assert.Null(await results.FindAsync("op-1", default));
    }
}
