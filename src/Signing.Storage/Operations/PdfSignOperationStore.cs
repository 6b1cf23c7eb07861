using Dapper;

namespace Signing.Storage.Operations;

/// <summary>A prepared two-step PDF signature, as stored.</summary>
public sealed record PdfSignOperation(
    string Id, string AgencyId, string KeyId, string CreatedBy, string Level, string StateJson, byte[] SignedAttributes,
    byte[] PreparedPdf, string DocumentSha256, long CreatedAt, long ExpiresAt, long? CompletedAt);

/// <summary>
/// Two-step signatures in the database, so any node can complete what another prepared and a restart loses nothing.
/// Completion is claimed with one conditional UPDATE, which both SQLite and PostgreSQL apply atomically.
/// </summary>
public sealed class PdfSignOperationStore(Database database)
{
    private const string Columns =
        "id AS Id, agency_id AS AgencyId, key_id AS KeyId, created_by AS CreatedBy, level AS Level, state_json AS StateJson, " +
        "signed_attributes AS SignedAttributes, prepared_pdf AS PreparedPdf, document_sha256 AS DocumentSha256, " +
        "created_at AS CreatedAt, expires_at AS ExpiresAt, completed_at AS CompletedAt";

    /// <summary>Stores a prepared operation.</summary>
    public async Task CreateAsync(PdfSignOperation operation, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO pdf_sign_operations (id, agency_id, key_id, created_by, level, state_json, signed_attributes, prepared_pdf, " +
            "document_sha256, created_at, expires_at) VALUES (@Id, @AgencyId, @KeyId, @CreatedBy, @Level, @StateJson, @SignedAttributes, " +
            "@PreparedPdf, @DocumentSha256, @CreatedAt, @ExpiresAt)", operation, cancellationToken: ct));
    }

    /// <summary>Finds an operation by id.</summary>
    public async Task<PdfSignOperation?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PdfSignOperation>(new CommandDefinition(
            $"SELECT {Columns} FROM pdf_sign_operations WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>
    /// Marks the operation completed if it is still open and unexpired, dropping the stored document; true for exactly
    /// one caller however many nodes race.
    /// </summary>
    public async Task<bool> TryClaimAsync(string id, long now, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE pdf_sign_operations SET completed_at = @now, prepared_pdf = @empty " +
            "WHERE id = @id AND completed_at IS NULL AND expires_at > @now",
            new { id, now, empty = Array.Empty<byte>() }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// As <see cref="TryClaimAsync(string, long, CancellationToken)"/>, inside <paramref name="transaction"/>: the signed
    /// document can then be stored in the same transaction, so that a completion is never claimed without its result.
    /// </summary>
    public async Task<bool> TryClaimAsync(StorageTransaction transaction, string id, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return await transaction.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE pdf_sign_operations SET completed_at = @now, prepared_pdf = @empty " +
            "WHERE id = @id AND completed_at IS NULL AND expires_at > @now",
            new { id, now, empty = Array.Empty<byte>() }, transaction.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Deletes operations that expired before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(long before, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM pdf_sign_operations WHERE expires_at < @before", new { before }, cancellationToken: ct));
    }
}
