using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Signing.Storage.Audit;

/// <summary>What happened, as recorded by the caller. Never put a PIN, password or key in any field.</summary>
public sealed record AuditEntry(
    string Actor, string? AgencyId, string Action, string? Target, string Outcome, string? ClientAddress, string? Details = null);

/// <summary>A stored audit record with its place in the chain.</summary>
public sealed record AuditRecord(
    long Seq, long At, string Actor, string? AgencyId, string Action, string? Target, string Outcome,
    string? ClientAddress, string? Details, string PrevHash, string Hash)
{
    /// <summary>The audit key that sealed the record; null for a record written before records were sealed.</summary>
    public string? KeyId { get; init; }
}

/// <summary>The outcome of checking the whole chain.</summary>
/// <param name="Intact">True when every record is in place and unchanged.</param>
/// <param name="RecordsChecked">How many records were read (for an agency's check: how many of them were the agency's).</param>
/// <param name="FirstBrokenSeq">The first record where the chain breaks, if any.</param>
/// <param name="Problem">What is wrong there, for people.</param>
public sealed record AuditVerification(bool Intact, long RecordsChecked, long? FirstBrokenSeq, string? Problem)
{
    /// <summary>The newest signed checkpoint the chain was compared with, if any.</summary>
    public long? CheckpointSeq { get; init; }

    /// <summary>When that checkpoint was signed.</summary>
    public DateTimeOffset? CheckpointAt { get; init; }
}

/// <summary>Well-known audit outcomes.</summary>
public static class AuditOutcome
{
    /// <summary>The action was carried out.</summary>
    public const string Success = "success";

    /// <summary>The action was refused (authentication, authorisation, validation).</summary>
    public const string Denied = "denied";

    /// <summary>The action failed.</summary>
    public const string Failure = "failure";
}

/// <summary>
/// The append-only audit log. Each record is sealed with HMAC-SHA256 under a key kept outside the database
/// (<see cref="AuditKey"/>) over its own fields and the previous record's seal, and sequence numbers are dense: an edited,
/// deleted, reordered or re-chained record breaks the chain at that point, and nobody without the key can seal a
/// replacement. Signed checkpoints of the head (<see cref="CheckpointAsync"/>), kept in the database and in a file outside
/// it, expose a deleted tail and a database restored from an older backup. Sequence numbers never repeat: after a tail was
/// deleted, the next record continues above the highest number this node or the checkpoint knows, leaving the gap as
/// evidence.
/// </summary>
/// <remarks>
/// Appends are committed in groups: concurrent callers queue their entries, and whichever of them takes the writer's turn
/// writes all queued entries in one transaction; each caller's task completes when its own record is committed.
/// </remarks>
public sealed class AuditLog
{
    /// <summary>The previous-hash value of the first record.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The action of the record that notes when earlier, unsealed records were sealed.</summary>
    public const string SealedAction = "audit.sealed";

    private const string LockName = "audit_log";
    private const int MaxBatch = 500;
    private const int VerifyPage = 1000;

    private const string Columns =
        "seq AS Seq, at AS At, actor AS Actor, agency_id AS AgencyId, action AS Action, target AS Target, outcome AS Outcome, " +
        "client_address AS ClientAddress, details AS Details, prev_hash AS PrevHash, hash AS Hash, key_id AS KeyId";

    // One writer and one memory of the highest committed record per database object, shared by every AuditLog over it.
    private static readonly ConditionalWeakTable<Database, ChainState> States = new();

    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly AuditKey _key;
    private readonly ChainState _state;

    /// <summary>A log sealed with the key of <see cref="Database.AuditKeyFile"/>.</summary>
    public AuditLog(Database database, TimeProvider clock)
        : this(database, clock, AuditKey.Of(database))
    {
    }

