using System.Text;
using Dapper;
using Signing.Storage.Keys;

namespace Signing.Storage.Certificates;

/// <summary>
/// The certificate inventory: every certificate an agency holds, with its status as the watch last wrote it, and the
/// flags on signature-request steps stranded by a certificate that left service. Status changes are conditional on the
/// status read, so two watch runs (on two nodes) cannot both report the same change.
/// </summary>
public sealed class CertificateStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "c.id AS Id, c.agency_id AS AgencyId, c.kind AS Kind, c.status AS Status, c.source AS Source, c.holder_user_id AS HolderUserId, " +
        "c.key_id AS KeyId, c.subject AS Subject, c.common_name AS CommonName, c.organizational_unit AS OrganizationalUnit, " +
        "c.organization AS Organization, c.locality AS Locality, c.email AS Email, c.personal_id AS PersonalId, c.issuer AS Issuer, " +
        "c.serial AS Serial, c.not_before AS NotBefore, c.not_after AS NotAfter, c.key_algorithm AS KeyAlgorithm, " +
        "c.public_key_sha256 AS PublicKeySha256, c.thumbprint AS Thumbprint, c.token_serial AS TokenSerial, c.token_label AS TokenLabel, " +
        "c.der AS Der, c.chain_pem AS ChainPem, c.revoked_at AS RevokedAt, c.revocation_reason AS RevocationReason, " +
        "c.superseded_by_id AS SupersededById, c.alerted_days AS AlertedDays, c.checked_at AS CheckedAt, c.search_text AS SearchText, " +
        "c.created_at AS CreatedAt, c.updated_at AS UpdatedAt";

    private const string InsertSql =
        "INSERT INTO certificates (id, agency_id, kind, status, source, holder_user_id, key_id, subject, common_name, organizational_unit, " +
        "organization, locality, email, personal_id, issuer, serial, not_before, not_after, key_algorithm, public_key_sha256, thumbprint, " +
        "token_serial, token_label, der, chain_pem, revoked_at, revocation_reason, superseded_by_id, alerted_days, checked_at, search_text, " +
        "created_at, updated_at) VALUES (@Id, @AgencyId, @Kind, @Status, @Source, @HolderUserId, @KeyId, @Subject, @CommonName, " +
        "@OrganizationalUnit, @Organization, @Locality, @Email, @PersonalId, @Issuer, @Serial, @NotBefore, @NotAfter, @KeyAlgorithm, " +
        "@PublicKeySha256, @Thumbprint, @TokenSerial, @TokenLabel, @Der, @ChainPem, @RevokedAt, @RevocationReason, @SupersededById, " +
        "@AlertedDays, @CheckedAt, @SearchText, @CreatedAt, @UpdatedAt) ON CONFLICT DO NOTHING";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A new inventory id (time-ordered, so lists sort by arrival).</summary>
    public static string NewId() => TimeOrderedIds.New();

    /// <summary>
    /// Adds a certificate inside <paramref name="tx"/>, with its first status change (none to its status); false when the
    /// same issuer and serial (or thumbprint) is already there.
    /// </summary>
    public async Task<bool> InsertAsync(StorageTransaction tx, CertificateRecord certificate, StatusCause cause, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(certificate);
        if (await tx.Connection.ExecuteAsync(new CommandDefinition(InsertSql, certificate, tx.Transaction, cancellationToken: ct)) != 1)
        {
            return false;
        }

        await RecordChangeAsync(tx, certificate.Id, null, certificate.Status, cause, ct);
        return true;
    }

    /// <summary>Adds a certificate (and its first status change) in a transaction of its own; false when it is already there.</summary>
    public async Task<bool> InsertAsync(CertificateRecord certificate, StatusCause cause, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        await using var tx = await database.BeginWriteAsync($"certificate:{certificate.Id}", ct);
        if (!await InsertAsync(tx, certificate, cause, ct))
        {
            return false;
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Which of <paramref name="serials"/> are already in the inventory, as (issuer, serial) pairs.</summary>
    public async Task<HashSet<(string Issuer, string Serial)>> ExistingAsync(IReadOnlyCollection<string> serials, CancellationToken ct)
    {
        var found = new HashSet<(string, string)>();
        await using var connection = await database.OpenAsync(ct);
        foreach (var chunk in serials.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var rows = await connection.QueryAsync<(string Issuer, string Serial)>(new CommandDefinition(
                $"SELECT issuer AS Issuer, serial AS Serial FROM certificates WHERE {database.InList("serial", "serials")}",
                new { serials = chunk }, cancellationToken: ct));
            found.UnionWith(rows);
        }

        return found;
    }

    /// <summary>A certificate by id.</summary>
    public Task<CertificateRecord?> FindAsync(string id, CancellationToken ct)
        => SingleAsync($"SELECT {Columns} FROM certificates c WHERE c.id = @id", new { id }, ct);

    /// <summary>A certificate by its SHA-256 thumbprint.</summary>
    public Task<CertificateRecord?> FindByThumbprintAsync(string thumbprint, CancellationToken ct)
        => SingleAsync($"SELECT {Columns} FROM certificates c WHERE c.thumbprint = @thumbprint", new { thumbprint }, ct);

    /// <summary>A certificate by issuer and serial.</summary>
    public Task<CertificateRecord?> FindByIssuerSerialAsync(string issuer, string serial, CancellationToken ct)
        => SingleAsync($"SELECT {Columns} FROM certificates c WHERE c.issuer = @issuer AND c.serial = @serial", new { issuer, serial }, ct);

    /// <summary>Several certificates by id.</summary>
    public async Task<IReadOnlyList<CertificateRecord>> FindManyAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var found = new List<CertificateRecord>();
        await using var connection = await database.OpenAsync(ct);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            found.AddRange(await connection.QueryAsync<CertificateRecord>(new CommandDefinition(
                $"SELECT {Columns} FROM certificates c WHERE {database.InList("c.id", "ids")}", new { ids = chunk }, cancellationToken: ct)));
        }

        return found;
    }

    /// <summary>
    /// A page of an agency's certificates. The status filter is the effective status: a live certificate whose end of
    /// validity passed (or comes within <paramref name="expiringWithinMs"/>) counts as expired (or expiring) before the
    /// watch has written it.
    /// </summary>
    public async Task<IReadOnlyList<CertificateRecord>> SearchAsync(CertificateQuery query, long expiringWithinMs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT {Columns} FROM certificates c WHERE c.agency_id = @AgencyId");
        var parameters = new DynamicParameters(query with { Limit = Math.Clamp(query.Limit, 1, 1000) });
        parameters.Add("now", Now);
        parameters.Add("soon", Now + expiringWithinMs);
        parameters.Add("live", CertificateStatuses.Live.ToArray());
        var live = database.InList("c.status", "live");
        sql.Append(query.Status switch
        {
            null => "",
            CertificateStatuses.Active => $" AND {live} AND c.not_after > @soon",
            CertificateStatuses.Expiring => $" AND {live} AND c.not_after > @now AND c.not_after <= @soon",
            CertificateStatuses.Expired => $" AND (c.status = 'expired' OR ({live} AND c.not_after <= @now))",
            _ => " AND c.status = @Status",
        });
        if (query.HolderUserId is not null)
        {
            sql.Append(" AND c.holder_user_id = @HolderUserId");
        }

        if (query.Kind is not null)
        {
            sql.Append(" AND c.kind = @Kind");
        }

        if (query.Source is not null)
        {
            sql.Append(" AND c.source = @Source");
        }

        if (query.TokenSerial is not null)
        {
            sql.Append(" AND c.token_serial = @TokenSerial");
        }

        if (query.KeyId is not null)
        {
            sql.Append(" AND c.key_id = @KeyId");
        }

        if (query.ExpiresBefore is not null)
        {
            sql.Append(" AND c.not_after < @ExpiresBefore");
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            parameters.Add("pattern", TextFolding.ContainsPattern(query.Search.Trim()));
            sql.Append(" AND c.search_text LIKE @pattern ESCAPE '\\'");
        }

        if (query.After is not null)
        {
            sql.Append(" AND c.id > @After");
        }

        sql.Append(" ORDER BY c.id LIMIT @Limit");
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<CertificateRecord>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: ct))).AsList();
    }

    /// <summary>How many certificates an agency holds per stored status.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(string agencyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status AS Status, COUNT(*) AS Count FROM certificates WHERE agency_id = @agencyId GROUP BY status", new { agencyId }, cancellationToken: ct));
        return rows.ToDictionary(row => row.Status, row => row.Count, StringComparer.Ordinal);
    }

    /// <summary>Live certificates of every agency after <paramref name="afterId"/>, for the watch to page through.</summary>
    public Task<IReadOnlyList<CertificateRecord>> LiveAsync(string? afterId, int limit, CancellationToken ct)
        => ListAsync(
            $"SELECT {Columns} FROM certificates c WHERE {database.InList("c.status", "live")} AND (@afterId IS NULL OR c.id > @afterId) ORDER BY c.id LIMIT @limit",
            new { live = CertificateStatuses.Live.ToArray(), afterId, limit }, ct);

    /// <summary>Live certificates of an agency (or of several), for planning a merger.</summary>
    public async Task<IReadOnlyList<CertificateRecord>> LiveOfAgenciesAsync(IReadOnlyCollection<string> agencyIds, CancellationToken ct)
        => await ListAsync(
            $"SELECT {Columns} FROM certificates c WHERE {database.InList("c.agency_id", "agencyIds")} AND {database.InList("c.status", "live")} ORDER BY c.id",
            new { agencyIds = agencyIds.ToArray(), live = CertificateStatuses.Live.ToArray() }, ct);

    /// <summary>Live certificates with this public key (a renewal or change of information keeps the key).</summary>
    public Task<IReadOnlyList<CertificateRecord>> LiveByPublicKeyAsync(string publicKeySha256, CancellationToken ct)
        => ListAsync(
            $"SELECT {Columns} FROM certificates c WHERE c.public_key_sha256 = @publicKeySha256 AND {database.InList("c.status", "live")} ORDER BY c.id",
            new { publicKeySha256, live = CertificateStatuses.Live.ToArray() }, ct);

    /// <summary>Every certificate a person held, newest first: their history.</summary>
    public Task<IReadOnlyList<CertificateRecord>> ForHolderAsync(string userId, CancellationToken ct)
        => ListAsync($"SELECT {Columns} FROM certificates c WHERE c.holder_user_id = @userId ORDER BY c.not_before DESC, c.id DESC", new { userId }, ct);

    /// <summary>The keys of the registry the inventory does not know yet (by certificate thumbprint).</summary>
    public async Task<IReadOnlyList<SigningKey>> UninventoriedKeysAsync(string? agencyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<SigningKey>(new CommandDefinition(
            $"SELECT {Keys.SigningKeyStore.Columns} FROM signing_keys k WHERE (@agencyId IS NULL OR k.agency_id = @agencyId) " +
            "AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.thumbprint = k.thumbprint) ORDER BY k.created_at",
            new { agencyId }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Moves a live certificate to <paramref name="status"/> if it still has <paramref name="expected"/>, recording the
    /// change; false when another writer moved it.
    /// </summary>
    public async Task<bool> SetStatusAsync(
        StorageTransaction tx, string id, string expected, string status, long? alertedDays, StatusCause cause, CancellationToken ct)
        => await ChangeStatusAsync(tx, id, [expected], status, cause,
            "status = @status, alerted_days = @alertedDays, updated_at = @now", new { status, alertedDays }, ct) is not null;

    /// <summary>
    /// Records an expiry alert at <paramref name="days"/> if the last alert was for a larger threshold (or none), moving
    /// the certificate to expiring (a change of status only when it was active).
    /// </summary>
    public async Task<bool> MarkAlertedAsync(
        StorageTransaction tx, string id, string expectedStatus, long? previousDays, long days, StatusCause cause, CancellationToken ct)
        => await ChangeStatusAsync(tx, id, [expectedStatus], CertificateStatuses.Expiring, cause,
            "status = 'expiring', alerted_days = @days, updated_at = @now", new { days, previousDays },
            ct, "((@previousDays IS NULL AND alerted_days IS NULL) OR alerted_days = @previousDays)") is not null;

    /// <summary>Marks a certificate revoked if it is still one of <paramref name="expected"/>, recording the change.</summary>
    public async Task<bool> MarkRevokedAsync(
        StorageTransaction tx, string id, IReadOnlyCollection<string> expected, long revokedAt, string? reason, StatusCause cause, CancellationToken ct)
        => await ChangeStatusAsync(tx, id, expected, CertificateStatuses.Revoked, cause,
            "status = 'revoked', revoked_at = @revokedAt, revocation_reason = @reason, updated_at = @now", new { revokedAt, reason }, ct) is not null;

    /// <summary>Marks a live certificate superseded by <paramref name="newId"/>, recording the change.</summary>
    public async Task<bool> SupersedeAsync(StorageTransaction tx, string id, string newId, StatusCause cause, CancellationToken ct)
        => await ChangeStatusAsync(tx, id, CertificateStatuses.Live, CertificateStatuses.Superseded, cause,
            "status = 'superseded', superseded_by_id = @newId, updated_at = @now", new { newId }, ct) is not null;

    /// <summary>A certificate's status changes, in the order they were made.</summary>
    public Task<IReadOnlyList<CertificateStatusChange>> StatusChangesAsync(string certificateId, CancellationToken ct)
        => ListAsync<CertificateStatusChange>(
            "SELECT certificate_id AS CertificateId, seq AS Seq, old_status AS OldStatus, new_status AS NewStatus, changed_at AS ChangedAt, " +
            "actor AS Actor, reason AS Reason FROM certificate_status_changes WHERE certificate_id = @certificateId ORDER BY seq",
            new { certificateId }, ct);

    // Every status change of the store goes through here: read the status in the transaction, update only if it is
    // still that one (a concurrent writer that moved it first makes this a no-op), and record the change in the same
    // transaction when the status actually changed. Returns the old status, or null when nothing was updated.
    private async Task<string?> ChangeStatusAsync(
        StorageTransaction tx, string id, IReadOnlyCollection<string> expected, string status, StatusCause cause,
        string set, object values, CancellationToken ct, string? condition = null)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(cause);
        var old = await tx.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT status FROM certificates WHERE id = @id", new { id }, tx.Transaction, cancellationToken: ct));
        if (old is null || !expected.Contains(old))
        {
            return null;
        }

        var parameters = new DynamicParameters(values);
        parameters.Add("id", id);
        parameters.Add("old", old);
        parameters.Add("now", Now);
        var updated = await tx.Connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE certificates SET {set} WHERE id = @id AND status = @old{(condition is null ? "" : " AND " + condition)}",
            parameters, tx.Transaction, cancellationToken: ct));
        if (updated != 1)
        {
            return null;
        }

        if (old != status)
        {
            await RecordChangeAsync(tx, id, old, status, cause, ct);
        }

        return old;
    }

    // The next seq of the certificate: its row is locked by the insert or update just made, so no other transaction
    // can take the same number.
    private Task RecordChangeAsync(StorageTransaction tx, string id, string? oldStatus, string newStatus, StatusCause cause, CancellationToken ct)
        => tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO certificate_status_changes (certificate_id, seq, old_status, new_status, changed_at, actor, reason) " +
            "SELECT @id, COALESCE(MAX(seq), 0) + 1, @oldStatus, @newStatus, @now, @actor, @reason FROM certificate_status_changes WHERE certificate_id = @id",
            new { id, oldStatus, newStatus, now = Now, actor = cause.Actor, reason = cause.Reason }, tx.Transaction, cancellationToken: ct));

    /// <summary>Links a certificate to its holder and key.</summary>
    public async Task LinkAsync(StorageTransaction tx, string id, string? holderUserId, string? keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificates SET holder_user_id = COALESCE(@holderUserId, holder_user_id), key_id = COALESCE(@keyId, key_id), updated_at = @now WHERE id = @id",
            new { id, holderUserId, keyId, now = Now }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>Sets who holds a certificate and which key it certifies (an admin's correction).</summary>
    public async Task<bool> SetHolderAsync(string id, string? holderUserId, string? keyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificates SET holder_user_id = @holderUserId, key_id = @keyId, updated_at = @now WHERE id = @id",
            new { id, holderUserId, keyId, now = Now }, cancellationToken: ct)) == 1;
    }

    /// <summary>Notes when the watch last checked a certificate.</summary>
    public async Task MarkCheckedAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE certificates SET checked_at = @now WHERE id = @id", new { id, now = Now }, cancellationToken: ct));
    }

    /// <summary>Moves every certificate of <paramref name="fromAgencyId"/> to <paramref name="toAgencyId"/> (a merger); returns how many.</summary>
    public Task<int> MoveAgencyAsync(StorageTransaction tx, string fromAgencyId, string toAgencyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificates SET agency_id = @toAgencyId, updated_at = @now WHERE agency_id = @fromAgencyId",
            new { fromAgencyId, toAgencyId, now = Now }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>
    /// The open steps of in-progress requests that would need a key: sign steps routed to (or delegated to)
    /// <paramref name="ownerUserId"/>, or, with <paramref name="agencyId"/>, the seal and copy steps of that agency.
    /// </summary>
    public async Task<IReadOnlyList<StrandedStep>> OpenStepsNeedingAsync(
        StorageTransaction tx, string? ownerUserId, string? agencyId, StepVocabulary vocabulary, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(vocabulary);
        const string select =
            "SELECT s.id AS StepId, s.request_id AS RequestId, r.agency_id AS AgencyId, r.client_id AS ClientId, s.ordinal AS Ordinal, s.kind AS Kind, " +
            "r.title AS Title, r.secrecy AS Secrecy FROM signature_request_steps s JOIN signature_requests r ON r.id = s.request_id ";
        var open = $"r.state = @inProgress AND {database.InList("s.state", "openStates")}";
        var parameters = new
        {
            inProgress = vocabulary.InProgress,
            openStates = vocabulary.OpenStepStates.ToArray(),
            signKind = vocabulary.SignKind,
            sealKinds = vocabulary.SealKinds.ToArray(),
            ownerUserId,
            assignee = $"%user:{ownerUserId}%",
            agencyId,
        };
        var sql = ownerUserId is not null
            ? select + $"WHERE {open} AND s.kind = @signKind AND (s.delegate_user_id = @ownerUserId OR (s.delegate_user_id IS NULL AND s.assignees LIKE @assignee)) ORDER BY s.id"
            : select + $"WHERE {open} AND r.agency_id = @agencyId AND {database.InList("s.kind", "sealKinds")} ORDER BY s.id";
        return (await tx.Connection.QueryAsync<StrandedStep>(new CommandDefinition(sql, parameters, tx.Transaction, cancellationToken: ct))).AsList();
    }

    /// <summary>Flags a step; false when it was already flagged for this certificate.</summary>
    public async Task<bool> FlagStepAsync(StorageTransaction tx, StepFlag flag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO certificate_step_flags (step_id, certificate_id, request_id, key_id, reason, created_at) " +
            "VALUES (@StepId, @CertificateId, @RequestId, @KeyId, @Reason, @CreatedAt) ON CONFLICT DO NOTHING", flag, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>The steps flagged because of a certificate.</summary>
    public Task<IReadOnlyList<StepFlag>> FlagsAsync(string certificateId, CancellationToken ct)
        => ListAsync<StepFlag>(
            "SELECT step_id AS StepId, certificate_id AS CertificateId, request_id AS RequestId, key_id AS KeyId, reason AS Reason, created_at AS CreatedAt " +
            "FROM certificate_step_flags WHERE certificate_id = @certificateId ORDER BY created_at, step_id", new { certificateId }, ct);

    private async Task<CertificateRecord?> SingleAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CertificateRecord>(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private Task<IReadOnlyList<CertificateRecord>> ListAsync(string sql, object parameters, CancellationToken ct) => ListAsync<CertificateRecord>(sql, parameters, ct);

    private async Task<IReadOnlyList<T>> ListAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }
}

/// <summary>The signature-request words the stranded-step query needs (they belong to the workflow, which passes them in).</summary>
/// <param name="InProgress">The state of a request still on its route.</param>
/// <param name="OpenStepStates">The states of steps not yet done (pending, active).</param>
/// <param name="SignKind">The kind of step an official signs.</param>
/// <param name="SealKinds">The kinds of step that sign with the agency's seal key (seal, copy).</param>
public sealed record StepVocabulary(string InProgress, IReadOnlyList<string> OpenStepStates, string SignKind, IReadOnlyList<string> SealKinds);
