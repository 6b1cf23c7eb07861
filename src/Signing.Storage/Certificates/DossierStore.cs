using Dapper;

namespace Signing.Storage.Certificates;

/// <summary>A dossier (hồ sơ): a batch of one agency's GCC requests, approved by its head's signature, sent to the GCC.</summary>
/// <param name="Id">The dossier id.</param>
/// <param name="AgencyId">The managing agency.</param>
/// <param name="Title">Its title on the PDF.</param>
/// <param name="State">draft, awaiting-signature, signed, submitted, in-progress or completed.</param>
/// <param name="MergerId">The merger that made it.</param>
/// <param name="SignatureRequestId">The signature request that took the PDF to the head.</param>
/// <param name="HeadUserId">The head who signs it.</param>
/// <param name="PdfSha256">The SHA-256 of the PDF sent for signature.</param>
/// <param name="DispatchNumber">The dispatch number (số công văn) it went to the GCC under.</param>
/// <param name="DispatchDate">The dispatch date (yyyy-MM-dd).</param>
/// <param name="SubmittedAt">When it was recorded as submitted (Unix ms).</param>
/// <param name="DueDate">The day the GCC's answer is due (yyyy-MM-dd, working days from the dispatch date).</param>
/// <param name="CompletedAt">When its last item was closed.</param>
/// <param name="Note">Why it came back to draft, if it did.</param>
/// <param name="CreatedBy">Who made it.</param>
/// <param name="CreatedAt">When (Unix ms).</param>
/// <param name="UpdatedAt">Last change (Unix ms).</param>
public sealed record Dossier(
    string Id, string AgencyId, string Title, string State, string? MergerId, string? SignatureRequestId, string? HeadUserId, string? PdfSha256,
    string? DispatchNumber, string? DispatchDate, long? SubmittedAt, string? DueDate, long? CompletedAt, string? Note, string CreatedBy, long CreatedAt,
    long UpdatedAt);

/// <summary>The states of a dossier.</summary>
public static class DossierStates
{
    /// <summary>Gathering requests.</summary>
    public const string Draft = "draft";

    /// <summary>The PDF waits for the head's signature in the signature-request workflow.</summary>
    public const string AwaitingSignature = "awaiting-signature";

    /// <summary>The head signed it.</summary>
    public const string Signed = "signed";

    /// <summary>Sent to the GCC (dispatch recorded, or the signed package taken).</summary>
    public const string Submitted = "submitted";

    /// <summary>The GCC's first answers came in.</summary>
    public const string InProgress = "in-progress";

    /// <summary>Every item is done or rejected.</summary>
    public const string Completed = "completed";

    /// <summary>Every state.</summary>
    public static IReadOnlyList<string> All { get; } = [Draft, AwaitingSignature, Signed, Submitted, InProgress, Completed];
}