    /// <summary>A log sealed with <paramref name="key"/>.</summary>
    public AuditLog(Database database, TimeProvider clock, AuditKey key)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(key);
        _database = database;
        _clock = clock;
        _key = key;
        _state = States.GetValue(database, _ => new ChainState());
    }

    /// <summary>The id of the key that seals this log.</summary>
    public string KeyId => _key.Id;

    /// <summary>How many transactions appends have used in this process (each holds one or more records).</summary>
    public long Commits => Interlocked.Read(ref _state.Commits);

    /// <summary>Entries handed to <see cref="AppendAsync(AuditEntry, CancellationToken)"/> and not yet committed or failed.</summary>
    internal int PendingAppends => Volatile.Read(ref _state.Pending);

    /// <summary>The highest sequence number this process has committed, or 0.</summary>
    public long HighestCommitted => Interlocked.Read(ref _state.HighWater);

    /// <summary>Appends a record at the end of the chain; the task completes once the record is committed.</summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pending = new PendingAppend(entry);
        Interlocked.Increment(ref _state.Pending);
        _state.Queue.Enqueue(pending);
        // Not cancellable: once queued, the entry is written by whoever holds the turn, and the caller learns how it went.
        await _state.Writer.WaitAsync(CancellationToken.None);
        try
        {
            if (!pending.Completion.Task.IsCompleted)
            {
                await FlushAsync();
            }
        }
        finally
        {
            _state.Writer.Release();
        }

        return await pending.Completion.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Appends a record inside <paramref name="transaction"/>, so that it commits with the change it records (a workflow
    /// step and its audit record are both there or neither is).
    /// </summary>
    public async Task<AuditRecord> AppendAsync(StorageTransaction transaction, AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(entry);
        // Earlier records are sealed at start-up (SealEarlierRecordsAsync): sealing here would need a second write turn.
        await _database.LockAsync(transaction, LockName, ct);
        var records = await AppendWithinAsync(transaction.Connection, transaction.Transaction, [entry], ct);
        transaction.OnCommitted(() => RaiseHighWater(records[^1].Seq));
        return records[0];
    }

    /// <summary>
    /// Seals the records written before the chain was keyed, once (see <see cref="SealedAction"/>); a host calls it at
    /// start-up, before any workflow appends inside its own transaction. Appends and verification call it too.
    /// </summary>
    public Task SealEarlierRecordsAsync(CancellationToken ct) => EnsureSealedAsync(ct);

    /// <summary>Reads records after a sequence number, optionally for one agency only.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string? agencyId, long afterSeq, int limit, CancellationToken ct)
    {
        await using var connection = await _database.OpenAsync(ct);
        var sql = agencyId is null
            ? $"SELECT {Columns} FROM audit_log WHERE seq > @afterSeq ORDER BY seq LIMIT @limit"
            : $"SELECT {Columns} FROM audit_log WHERE agency_id = @agencyId AND seq > @afterSeq ORDER BY seq LIMIT @limit";
        return [.. (await connection.QueryAsync<Row>(new CommandDefinition(
            sql, new { agencyId, afterSeq, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: ct))).Select(row => row.ToRecord())];
    }

    /// <summary>The details of the newest record with this action, or null.</summary>
    public async Task<string?> LastDetailsAsync(string action, CancellationToken ct)
    {
        await using var connection = await _database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT details FROM audit_log WHERE action = @action ORDER BY seq DESC LIMIT 1", new { action }, cancellationToken: ct));
    }

    /// <summary>Walks the whole chain and compares it with the signed checkpoints; reports the first problem.</summary>
    public Task<AuditVerification> VerifyAsync(CancellationToken ct) => VerifyAsync(null, null, ct);

    /// <summary>
    /// Walks the whole chain, checking every record's seal and link, then compares the head with the signed checkpoints
    /// (this node's file, and those in the database) and with the highest record this process committed.
    /// </summary>
    /// <param name="agencyId">When given, <see cref="AuditVerification.RecordsChecked"/> counts only that agency's records.</param>
    /// <param name="trustedCheckpointKey">
    /// The public key checkpoints must be signed with (DER SubjectPublicKeyInfo); when null, the key named in this node's
    /// checkpoint file, which lives outside the database, is trusted.
    /// </param>
    /// <param name="ct">Cancellation.</param>
    public async Task<AuditVerification> VerifyAsync(string? agencyId, byte[]? trustedCheckpointKey, CancellationToken ct)
    {
        await EnsureSealedAsync(ct);
        AuditCheckpoint? fileCheckpoint;
        try
        {
            fileCheckpoint = AuditCheckpointFile.Read(_database.AuditCheckpointFile);
        }
        catch (InvalidDataException exception)
        {
            return new AuditVerification(false, 0, null, exception.Message);
        }

        if (fileCheckpoint is not null && !fileCheckpoint.SignatureIsValid(trustedCheckpointKey))
        {
            return new AuditVerification(false, 0, fileCheckpoint.Seq,
                $"the checkpoint file's signature does not verify{(trustedCheckpointKey is null ? "" : " with the configured checkpoint key")}");
        }

        var trusted = trustedCheckpointKey ?? (fileCheckpoint is null ? null : Convert.FromBase64String(fileCheckpoint.PublicKey));
        // What the walk is held against is read before it: records go on committing while it runs, and a checkpoint or
        // a commit that came after it started covers records it may not have reached.
        var highWater = HighestCommitted;
        await using var connection = await _database.OpenAsync(ct);
        var checkpoints = (await connection.QueryAsync<AuditCheckpoint>(new CommandDefinition(
            "SELECT seq AS Seq, hash AS Hash, at AS At, key_id AS KeyId, node AS Node, public_key AS PublicKey, signature AS Signature " +
            "FROM audit_checkpoints ORDER BY seq", cancellationToken: ct))).AsList();
        var walk = await WalkAsync(connection, null, 0, GenesisHash, long.MaxValue, agencyId, ct);
        if (walk.Problem is not null)
        {
            return new AuditVerification(false, walk.Counted, walk.ProblemSeq, walk.Problem);
        }

        if (fileCheckpoint is not null)
        {
            checkpoints.Add(fileCheckpoint);
        }

        AuditCheckpoint? newest = null;
        foreach (var checkpoint in checkpoints)
        {
            // A checkpoint in the database that no trusted key signed proves nothing either way: it is ignored.
            if (trusted is null || !checkpoint.SignatureIsValid(trusted))
            {
                continue;
            }

            if (checkpoint.Seq > walk.HeadSeq)
            {
                return Broken(walk, walk.HeadSeq + 1,
                    $"the log ends at record {walk.HeadSeq} but the checkpoint signed {checkpoint.AtText} covers record {checkpoint.Seq}: " +
                    "records were deleted from the end, or an older backup of the database was restored", checkpoint);
            }

            var hash = walk.HeadSeq == checkpoint.Seq
                ? walk.HeadHash
                : await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                    "SELECT hash FROM audit_log WHERE seq = @Seq", new { checkpoint.Seq }, cancellationToken: ct));
            if (!string.Equals(hash, checkpoint.Hash, StringComparison.Ordinal))
            {
                return Broken(walk, checkpoint.Seq,
                    $"record {checkpoint.Seq} differs from the checkpoint signed {checkpoint.AtText}: the log was rewritten, " +
                    "or an older backup of the database was restored", checkpoint);
            }

            newest = newest is null || checkpoint.Seq > newest.Seq ? checkpoint : newest;
        }

        if (highWater > walk.HeadSeq)
        {
            return Broken(walk, walk.HeadSeq + 1,
                $"the log ends at record {walk.HeadSeq} but this node committed record {highWater}: records were deleted from the end", newest);
        }

        return new AuditVerification(true, walk.Counted, null, null)
        {
            CheckpointSeq = newest?.Seq,
            CheckpointAt = newest is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(newest.At),
        };
    }

    /// <summary>
    /// Signs a checkpoint of the chain's head with <paramref name="signer"/>, stores it in the database and in this node's
    /// checkpoint file. Before signing, the records written since the previous checkpoint are verified and must extend it:
    /// a checkpoint never vouches for a log that lost records. Returns null when nothing was appended since the last
    /// checkpoint.
    /// </summary>
    /// <exception cref="AuditChainBrokenException">The chain no longer extends the previous checkpoint.</exception>
    public async Task<AuditCheckpoint?> CheckpointAsync(IAuditCheckpointSigner signer, string node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signer);
        // One checkpoint at a time per database in this process: each extends the one before it, and two at once (the
        // periodic one and the one at shutdown) both wrote the checkpoint file through the same temporary file, which
        // once left a longer checkpoint's tail behind a shorter one's JSON.
        await _state.Checkpointing.WaitAsync(ct);
        try
        {
            return await CheckpointOnceAsync(signer, node, ct);
        }
        finally
        {
            _state.Checkpointing.Release();
        }
    }

    private async Task<AuditCheckpoint?> CheckpointOnceAsync(IAuditCheckpointSigner signer, string node, CancellationToken ct)
    {
        await EnsureSealedAsync(ct);
        var previous = AuditCheckpointFile.Read(_database.AuditCheckpointFile);
        if (previous is not null && !previous.SignatureIsValid(signer.PublicKey))
        {
            // A file signed by another key (a rotated token key) is not extended but replaced; the database keeps the old ones.
            previous = null;
        }

        // Read before the head: the records this node commits after that are not the checkpoint's to cover.
        var highWater = HighestCommitted;
        await using var connection = await _database.OpenAsync(ct);
        var head = await connection.QuerySingleOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT seq AS Seq, hash AS Hash FROM audit_log ORDER BY seq DESC LIMIT 1", cancellationToken: ct));
        if (head is null || (previous is not null && previous.Seq == head.Seq && previous.Hash == head.Hash))
        {
            return null;
        }

        var startPrev = GenesisHash;
        var startSeq = 0L;
        if (previous is not null)
        {
            if (head.Seq < previous.Seq)
            {
                throw new AuditChainBrokenException(
                    $"The audit log ends at record {head.Seq}, before the last checkpoint (record {previous.Seq}); no checkpoint is signed.");
            }

            var anchor = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT hash FROM audit_log WHERE seq = @Seq", new { previous.Seq }, cancellationToken: ct));
            if (!string.Equals(anchor, previous.Hash, StringComparison.Ordinal))
            {
                throw new AuditChainBrokenException(
                    $"Audit record {previous.Seq} differs from the last checkpoint; no checkpoint is signed.");
            }

            (startSeq, startPrev) = (previous.Seq, previous.Hash);
        }

        var walk = await WalkAsync(connection, null, startSeq, startPrev, head.Seq, null, ct);
        if (walk.Problem is not null)
        {
            throw new AuditChainBrokenException($"The audit chain is broken at record {walk.ProblemSeq}: {walk.Problem}; no checkpoint is signed.");
        }

        if (highWater > walk.HeadSeq)
        {
            throw new AuditChainBrokenException(
                $"The audit log ends at record {walk.HeadSeq} but this node committed record {highWater}; no checkpoint is signed.");
        }

        var checkpoint = AuditCheckpoint.Create(walk.HeadSeq, walk.HeadHash, _clock.GetUtcNow().ToUnixTimeMilliseconds(), _key.Id, node, signer);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_checkpoints (seq, node, hash, at, key_id, public_key, signature) " +
            "VALUES (@Seq, @Node, @Hash, @At, @KeyId, @PublicKey, @Signature) ON CONFLICT DO NOTHING",
            checkpoint, cancellationToken: ct));
        if (_database.AuditCheckpointFile is { } file)
        {
            AuditCheckpointFile.Write(file, checkpoint);
        }

        RaiseCheckpointWater(checkpoint.Seq);
        return checkpoint;
    }

    /// <summary>
    /// The seal of a record written before records were sealed: SHA-256 over the previous hash and each field,
    /// length-prefixed so that no two different records share an encoding.
    /// </summary>
    public static string ComputeHash(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendFields(hash, record);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The seal of a record under <paramref name="key"/>: HMAC-SHA256 over the same encoding as <see cref="ComputeHash"/>.</summary>
    public static string ComputeSeal(AuditKey key, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(record);
        using var mac = key.CreateMac();
        AppendFields(mac, record);
        return Convert.ToHexStringLower(mac.GetHashAndReset());
    }

    private static void AppendFields(IncrementalHash hash, AuditRecord record)
    {
        var number = new byte[8];
        void Field(string? value)
        {
            if (value is null)
            {
                BinaryPrimitives.WriteInt64BigEndian(number, -1);
                hash.AppendData(number);
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt64BigEndian(number, bytes.Length);
            hash.AppendData(number);
            hash.AppendData(bytes);
        }

        Field(record.PrevHash);
        Field(record.Seq.ToString(CultureInfo.InvariantCulture));
        Field(record.At.ToString(CultureInfo.InvariantCulture));
        Field(record.Actor);
        Field(record.AgencyId);
        Field(record.Action);
        Field(record.Target);
        Field(record.Outcome);
        Field(record.ClientAddress);
        Field(record.Details);
    }

    private static AuditVerification Broken(Walk walk, long seq, string problem, AuditCheckpoint? checkpoint)
        => new(false, walk.Counted, seq, problem)
        {
            CheckpointSeq = checkpoint?.Seq,
            CheckpointAt = checkpoint is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(checkpoint.At),
        };

    private async Task FlushAsync()
    {
        var batch = new List<PendingAppend>();
        while (batch.Count < MaxBatch && _state.Queue.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            // The callers' tokens are not used: a cancelled caller must not abort the others' records.
            await EnsureSealedAsync(CancellationToken.None);
            await using var connection = await _database.OpenAsync(CancellationToken.None);
            // Appending reads the chain head, so appenders on every node take turns.
            await using var transaction = await _database.BeginExclusiveAsync(connection, LockName, CancellationToken.None);
            var records = await AppendWithinAsync(connection, transaction, [.. batch.Select(pending => pending.Entry)], CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            Interlocked.Increment(ref _state.Commits);
            RaiseHighWater(records[^1].Seq);
            for (var i = 0; i < batch.Count; i++)
            {
                Interlocked.Decrement(ref _state.Pending);
                batch[i].Completion.TrySetResult(records[i]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                Interlocked.Decrement(ref _state.Pending);
                pending.Completion.TrySetException(exception);
            }
        }
    }

    private async Task<List<AuditRecord>> AppendWithinAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        var head = await connection.QuerySingleOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT seq AS Seq, hash AS Hash FROM audit_log ORDER BY seq DESC LIMIT 1", transaction: transaction, cancellationToken: ct));
        // Never below a number this node committed or a checkpoint covered: a deleted tail leaves a visible gap.
        var last = Math.Max(head?.Seq ?? 0, Math.Max(HighestCommitted, CheckpointWater()));
        var prevHash = head?.Hash ?? GenesisHash;
        var at = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var records = new List<AuditRecord>(entries.Count);
        foreach (var entry in entries)
        {
            var unsealed = new AuditRecord(++last, at, entry.Actor, entry.AgencyId, entry.Action, entry.Target, entry.Outcome,
                entry.ClientAddress, entry.Details, prevHash, "")
            { KeyId = _key.Id };
            var record = unsealed with { Hash = ComputeSeal(_key, unsealed) };
            records.Add(record);
            prevHash = record.Hash;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (seq, at, actor, agency_id, action, target, outcome, client_address, details, prev_hash, hash, key_id) " +
            "VALUES (@Seq, @At, @Actor, @AgencyId, @Action, @Target, @Outcome, @ClientAddress, @Details, @PrevHash, @Hash, @KeyId)",
            records, transaction, cancellationToken: ct));
        return records;
    }

    /// <summary>
    /// Walks records from <paramref name="afterSeq"/> + 1 to <paramref name="untilSeq"/>, checking density, links and seals.
    /// </summary>
    private async Task<Walk> WalkAsync(
        DbConnection connection, DbTransaction? transaction, long afterSeq, string afterHash, long untilSeq, string? agencyId, CancellationToken ct)
    {
        var expectedSeq = afterSeq + 1;
        var expectedPrev = afterHash;
        var counted = 0L;
        while (true)
        {
            var batch = (await connection.QueryAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM audit_log WHERE seq >= @expectedSeq AND seq <= @untilSeq ORDER BY seq LIMIT {VerifyPage}",
                new { expectedSeq, untilSeq }, transaction, cancellationToken: ct))).Select(row => row.ToRecord()).ToList();
            foreach (var record in batch)
            {
                if (agencyId is null || string.Equals(record.AgencyId, agencyId, StringComparison.Ordinal))
                {
                    counted++;
                }

                var problem = record.Seq != expectedSeq
                    ? $"record {expectedSeq} is missing (next is {record.Seq})"
                    : record.PrevHash != expectedPrev
                        ? $"record {record.Seq} does not follow record {record.Seq - 1} (previous hash differs)"
                        : record.KeyId is null
                            ? $"record {record.Seq} is not sealed with the audit key"
                            : record.KeyId != _key.Id
                                ? $"record {record.Seq} is sealed with another audit key ({record.KeyId}, this service has {_key.Id})"
                                : record.Hash != ComputeSeal(_key, record)
                                    ? $"record {record.Seq} was altered: its seal does not match its content (edited, or re-chained without the audit key)"
                                    : null;
                if (problem is not null)
                {
                    return new Walk(expectedSeq - 1, expectedPrev, counted, Math.Min(record.Seq, expectedSeq), problem);
                }

                expectedSeq++;
                expectedPrev = record.Hash;
            }

            if (batch.Count < VerifyPage)
            {
                return new Walk(expectedSeq - 1, expectedPrev, counted, null, null);
            }
        }
    }

    /// <summary>
    /// Seals, once, the records written before the chain was keyed (their SHA-256 chain is checked first and must be
    /// intact: a tampered history is left unsealed, and verification names it), and notes it with an
    /// <see cref="SealedAction"/> record.
    /// </summary>
    private async Task EnsureSealedAsync(CancellationToken ct)
    {
        if (_state.Sealed)
        {
            return;
        }

        await using var connection = await _database.OpenAsync(ct);
        var unsealed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM audit_log WHERE key_id IS NULL", cancellationToken: ct));
        if (unsealed == 0)
        {
            _state.Sealed = true;
            return;
        }

        await using var transaction = await _database.BeginExclusiveAsync(connection, LockName, ct);
        var legacy = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM audit_log WHERE key_id IS NULL ORDER BY seq", transaction: transaction, cancellationToken: ct)))
            .Select(row => row.ToRecord()).ToList();
        var intact = legacy.Count > 0;
        var previous = GenesisHash;
        for (var i = 0; i < legacy.Count && intact; i++)
        {
            intact = legacy[i].Seq == i + 1 && legacy[i].PrevHash == previous && legacy[i].Hash == ComputeHash(legacy[i]);
            previous = legacy[i].Hash;
        }

        var keyedBefore = intact && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM audit_log WHERE key_id IS NOT NULL", transaction: transaction, cancellationToken: ct)) > 0;
        if (intact && !keyedBefore)
        {
            var sealedPrev = GenesisHash;
            foreach (var record in legacy)
            {
                var resealed = record with { PrevHash = sealedPrev, KeyId = _key.Id };
                resealed = resealed with { Hash = ComputeSeal(_key, resealed) };
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE audit_log SET prev_hash = @PrevHash, hash = @Hash, key_id = @KeyId WHERE seq = @Seq",
                    resealed, transaction, cancellationToken: ct));
                sealedPrev = resealed.Hash;
            }

            await AppendWithinAsync(connection, transaction, [new AuditEntry("system", null, SealedAction, null, AuditOutcome.Success, null,
                $"records=1-{legacy.Count}; sha256-head={previous}; key={_key.Id}")], ct);
            await transaction.CommitAsync(ct);
        }
        else
        {
            await transaction.RollbackAsync(ct);
        }

        _state.Sealed = true;
    }

    private long CheckpointWater()
    {
        if (_state.CheckpointFileRead)
        {
            return Interlocked.Read(ref _state.CheckpointWater);
        }

        try
        {
            RaiseCheckpointWater(AuditCheckpointFile.Read(_database.AuditCheckpointFile)?.Seq ?? 0);
        }
        catch (InvalidDataException)
        {
            // A damaged file raises nothing; verification reports it.
        }

        _state.CheckpointFileRead = true;
        return Interlocked.Read(ref _state.CheckpointWater);
    }

    private void RaiseHighWater(long seq) => Raise(ref _state.HighWater, seq);

    private void RaiseCheckpointWater(long seq) => Raise(ref _state.CheckpointWater, seq);

    private static void Raise(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private sealed record ChainHead(long Seq, string Hash);

    // Dapper maps rows to a constructor with one parameter per column; the public record keeps its shape.
    private sealed record Row(
        long Seq, long At, string Actor, string? AgencyId, string Action, string? Target, string Outcome,
        string? ClientAddress, string? Details, string PrevHash, string Hash, string? KeyId)
    {
        public AuditRecord ToRecord() => new(Seq, At, Actor, AgencyId, Action, Target, Outcome, ClientAddress, Details, PrevHash, Hash) { KeyId = KeyId };
    }

    private sealed record Walk(long HeadSeq, string HeadHash, long Counted, long? ProblemSeq, string? Problem);

    private sealed class PendingAppend(AuditEntry entry)
    {
        public AuditEntry Entry { get; } = entry;

        public TaskCompletionSource<AuditRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ChainState
    {
        public readonly SemaphoreSlim Writer = new(1, 1);
        public readonly SemaphoreSlim Checkpointing = new(1, 1);
        public readonly ConcurrentQueue<PendingAppend> Queue = new();
        public long HighWater;
        public long CheckpointWater;
        public long Commits;
        public int Pending;
        public volatile bool Sealed;
        public volatile bool CheckpointFileRead;
    }
}

/// <summary>The audit chain no longer extends its last checkpoint, so no new checkpoint may vouch for it.</summary>
public sealed class AuditChainBrokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditChainBrokenException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public AuditChainBrokenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AuditChainBrokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
