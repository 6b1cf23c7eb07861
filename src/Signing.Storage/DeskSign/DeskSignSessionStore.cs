using Dapper;

namespace Signing.Storage.DeskSign;

/// <summary>A desk-signing session, as stored (without the token hashes and the signed document).</summary>
public sealed record DeskSignSession(
    string Id, string AgencyId, string KeyId, string CreatedBy, string FileName, byte[] OriginalPdf, string OriginalSha256,
    long OriginalSignatures, string ExpectedThumbprint, long CreatedAt, long ExpiresAt, long? DownloadedAt, long? SignedAt,
    string? SignedSha256, string? StepId = null)
{
    /// <summary>pending, downloaded, signed or expired, at <paramref name="now"/> (Unix milliseconds).</summary>
    public string Status(long now)
        => SignedAt is not null ? "signed" : ExpiresAt <= now ? "expired" : DownloadedAt is not null ? "downloaded" : "pending";
}

/// <summary>
/// Desk-signing sessions in the database, so the desk signer may download from one node and upload to another. Each
/// one-time use is claimed with one conditional UPDATE, which SQLite and PostgreSQL both apply atomically, so a replay
/// or a concurrent second request finds the row already claimed.
/// </summary>
public sealed class DeskSignSessionStore(Database database)
{
    private const string Columns =
        "id AS Id, agency_id AS AgencyId, key_id AS KeyId, created_by AS CreatedBy, file_name AS FileName, original_pdf AS OriginalPdf, " +
        "original_sha256 AS OriginalSha256, original_signatures AS OriginalSignatures, expected_thumbprint AS ExpectedThumbprint, " +
        "created_at AS CreatedAt, expires_at AS ExpiresAt, downloaded_at AS DownloadedAt, signed_at AS SignedAt, signed_sha256 AS SignedSha256, " +
        "step_id AS StepId";

    /// <summary>Stores a new session with the SHA-256 hashes (hex) of its two tokens.</summary>
    public async Task CreateAsync(DeskSignSession session, string downloadTokenHash, string uploadTokenHash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO desk_sign_sessions (id, agency_id, key_id, created_by, file_name, original_pdf, original_sha256, original_signatures, " +
            "expected_thumbprint, download_token_hash, upload_token_hash, created_at, expires_at, step_id) VALUES (@Id, @AgencyId, @KeyId, @CreatedBy, " +
            "@FileName, @OriginalPdf, @OriginalSha256, @OriginalSignatures, @ExpectedThumbprint, @downloadTokenHash, @uploadTokenHash, " +
            "@CreatedAt, @ExpiresAt, @StepId)",
            new
            {
                session.Id,
                session.AgencyId,
                session.KeyId,
                session.CreatedBy,
                session.FileName,
                session.OriginalPdf,
                session.OriginalSha256,
                session.OriginalSignatures,
                session.ExpectedThumbprint,
                downloadTokenHash,
                uploadTokenHash,
                session.CreatedAt,
                session.ExpiresAt,
                session.StepId,
            },
            cancellationToken: ct));
    }

    /// <summary>Finds a session by id.</summary>
    public async Task<DeskSignSession?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DeskSignSession>(new CommandDefinition(
            $"SELECT {Columns} FROM desk_sign_sessions WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Finds the session an upload token hash belongs to.</summary>
    public async Task<DeskSignSession?> FindByUploadTokenAsync(string uploadTokenHash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DeskSignSession>(new CommandDefinition(
            $"SELECT {Columns} FROM desk_sign_sessions WHERE upload_token_hash = @uploadTokenHash", new { uploadTokenHash }, cancellationToken: ct));
    }

    /// <summary>
    /// Marks the download token used if it is unused and unexpired and returns the session; null for every caller but
    /// the first, and for unknown or expired tokens.
    /// </summary>
    public async Task<DeskSignSession?> ClaimDownloadAsync(string downloadTokenHash, long now, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE desk_sign_sessions SET downloaded_at = @now " +
            "WHERE download_token_hash = @downloadTokenHash AND downloaded_at IS NULL AND expires_at > @now",
            new { downloadTokenHash, now }, cancellationToken: ct));
        return claimed != 1 ? null : await connection.QuerySingleOrDefaultAsync<DeskSignSession>(new CommandDefinition(
            $"SELECT {Columns} FROM desk_sign_sessions WHERE download_token_hash = @downloadTokenHash", new { downloadTokenHash }, cancellationToken: ct));
    }

    /// <summary>
    /// Stores the signed document and marks the upload token used if the session is unsigned and unexpired; true for
    /// exactly one caller however many nodes race.
    /// </summary>
    public async Task<bool> TryCompleteAsync(string id, byte[] signedPdf, string signedSha256, long now, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE desk_sign_sessions SET signed_at = @now, signed_pdf = @signedPdf, signed_sha256 = @signedSha256 " +
            "WHERE id = @id AND signed_at IS NULL AND expires_at > @now",
            new { id, signedPdf, signedSha256, now }, cancellationToken: ct)) == 1;
    }

    /// <summary>The signed document of a signed session, or null.</summary>
    public async Task<byte[]?> SignedPdfAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition(
            "SELECT signed_pdf FROM desk_sign_sessions WHERE id = @id AND signed_at IS NOT NULL", new { id }, cancellationToken: ct));
    }

    /// <summary>Deletes sessions that expired before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(long before, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM desk_sign_sessions WHERE expires_at < @before", new { before }, cancellationToken: ct));
    }
}
