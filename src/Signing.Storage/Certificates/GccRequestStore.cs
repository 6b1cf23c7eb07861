using Dapper;

namespace Signing.Storage.Certificates;

/// <summary>A request to the Government Cipher Committee (Decree 68/2024), as stored.</summary>
/// <param name="Id">The request id.</param>
/// <param name="AgencyId">The managing agency that submits it.</param>
/// <param name="Kind">issue-individual, issue-agency, issue-device, renew, change-info, revoke or restore-device.</param>
/// <param name="State">draft, queued (in a dossier not yet submitted), submitted, done or rejected.</param>
/// <param name="DossierId">The dossier that carries it.</param>
/// <param name="MergerId">The merger that planned it.</param>
/// <param name="HolderUserId">The person the certificate is (or will be) for.</param>
/// <param name="CertificateId">The inventory certificate it is about (renew, change-info, revoke, restore-device).</param>
/// <param name="Fields">The kind's form fields, JSON.</param>
/// <param name="SubjectBefore">The certificate's subject now.</param>
/// <param name="SubjectAfter">The subject asked for.</param>
/// <param name="RevocationReason">For revoke: the Decree 68 Art. 17 reason code.</param>
/// <param name="KeyUri">For keys on the agency's HSM: the key's PKCS#11 URI.</param>
/// <param name="Csr">The PKCS#10 request (DER).</param>
/// <param name="PublicKeySha256">SHA-256 of the public key the answer must certify (the CSR's, or the certificate's kept key).</param>
/// <param name="IssuedCertificateId">The inventory certificate that answered it.</param>
/// <param name="OutcomeNote">What the GCC answered, or why it was rejected.</param>
/// <param name="CreatedBy">Who drafted it.</param>
/// <param name="CreatedAt">When (Unix ms).</param>
/// <param name="UpdatedAt">Last change (Unix ms).</param>
/// <param name="ClosedAt">When it was done or rejected.</param>
public sealed record GccRequest(
    string Id, string AgencyId, string Kind, string State, string? DossierId, string? MergerId, string? HolderUserId, string? CertificateId,
    string Fields, string? SubjectBefore, string? SubjectAfter, string? RevocationReason, string? KeyUri, byte[]? Csr, string? PublicKeySha256,
    string? IssuedCertificateId, string? OutcomeNote, string CreatedBy, long CreatedAt, long UpdatedAt, long? ClosedAt);

/// <summary>The states of a GCC request.</summary>
public static class GccRequestStates
{
    /// <summary>Being written; editable.</summary>
    public const string Draft = "draft";

    /// <summary>In a dossier that has not gone to the GCC yet; frozen.</summary>
    public const string Queued = "queued";

    /// <summary>Sent to the GCC with its dossier.</summary>
    public const string Submitted = "submitted";

    /// <summary>Answered: the certificate was issued, changed, renewed or revoked, or the device restored.</summary>
    public const string Done = "done";

    /// <summary>Refused by the GCC.</summary>
    public const string Rejected = "rejected";

    /// <summary>Every state.</summary>
    public static IReadOnlyList<string> All { get; } = [Draft, Queued, Submitted, Done, Rejected];
}

