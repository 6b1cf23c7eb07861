using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Signing.Storage.Audit;

/// <summary>What happened, as recorded by the caller. Never put a PIN, password or key in any field.</summary>
public sealed record AuditEntry(
    string Actor, string? AgencyId, string Action, string? Target, string Outcome, string? ClientAddress, string? Details = null);

/// <summary>A stored audit record with its place in the hash chain.</summary>
public sealed record AuditRecord(
    long Seq, long At, string Actor, string? AgencyId, string Action, string? Target, string Outcome,
    string? ClientAddress, string? Details, string PrevHash, string Hash);

/// <summary>The outcome of checking the whole chain.</summary>
/// <param name="Intact">True when every record is in place and unchanged.</param>
/// <param name="RecordsChecked">How many records were read.</param>
/// <param name="FirstBrokenSeq">The first record where the chain breaks, if any.</param>
/// <param name="Problem">What is wrong there, for people.</param>
public sealed record AuditVerification(bool Intact, long RecordsChecked, long? FirstBrokenSeq, string? Problem);

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
/// The append-only, hash-chained audit log. Each record's hash covers its own fields and the
/// previous record's hash, and sequence numbers are dense, so an edited, deleted or reordered
/// record breaks the chain at that point.
/// </summary>
public sealed class AuditLog(Database database, TimeProvider clock)
{
    /// <summary>The previous-hash value of the first record.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const string LockName = "audit_log";

    private const string Columns =
        "seq AS Seq, at AS At, actor AS Actor, agency_id AS AgencyId, action AS Action, target AS Target, outcome AS Outcome, " +
        "client_address AS ClientAddress, details AS Details, prev_hash AS PrevHash, hash AS Hash";

    /// <summary>Appends a record at the end of the chain.</summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Appending reads the chain head, so appenders on every node must take turns.
        await using var transaction = await database.BeginExclusiveAsync(connection, LockName, ct);
        var record = await AppendWithinAsync(connection, transaction, entry, ct);
        await transaction.CommitAsync(ct);
        return record;
    }

    /// <summary>
    /// Appends a record inside <paramref name="transaction"/>, so that it commits with the change it records (a workflow
    /// step and its audit record are both there or neither is).
    /// </summary>
    public async Task<AuditRecord> AppendAsync(StorageTransaction transaction, AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await database.LockAsync(transaction, LockName, ct);
        return await AppendWithinAsync(transaction.Connection, transaction.Transaction, entry, ct);
    }

    private async Task<AuditRecord> AppendWithinAsync(DbConnection connection, DbTransaction transaction, AuditEntry entry, CancellationToken ct)
    {
        var head = await connection.QuerySingleOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT seq AS Seq, hash AS Hash FROM audit_log ORDER BY seq DESC LIMIT 1", transaction: transaction, cancellationToken: ct));
        var seq = (head?.Seq ?? 0) + 1;
        var prevHash = head?.Hash ?? GenesisHash;
        var at = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var unsealed = new AuditRecord(seq, at, entry.Actor, entry.AgencyId, entry.Action, entry.Target, entry.Outcome,
            entry.ClientAddress, entry.Details, prevHash, "");
        var record = unsealed with { Hash = ComputeHash(unsealed) };
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (seq, at, actor, agency_id, action, target, outcome, client_address, details, prev_hash, hash) " +
            "VALUES (@Seq, @At, @Actor, @AgencyId, @Action, @Target, @Outcome, @ClientAddress, @Details, @PrevHash, @Hash)",
            record, transaction, cancellationToken: ct));
        return record;
    }

    /// <summary>Reads records after a sequence number, optionally for one agency only.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string? agencyId, long afterSeq, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var sql = agencyId is null
            ? $"SELECT {Columns} FROM audit_log WHERE seq > @afterSeq ORDER BY seq LIMIT @limit"
            : $"SELECT {Columns} FROM audit_log WHERE agency_id = @agencyId AND seq > @afterSeq ORDER BY seq LIMIT @limit";
        return (await connection.QueryAsync<AuditRecord>(new CommandDefinition(
            sql, new { agencyId, afterSeq, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: ct))).AsList();
    }

    /// <summary>The details of the newest record with this action, or null.</summary>
    public async Task<string?> LastDetailsAsync(string action, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT details FROM audit_log WHERE action = @action ORDER BY seq DESC LIMIT 1", new { action }, cancellationToken: ct));
    }

    /// <summary>Walks the whole chain and reports the first break.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var expectedSeq = 1L;
        var expectedPrev = GenesisHash;
        var checkedCount = 0L;
        const int page = 1000;
        while (true)
        {
            var batch = (await connection.QueryAsync<AuditRecord>(new CommandDefinition(
                $"SELECT {Columns} FROM audit_log WHERE seq >= @expectedSeq ORDER BY seq LIMIT {page}",
                new { expectedSeq }, cancellationToken: ct))).AsList();
            foreach (var record in batch)
            {
                checkedCount++;
                var problem = record.Seq != expectedSeq
                    ? $"record {expectedSeq} is missing (next is {record.Seq})"
                    : record.PrevHash != expectedPrev
                        ? $"record {record.Seq} does not follow record {record.Seq - 1} (previous hash differs)"
                        : record.Hash != ComputeHash(record)
                            ? $"record {record.Seq} was altered (its hash does not match its content)"
                            : null;
                if (problem is not null)
                {
                    return new AuditVerification(false, checkedCount, Math.Min(record.Seq, expectedSeq), problem);
                }

                expectedSeq++;
                expectedPrev = record.Hash;
            }

            if (batch.Count < page)
            {
                return new AuditVerification(true, checkedCount, null, null);
            }
        }
    }

    private sealed record ChainHead(long Seq, string Hash);

    /// <summary>
    /// SHA-256 over the previous hash and each field, length-prefixed so that no two different
    /// records share an encoding.
    /// </summary>
    public static string ComputeHash(AuditRecord record)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
        Field(record.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(record.At.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(record.Actor);
        Field(record.AgencyId);
        Field(record.Action);
        Field(record.Target);
        Field(record.Outcome);
        Field(record.ClientAddress);
        Field(record.Details);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
