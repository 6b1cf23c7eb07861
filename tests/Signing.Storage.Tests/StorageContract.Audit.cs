using System.Security.Cryptography;
using Dapper;
using Signing.Storage.Audit;

namespace Signing.Storage.Tests;

/// <summary>
/// The audit chain against someone who can write the database but holds neither the audit key (a file outside the
/// database) nor the token key that signs checkpoints: each way of rewriting history is detected, on both providers.
/// </summary>
public abstract partial class StorageContract
{
    private readonly RsaCheckpointSigner _signer = new();

    [Fact]
    public async Task Audit_DeletingTheLastRecord_IsDetected()
    {
        await AppendAsync(5);
        Assert.NotNull(await Audit.CheckpointAsync(_signer, "node-1", default));
        await ExecuteAsync("DELETE FROM audit_log WHERE seq = 5");

        // Another process, which never saw record 5: the checkpoint file outside the database still says it existed.
        var verification = await new AuditLog(Reopen(), TimeProvider.System, AuditKey).VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBrokenSeq);
        Assert.Contains("deleted from the end", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(5, verification.CheckpointSeq);
    }

    [Fact]
    public async Task Audit_CheckpointsAskedForAtOnce_SignTheHeadOnce_AndLeaveAReadableFile()
    {
        // The periodic checkpoint and the one at shutdown can run together: they take turns, so the second finds the
        // head already signed, and the file is never written by two at once.
        for (var round = 1; round <= 3; round++)
        {
            await AppendAsync(round * 7);
            var made = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Audit.CheckpointAsync(_signer, $"node-{round}", default))));

            var checkpoint = Assert.Single(made, c => c is not null)!;
            Assert.Equal(checkpoint, AuditCheckpointFile.Read(CheckpointFile));
        }
    }

    [Fact]
    public async Task Audit_CheckpointsAndVerifications_WhileTheNodeKeepsAppending_FindTheChainIntact()
    {
        // Under load, records keep committing while a checkpoint or a verification walks the chain. What they compare
        // the walk with (the highest record this node committed, the checkpoints signed) must be read before the walk:
        // read after it, it covers records the walk never reached, and an intact log reads as cut short.
        await AppendAsync(50);
        using var appending = new CancellationTokenSource();
        var appended = 0;
        var writer = Task.Run(async () =>
        {
            while (!appending.IsCancellationRequested)
            {
                await Audit.AppendAsync(new AuditEntry("user:a", "agency-1", "sign.pdf", $"doc-{appended}", AuditOutcome.Success, null), default);
                Interlocked.Increment(ref appended);
                // Paced, so that the chain each round walks stays short.
                await Task.Delay(1);
            }
        });

        var checkpoints = 0;
        try
        {
            for (var round = 0; round < 10; round++)
            {
                // Each round starts once the writer has committed more, so that it is still appending during the walk.
                var before = Volatile.Read(ref appended);
                while (Volatile.Read(ref appended) == before && !writer.IsCompleted)
                {
                    await Task.Delay(1);
                }

                checkpoints += await Audit.CheckpointAsync(_signer, "node-1", default) is null ? 0 : 1;
                var verification = await Audit.VerifyAsync(default);
                Assert.True(verification.Intact, verification.Problem);
            }
        }
        finally
        {
            await appending.CancelAsync();
            await writer;
        }

        Assert.Equal(10, checkpoints);
        Assert.True((await Audit.VerifyAsync(default)).Intact);
    }

    [Fact]
    public async Task Audit_DeletingTheLastRecord_IsDetectedByTheNodeThatWroteIt_EvenBeforeACheckpoint()
    {
        await AppendAsync(3);
        await ExecuteAsync("DELETE FROM audit_log WHERE seq = 3");

        var verification = await Audit.VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Contains("this node committed record 3", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_DeletingAMiddleRecord_IsDetected()
    {
        await AppendAsync(6);
        Assert.NotNull(await Audit.CheckpointAsync(_signer, "node-1", default));
        await ExecuteAsync("DELETE FROM audit_log WHERE seq = 3");

        var verification = await new AuditLog(Reopen(), TimeProvider.System, AuditKey).VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBrokenSeq);
        Assert.Contains("record 3 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_AnEditedRecord_IsDetected_EvenWithItsPlainHashRecomputed()
    {
        await AppendAsync(5);
        var record = (await Audit.ReadAsync(null, 2, 1, default))[0];
        var edited = record with { Outcome = AuditOutcome.Denied };
        await UpdateAsync(edited with { Hash = AuditLog.ComputeHash(edited) });

        var verification = await Audit.VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBrokenSeq);
        Assert.Contains("was altered", verification.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha-256")]
    [InlineData("another key")]
    public async Task Audit_RecordsRechainedWithoutTheKey_AreDetected(string rechainedWith)
    {
        // The report's attack: rewrite a stretch of records and recompute every later hash so that the links hold.
        await AppendAsync(8);
        var guessed = AuditKey.Generate();
        var records = await Audit.ReadAsync(null, 0, 100, default);
        var previous = records[2].Hash;
        foreach (var record in records.Skip(3))
        {
            var rewritten = record with { PrevHash = previous, Actor = "user:someone-else" };
            rewritten = rewritten with
            {
                Hash = rechainedWith == "sha-256" ? AuditLog.ComputeHash(rewritten) : AuditLog.ComputeSeal(guessed, rewritten),
                KeyId = rechainedWith == "sha-256" ? rewritten.KeyId : guessed.Id,
            };
            await UpdateAsync(rewritten);
            previous = rewritten.Hash;
        }

        var verification = await new AuditLog(Reopen(), TimeProvider.System, AuditKey).VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
        Assert.Contains(rechainedWith == "sha-256" ? "re-chained without the audit key" : "sealed with another audit key",
            verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_ADatabaseRestoredFromAnOlderBackup_IsDetected()
    {
        await AppendAsync(4);
        var backup = await SnapshotAsync();
        await AppendAsync(4);
        Assert.Equal(8, (await Audit.CheckpointAsync(_signer, "node-1", default))!.Seq);

        await RestoreAsync(backup);
        var restored = new AuditLog(Reopen(), TimeProvider.System, AuditKey);
        var verification = await restored.VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Contains("an older backup of the database was restored", verification.Problem, StringComparison.Ordinal);

        // Appending to the restored copy does not paper over it: the checkpoint's record differs, and numbers move on.
        var next = await restored.AppendAsync(new AuditEntry("user:a", null, "after.restore", null, AuditOutcome.Success, null), default);
        Assert.Equal(9, next.Seq);
        Assert.False((await restored.VerifyAsync(default)).Intact);
    }

    [Fact]
    public async Task Audit_SequenceNumbersNeverRepeat_AfterTheTailIsDeleted()
    {
        await AppendAsync(5);
        await ExecuteAsync("DELETE FROM audit_log WHERE seq >= 4");

        var next = await Audit.AppendAsync(new AuditEntry("user:a", null, "next", null, AuditOutcome.Success, null), default);

        Assert.Equal(6, next.Seq);
        Assert.Equal([1L, 2, 3, 6], (await Audit.ReadAsync(null, 0, 100, default)).Select(record => record.Seq));
        var verification = await Audit.VerifyAsync(default);
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
    }

    [Fact]
    public async Task Audit_ARestartedNode_ContinuesAboveTheCheckpoint_WhenTheTailWasDeleted()
    {
        await AppendAsync(5);
        Assert.NotNull(await Audit.CheckpointAsync(_signer, "node-1", default));
        await ExecuteAsync("DELETE FROM audit_log WHERE seq >= 4");

        var restarted = new AuditLog(Reopen(), TimeProvider.System, AuditKey);
        var next = await restarted.AppendAsync(new AuditEntry("user:a", null, "next", null, AuditOutcome.Success, null), default);

        Assert.Equal(6, next.Seq);
        var verification = await restarted.VerifyAsync(default);
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
    }

    [Fact]
    public async Task Audit_ACheckpointNeverVouchesForALogThatLostRecords()
    {
        await AppendAsync(3);
        Assert.NotNull(await Audit.CheckpointAsync(_signer, "node-1", default));
        await ExecuteAsync("DELETE FROM audit_log WHERE seq = 3");

        await Assert.ThrowsAsync<AuditChainBrokenException>(() => new AuditLog(Reopen(), TimeProvider.System, AuditKey).CheckpointAsync(_signer, "node-1", default));
        Assert.Equal(3, AuditCheckpointFile.Read(CheckpointFile)!.Seq);
    }

    [Fact]
    public async Task Audit_Checkpoints_AreSigned_StoredInTheDatabaseAndTheFile_AndSkippedWhenNothingChanged()
    {
        await AppendAsync(2);
        var first = await Audit.CheckpointAsync(_signer, "node-1", default);
        Assert.NotNull(first);
        Assert.True(first.SignatureIsValid(_signer.PublicKey));
        Assert.Equal(first, AuditCheckpointFile.Read(CheckpointFile));
        Assert.Null(await Audit.CheckpointAsync(_signer, "node-1", default));
        await AppendAsync(1);
        var second = await Audit.CheckpointAsync(_signer, "node-1", default);
        Assert.Equal(3, second!.Seq);

        await using var connection = await Db.OpenAsync(default);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_checkpoints"));
        var verification = await Audit.VerifyAsync(null, _signer.PublicKey, default);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(3, verification.CheckpointSeq);

        // A checkpoint file signed by anyone else is refused when the service knows its checkpoint key.
        using var other = new RsaCheckpointSigner();
        Assert.False((await Audit.VerifyAsync(null, other.PublicKey, default)).Intact);
    }

    [Fact]
    public async Task Audit_ConcurrentAppends_AreCommittedInGroups_EachCallerGetsItsOwnRecord()
    {
        var log = Audit;
        var commitsBefore = log.Commits;
        Task<AuditRecord>[] appends;
        // Hold the chain's lock, as a long workflow transaction would, while 40 appends arrive.
        await using (var holder = await Db.BeginWriteAsync("audit_log", default))
        {
            await Db.LockAsync(holder, "audit_log", default);
            appends = [.. Enumerable.Range(0, 40).Select(i => Task.Run(() =>
                log.AppendAsync(new AuditEntry($"client:{i}", null, "sign.pdf", $"doc-{i}", AuditOutcome.Success, null), default)))];
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (log.PendingAppends < 40 && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }

            Assert.Equal(40, log.PendingAppends);
        }

        var records = await Task.WhenAll(appends);

        // Whoever took the turn first wrote what had queued by then; everything that queued behind it went in one more.
        Assert.InRange(log.Commits - commitsBefore, 1, 2);
        Assert.Equal(40, records.Select(record => record.Seq).Distinct().Count());
        Assert.All(records.Select((record, i) => (record, i)), pair => Assert.Equal($"doc-{pair.i}", pair.record.Target));
        var verification = await log.VerifyAsync(default);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(40, verification.RecordsChecked);
    }

    [Fact]
    public async Task Audit_AnAppendInsideAWorkflowTransaction_CommitsOrRollsBackWithIt()
    {
        await AppendAsync(1);
        await using (var rolledBack = await Db.BeginWriteAsync("request:1", default))
        {
            await Audit.AppendAsync(rolledBack, new AuditEntry("user:a", null, "request.sign", "1", AuditOutcome.Success, null), default);
        }

        await using (var committed = await Db.BeginWriteAsync("request:2", default))
        {
            var record = await Audit.AppendAsync(committed, new AuditEntry("user:a", null, "request.sign", "2", AuditOutcome.Success, null), default);
            Assert.Equal(2, record.Seq);
            await committed.CommitAsync(default);
        }

        await AppendAsync(1);
        var records = await Audit.ReadAsync(null, 0, 100, default);
        Assert.Equal(["doc-0", "2", "doc-0"], records.Select(record => record.Target));
        Assert.True((await Audit.VerifyAsync(default)).Intact);
        Assert.Equal(3, Audit.HighestCommitted);
    }

    [Fact]
    public async Task Audit_RecordsWrittenBeforeTheKey_AreSealedOnce_AndATamperedHistoryIsNot()
    {
        await InsertUnsealedAsync(3);
        await Audit.SealEarlierRecordsAsync(default);
        await AppendAsync(1);

        var records = await Audit.ReadAsync(null, 0, 100, default);
        Assert.Equal(5, records.Count);
        Assert.Equal(AuditLog.SealedAction, records[3].Action);
        Assert.All(records, record => Assert.Equal(AuditKey.Id, record.KeyId));
        Assert.True((await Audit.VerifyAsync(default)).Intact);
    }

    [Fact]
    public async Task Audit_ATamperedUnsealedHistory_IsLeftUnsealed_AndReported()
    {
        await InsertUnsealedAsync(3);
        await ExecuteAsync("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2");
        await Audit.SealEarlierRecordsAsync(default);

        var verification = await Audit.VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Equal(1, verification.FirstBrokenSeq);
        Assert.Contains("not sealed", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_AnAgencysVerification_CountsOnlyItsOwnRecords()
    {
        await Audit.AppendAsync(new AuditEntry("user:a", "agency-a", "x", null, AuditOutcome.Success, null), default);
        await Audit.AppendAsync(new AuditEntry("user:b", "agency-b", "x", null, AuditOutcome.Success, null), default);
        await Audit.AppendAsync(new AuditEntry("user:b", "agency-b", "x", null, AuditOutcome.Success, null), default);

        var verification = await Audit.VerifyAsync("agency-a", null, default);

        Assert.True(verification.Intact);
        Assert.Equal(1, verification.RecordsChecked);
        Assert.Equal(3, (await Audit.VerifyAsync(default)).RecordsChecked);
    }

    private async Task UpdateAsync(AuditRecord record)
    {
        await using var connection = await Db.OpenAsync(default);
        await connection.ExecuteAsync(
            "UPDATE audit_log SET actor = @Actor, outcome = @Outcome, prev_hash = @PrevHash, hash = @Hash, key_id = @KeyId WHERE seq = @Seq", record);
    }

    private async Task<List<AuditRecord>> SnapshotAsync() => [.. await Audit.ReadAsync(null, 0, 1000, default)];

    private async Task RestoreAsync(List<AuditRecord> backup)
    {
        await using var connection = await Db.OpenAsync(default);
        await connection.ExecuteAsync("DELETE FROM audit_log");
        await connection.ExecuteAsync(
            "INSERT INTO audit_log (seq, at, actor, agency_id, action, target, outcome, client_address, details, prev_hash, hash, key_id) " +
            "VALUES (@Seq, @At, @Actor, @AgencyId, @Action, @Target, @Outcome, @ClientAddress, @Details, @PrevHash, @Hash, @KeyId)", backup);
    }

    /// <summary>Records as the service wrote them before the chain was keyed: plain SHA-256 links, no key id.</summary>
    private async Task InsertUnsealedAsync(int count)
    {
        var previous = AuditLog.GenesisHash;
        await using var connection = await Db.OpenAsync(default);
        for (var seq = 1; seq <= count; seq++)
        {
            var record = new AuditRecord(seq, 1_700_000_000_000 + seq, "user:old", null, "sign.pdf", null, AuditOutcome.Success, null, null, previous, "");
            record = record with { Hash = AuditLog.ComputeHash(record) };
            await connection.ExecuteAsync(
                "INSERT INTO audit_log (seq, at, actor, agency_id, action, target, outcome, client_address, details, prev_hash, hash) " +
                "VALUES (@Seq, @At, @Actor, @AgencyId, @Action, @Target, @Outcome, @ClientAddress, @Details, @PrevHash, @Hash)", record);
            previous = record.Hash;
        }
    }

    /// <summary>Signs checkpoints with a software RSA key, standing in for the token key.</summary>
    private sealed class RsaCheckpointSigner : IAuditCheckpointSigner, IDisposable
    {
        private readonly RSA _key = RSA.Create(2048);

        public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

        public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public void Dispose() => _key.Dispose();
    }
}