/// <summary>Dossiers and their state changes, each conditional on the state it leaves.</summary>
public sealed class DossierStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, agency_id AS AgencyId, title AS Title, state AS State, merger_id AS MergerId, signature_request_id AS SignatureRequestId, " +
        "head_user_id AS HeadUserId, pdf_sha256 AS PdfSha256, dispatch_number AS DispatchNumber, dispatch_date AS DispatchDate, " +
        "submitted_at AS SubmittedAt, due_date AS DueDate, completed_at AS CompletedAt, note AS Note, created_by AS CreatedBy, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Stores a new dossier inside <paramref name="tx"/>.</summary>
    public Task InsertAsync(StorageTransaction tx, Dossier dossier, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dossiers (id, agency_id, title, state, merger_id, signature_request_id, head_user_id, pdf_sha256, dispatch_number, dispatch_date, " +
            "submitted_at, due_date, completed_at, note, created_by, created_at, updated_at) VALUES (@Id, @AgencyId, @Title, @State, @MergerId, " +
            "@SignatureRequestId, @HeadUserId, @PdfSha256, @DispatchNumber, @DispatchDate, @SubmittedAt, @DueDate, @CompletedAt, @Note, @CreatedBy, " +
            "@CreatedAt, @UpdatedAt)", dossier, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>A dossier by id.</summary>
    public async Task<Dossier?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Dossier>(new CommandDefinition($"SELECT {Columns} FROM dossiers WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>An agency's dossiers, newest first; with <paramref name="overdueOn"/> only those submitted and due before that day.</summary>
    public async Task<IReadOnlyList<Dossier>> ListAsync(string agencyId, string? state, string? overdueOn, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<Dossier>(new CommandDefinition(
            $"SELECT {Columns} FROM dossiers WHERE agency_id = @agencyId AND (@state IS NULL OR state = @state) " +
            "AND (@overdueOn IS NULL OR (state IN ('submitted', 'in-progress') AND due_date < @overdueOn)) ORDER BY id DESC LIMIT @limit",
            new { agencyId, state, overdueOn, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct))).AsList();
    }

    /// <summary>The PDF sent for signature.</summary>
    public async Task<byte[]?> PdfAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition("SELECT pdf FROM dossiers WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>The dossier whose PDF a signature request carries.</summary>
    public async Task<Dossier?> ForSignatureRequestAsync(StorageTransaction tx, string requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.QuerySingleOrDefaultAsync<Dossier>(new CommandDefinition(
            $"SELECT {Columns} FROM dossiers WHERE signature_request_id = @requestId", new { requestId }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>Draft to awaiting-signature, with the PDF and the signature request that carries it.</summary>
    public async Task<bool> SendAsync(StorageTransaction tx, string id, string requestId, string headUserId, byte[] pdf, string pdfSha256, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dossiers SET state = 'awaiting-signature', signature_request_id = @requestId, head_user_id = @headUserId, pdf = @pdf, " +
            "pdf_sha256 = @pdfSha256, note = NULL, updated_at = @now WHERE id = @id AND state = 'draft'",
            new { id, requestId, headUserId, pdf, pdfSha256, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Awaiting-signature to signed, when the head's signature completed <paramref name="requestId"/>.</summary>
    public async Task<bool> MarkSignedAsync(StorageTransaction tx, string id, string requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dossiers SET state = 'signed', updated_at = @now WHERE id = @id AND signature_request_id = @requestId AND state = 'awaiting-signature'",
            new { id, requestId, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Awaiting-signature back to draft, when the head rejected or returned the PDF (or it expired).</summary>
    public async Task<bool> ReturnToDraftAsync(StorageTransaction tx, string id, string requestId, string note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dossiers SET state = 'draft', signature_request_id = NULL, note = @note, updated_at = @now " +
            "WHERE id = @id AND signature_request_id = @requestId AND state = 'awaiting-signature'",
            new { id, requestId, note, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Signed to submitted, with the dispatch and the due date.</summary>
    public async Task<bool> SubmitAsync(StorageTransaction tx, string id, string? dispatchNumber, string dispatchDate, string dueDate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dossiers SET state = 'submitted', dispatch_number = @dispatchNumber, dispatch_date = @dispatchDate, due_date = @dueDate, " +
            "submitted_at = @now, updated_at = @now WHERE id = @id AND state = 'signed'",
            new { id, dispatchNumber, dispatchDate, dueDate, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Submitted to in-progress at the first answer; false when it had moved on already.</summary>
    public async Task<bool> StartAsync(StorageTransaction tx, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dossiers SET state = 'in-progress', updated_at = @now WHERE id = @id AND state = 'submitted'",
            new { id, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Submitted or in-progress to completed.</summary>
    public async Task<bool> CompleteAsync(StorageTransaction tx, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dossiers SET state = 'completed', completed_at = @now, updated_at = @now WHERE id = @id AND state IN ('submitted', 'in-progress')",
            new { id, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }
}
