using Dapper;

namespace Signing.Storage.Agencies;

/// <summary>An agency with the fields mergers change: its parent body, and whether it was archived into another.</summary>
/// <param name="Id">The agency id.</param>
/// <param name="Code">Its identifier code (Decision 20/2020).</param>
/// <param name="Name">Its name.</param>
/// <param name="Province">Its province.</param>
/// <param name="ParentBody">The body above it (O in its agency certificate).</param>
/// <param name="CreatedAt">When it was created (Unix ms).</param>
/// <param name="ArchivedAt">When it was archived by a merger.</param>
/// <param name="MergedIntoId">The agency it merged into.</param>
public sealed record AgencyProfile(
    string Id, string Code, string Name, string? Province, string? ParentBody, long CreatedAt, long? ArchivedAt, string? MergedIntoId);

/// <summary>A past version of an agency's code and name, valid from one change to the next.</summary>
/// <param name="Id">The version id.</param>
/// <param name="AgencyId">The agency.</param>
/// <param name="Code">The code it had.</param>
/// <param name="Name">The name it had.</param>
/// <param name="Province">The province it had.</param>
/// <param name="ParentBody">The parent body it had.</param>
/// <param name="ValidFrom">From (Unix ms).</param>
/// <param name="ValidTo">Until (Unix ms).</param>
/// <param name="Reason">Why it changed, e.g. <c>merger MERGER_ID</c>.</param>
/// <param name="ChangedBy">Who changed it.</param>
public sealed record AgencyVersion(
    string Id, string AgencyId, string Code, string Name, string? Province, string? ParentBody, long ValidFrom, long ValidTo, string Reason, string ChangedBy);

/// <summary>
/// Agencies as mergers change them: codes and names are versioned (each change keeps the values it replaces, with the
/// time span they held), merged agencies are archived rather than deleted (their audit records and history keep
/// pointing at them), and people move between agencies.
/// </summary>
public sealed class AgencyStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, code AS Code, name AS Name, province AS Province, parent_body AS ParentBody, created_at AS CreatedAt, archived_at AS ArchivedAt, " +
        "merged_into_id AS MergedIntoId";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>An agency by id.</summary>
    public async Task<AgencyProfile?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AgencyProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM agencies WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>An agency by its current code.</summary>
    public async Task<AgencyProfile?> FindByCodeAsync(string code, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AgencyProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM agencies WHERE code = @code", new { code }, cancellationToken: ct));
    }

    /// <summary>The agencies in service (not archived by a merger), by name: the ones a merger may choose.</summary>
    public async Task<IReadOnlyList<AgencyProfile>> ListActiveAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<AgencyProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM agencies WHERE archived_at IS NULL ORDER BY name, code", cancellationToken: ct))).AsList();
    }

    /// <summary>The agency's past versions, oldest first (the current values are on the agency itself).</summary>
    public async Task<IReadOnlyList<AgencyVersion>> HistoryAsync(string agencyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<AgencyVersion>(new CommandDefinition(
            "SELECT id AS Id, agency_id AS AgencyId, code AS Code, name AS Name, province AS Province, parent_body AS ParentBody, valid_from AS ValidFrom, " +
            "valid_to AS ValidTo, reason AS Reason, changed_by AS ChangedBy FROM agency_versions WHERE agency_id = @agencyId ORDER BY valid_to, id",
            new { agencyId }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Gives an agency a new code, name, province and parent body, keeping the old ones as a version; false when its code is
    /// no longer <paramref name="expectedCode"/> (another change came first).
    /// </summary>
    public async Task<bool> RenameAsync(
        StorageTransaction tx, string agencyId, string expectedCode, string code, string name, string? province, string? parentBody, string reason,
        string changedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var current = await tx.Connection.QuerySingleOrDefaultAsync<AgencyProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM agencies WHERE id = @agencyId AND code = @expectedCode", new { agencyId, expectedCode }, tx.Transaction, cancellationToken: ct));
        if (current is null)
        {
            return false;
        }

        var now = Now;
        var since = await tx.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(valid_to) FROM agency_versions WHERE agency_id = @agencyId", new { agencyId }, tx.Transaction, cancellationToken: ct)) ?? current.CreatedAt;
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO agency_versions (id, agency_id, code, name, province, parent_body, valid_from, valid_to, reason, changed_by) " +
            "VALUES (@id, @agencyId, @Code, @Name, @Province, @ParentBody, @since, @now, @reason, @changedBy)",
            new { id = TimeOrderedIds.New(), agencyId, current.Code, current.Name, current.Province, current.ParentBody, since, now, reason, changedBy },
            tx.Transaction, cancellationToken: ct));
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE agencies SET code = @code, name = @name, province = @province, parent_body = @parentBody WHERE id = @agencyId AND code = @expectedCode",
            new { agencyId, expectedCode, code, name, province, parentBody }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Sets an agency's parent body (O of its agency certificate) without a new version (it is not a code or name).</summary>
    public async Task SetParentBodyAsync(string agencyId, string? parentBody, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE agencies SET parent_body = @parentBody WHERE id = @agencyId", new { agencyId, parentBody }, cancellationToken: ct));
    }

    /// <summary>Archives an agency merged into another; false when it was archived already.</summary>
    public async Task<bool> ArchiveAsync(StorageTransaction tx, string agencyId, string mergedIntoId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE agencies SET archived_at = @now, merged_into_id = @mergedIntoId WHERE id = @agencyId AND archived_at IS NULL",
            new { agencyId, mergedIntoId, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Moves a person to another agency with their new title (position) and e-mail.</summary>
    public async Task<bool> MovePersonAsync(StorageTransaction tx, string userId, string fromAgencyId, string toAgencyId, string? title, string? email, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET agency_id = @toAgencyId, title = COALESCE(@title, title), email = COALESCE(@email, email) WHERE id = @userId AND agency_id = @fromAgencyId",
            new { userId, fromAgencyId, toAgencyId, title, email }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Disables a person who leaves (their account stays, with its history).</summary>
    public async Task<bool> DisablePersonAsync(StorageTransaction tx, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET disabled_at = @now WHERE id = @userId AND disabled_at IS NULL", new { userId, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }
}