/// <summary>GCC requests: drafted, gathered into dossiers, submitted, and closed by the GCC's answers.</summary>
public sealed class GccRequestStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, agency_id AS AgencyId, kind AS Kind, state AS State, dossier_id AS DossierId, merger_id AS MergerId, holder_user_id AS HolderUserId, " +
        "certificate_id AS CertificateId, fields AS Fields, subject_before AS SubjectBefore, subject_after AS SubjectAfter, " +
        "revocation_reason AS RevocationReason, key_uri AS KeyUri, csr AS Csr, public_key_sha256 AS PublicKeySha256, " +
        "issued_certificate_id AS IssuedCertificateId, outcome_note AS OutcomeNote, created_by AS CreatedBy, created_at AS CreatedAt, " +
        "updated_at AS UpdatedAt, closed_at AS ClosedAt";

    private const string InsertSql =
        "INSERT INTO certificate_requests (id, agency_id, kind, state, dossier_id, merger_id, holder_user_id, certificate_id, fields, subject_before, " +
        "subject_after, revocation_reason, key_uri, csr, public_key_sha256, issued_certificate_id, outcome_note, created_by, created_at, updated_at, closed_at) " +
        "VALUES (@Id, @AgencyId, @Kind, @State, @DossierId, @MergerId, @HolderUserId, @CertificateId, @Fields, @SubjectBefore, @SubjectAfter, " +
        "@RevocationReason, @KeyUri, @Csr, @PublicKeySha256, @IssuedCertificateId, @OutcomeNote, @CreatedBy, @CreatedAt, @UpdatedAt, @ClosedAt)";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Stores a new request on its own.</summary>
    public async Task InsertAsync(GccRequest request, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, request, cancellationToken: ct));
    }

    /// <summary>Stores new requests inside <paramref name="tx"/> (a merger's confirmation writes hundreds at once).</summary>
    public async Task InsertAsync(StorageTransaction tx, IEnumerable<GccRequest> requests, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await tx.Connection.ExecuteAsync(new CommandDefinition(InsertSql, requests, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>A request by id.</summary>
    public async Task<GccRequest?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<GccRequest>(new CommandDefinition(
            $"SELECT {Columns} FROM certificate_requests WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>An agency's requests, newest first, optionally of one state and kind.</summary>
    public Task<IReadOnlyList<GccRequest>> ListAsync(string agencyId, string? state, string? kind, int limit, CancellationToken ct)
        => QueryAsync(
            $"SELECT {Columns} FROM certificate_requests WHERE agency_id = @agencyId AND (@state IS NULL OR state = @state) " +
            "AND (@kind IS NULL OR kind = @kind) ORDER BY id DESC LIMIT @limit",
            new { agencyId, state, kind, limit = Math.Clamp(limit, 1, 1000) }, ct);

    /// <summary>The items of a dossier, in the order they were drafted.</summary>
    public Task<IReadOnlyList<GccRequest>> ForDossierAsync(string dossierId, CancellationToken ct)
        => QueryAsync($"SELECT {Columns} FROM certificate_requests WHERE dossier_id = @dossierId ORDER BY id", new { dossierId }, ct);

    /// <summary>Submitted requests awaiting a certificate for this public key.</summary>
    public Task<IReadOnlyList<GccRequest>> OpenByPublicKeyAsync(string publicKeySha256, CancellationToken ct)
        => QueryAsync($"SELECT {Columns} FROM certificate_requests WHERE public_key_sha256 = @publicKeySha256 AND state = 'submitted' ORDER BY id",
            new { publicKeySha256 }, ct);

    /// <summary>Submitted requests about a certificate (a revocation to close when the certificate is seen revoked).</summary>
    public Task<IReadOnlyList<GccRequest>> OpenForCertificateAsync(string certificateId, CancellationToken ct)
        => QueryAsync($"SELECT {Columns} FROM certificate_requests WHERE certificate_id = @certificateId AND state = 'submitted' ORDER BY id",
            new { certificateId }, ct);

    /// <summary>Rewrites a draft; false when it is no longer a draft.</summary>
    public async Task<bool> UpdateDraftAsync(GccRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificate_requests SET holder_user_id = @HolderUserId, certificate_id = @CertificateId, fields = @Fields, " +
            "subject_before = @SubjectBefore, subject_after = @SubjectAfter, revocation_reason = @RevocationReason, public_key_sha256 = @PublicKeySha256, " +
            "updated_at = @UpdatedAt WHERE id = @Id AND state = 'draft'", request, cancellationToken: ct)) == 1;
    }

    /// <summary>Deletes a draft; false when it is not a draft.</summary>
    public async Task<bool> DeleteDraftAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM certificate_requests WHERE id = @id AND state = 'draft'", new { id }, cancellationToken: ct)) == 1;
    }

    /// <summary>Records the key and CSR of a request not yet submitted; false when it was submitted meanwhile.</summary>
    public async Task<bool> SetKeyAsync(string id, string? keyUri, byte[] csr, string publicKeySha256, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificate_requests SET key_uri = @keyUri, csr = @csr, public_key_sha256 = @publicKeySha256, updated_at = @now " +
            "WHERE id = @id AND state IN ('draft', 'queued')", new { id, keyUri, csr, publicKeySha256, now = Now }, cancellationToken: ct)) == 1;
    }

    /// <summary>Puts drafts into a dossier; returns how many were still drafts of the agency.</summary>
    public async Task<int> QueueAsync(StorageTransaction tx, string agencyId, IReadOnlyCollection<string> ids, string dossierId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE certificate_requests SET state = 'queued', dossier_id = @dossierId, updated_at = @now WHERE {database.InList("id", "ids")} " +
            "AND agency_id = @agencyId AND state = 'draft'", new { ids = ids.ToArray(), agencyId, dossierId, now = Now }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>Takes a queued request out of its dossier, back to draft.</summary>
    public async Task<bool> UnqueueAsync(StorageTransaction tx, string id, string dossierId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificate_requests SET state = 'draft', dossier_id = NULL, updated_at = @now WHERE id = @id AND dossier_id = @dossierId AND state = 'queued'",
            new { id, dossierId, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Moves every item of a dossier from <paramref name="from"/> to <paramref name="to"/>; returns how many.</summary>
    public Task<int> MoveDossierItemsAsync(StorageTransaction tx, string dossierId, string from, string to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificate_requests SET state = @to, updated_at = @now WHERE dossier_id = @dossierId AND state = @from",
            new { dossierId, from, to, now = Now }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>Closes a submitted request as done or rejected; false when it was closed already.</summary>
    public async Task<bool> CloseAsync(StorageTransaction tx, string id, string state, string? issuedCertificateId, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificate_requests SET state = @state, issued_certificate_id = @issuedCertificateId, outcome_note = @note, closed_at = @now, " +
            "updated_at = @now WHERE id = @id AND state = 'submitted'", new { id, state, issuedCertificateId, note, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>How many items of a dossier are still open (not done or rejected).</summary>
    public async Task<long> OpenCountAsync(StorageTransaction tx, string dossierId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM certificate_requests WHERE dossier_id = @dossierId AND state NOT IN ('done', 'rejected')",
            new { dossierId }, tx.Transaction, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<GccRequest>> QueryAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<GccRequest>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }
}
