using Dapper;

namespace Signing.Storage.Certificates;

/// <summary>A merger of agencies into one, from its plan to the merge itself.</summary>
/// <param name="Id">The merger id.</param>
/// <param name="AgencyId">The agency whose certificate admin runs it.</param>
/// <param name="State">planned, confirmed (its dossier exists) or completed (the agencies were merged).</param>
/// <param name="Input">What was asked, JSON: the merging agencies, the new one, the per-person mapping.</param>
/// <param name="Plan">The plan computed from it, JSON.</param>
/// <param name="SurvivorAgencyId">The agency that becomes the new one (its agency certificate gets the change of information).</param>
/// <param name="DossierId">The dossier that carries the plan's requests.</param>
/// <param name="CreatedBy">Who planned it.</param>
/// <param name="CreatedAt">When (Unix ms).</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="ConfirmedAt">When the dossier was made.</param>
/// <param name="CompletedAt">When the agencies were merged.</param>
public sealed record Merger(
    string Id, string AgencyId, string State, string Input, string Plan, string? SurvivorAgencyId, string? DossierId, string CreatedBy, long CreatedAt,
    long UpdatedAt, long? ConfirmedAt, long? CompletedAt);

/// <summary>The states of a merger.</summary>
public static class MergerStates
{
    /// <summary>Planned; the input and plan may still change.</summary>
    public const string Planned = "planned";

    /// <summary>Confirmed: its dossier exists.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>The GCC's answers are in and the agencies were merged.</summary>
    public const string Completed = "completed";
}

/// <summary>Mergers, each state change conditional on the state it leaves.</summary>
public sealed class MergerStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, agency_id AS AgencyId, state AS State, input AS Input, plan AS Plan, survivor_agency_id AS SurvivorAgencyId, dossier_id AS DossierId, " +
        "created_by AS CreatedBy, created_at AS CreatedAt, updated_at AS UpdatedAt, confirmed_at AS ConfirmedAt, completed_at AS CompletedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Stores a new merger.</summary>
    public async Task InsertAsync(Merger merger, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO mergers (id, agency_id, state, input, plan, survivor_agency_id, dossier_id, created_by, created_at, updated_at, confirmed_at, completed_at) " +
            "VALUES (@Id, @AgencyId, @State, @Input, @Plan, @SurvivorAgencyId, @DossierId, @CreatedBy, @CreatedAt, @UpdatedAt, @ConfirmedAt, @CompletedAt)",
            merger, cancellationToken: ct));
    }

    /// <summary>A merger by id.</summary>
    public async Task<Merger?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Merger>(new CommandDefinition($"SELECT {Columns} FROM mergers WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>The merger a dossier belongs to.</summary>
    public async Task<Merger?> ForDossierAsync(string dossierId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Merger>(new CommandDefinition(
            $"SELECT {Columns} FROM mergers WHERE dossier_id = @dossierId", new { dossierId }, cancellationToken: ct));
    }

    /// <summary>An agency's mergers, newest first.</summary>
    public async Task<IReadOnlyList<Merger>> ListAsync(string agencyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<Merger>(new CommandDefinition(
            $"SELECT {Columns} FROM mergers WHERE agency_id = @agencyId ORDER BY id DESC", new { agencyId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Confirmed mergers whose dossier has no open item left: ready to merge the agencies.</summary>
    public async Task<IReadOnlyList<Merger>> ReadyAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<Merger>(new CommandDefinition(
            $"SELECT {Columns} FROM mergers m WHERE state = 'confirmed' AND dossier_id IS NOT NULL AND NOT EXISTS " +
            "(SELECT 1 FROM certificate_requests r WHERE r.dossier_id = m.dossier_id AND r.state NOT IN ('done', 'rejected'))",
            cancellationToken: ct))).AsList();
    }

    /// <summary>Replaces a planned merger's input and plan; false when it was confirmed meanwhile.</summary>
    public async Task<bool> ReplanAsync(string id, string input, string plan, string? survivorAgencyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mergers SET input = @input, plan = @plan, survivor_agency_id = @survivorAgencyId, updated_at = @now WHERE id = @id AND state = 'planned'",
            new { id, input, plan, survivorAgencyId, now = Now }, cancellationToken: ct)) == 1;
    }

    /// <summary>Planned to confirmed, with its dossier.</summary>
    public async Task<bool> ConfirmAsync(StorageTransaction tx, string id, string dossierId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mergers SET state = 'confirmed', dossier_id = @dossierId, confirmed_at = @now, updated_at = @now WHERE id = @id AND state = 'planned'",
            new { id, dossierId, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Confirmed to completed.</summary>
    public async Task<bool> CompleteAsync(StorageTransaction tx, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mergers SET state = 'completed', completed_at = @now, updated_at = @now WHERE id = @id AND state = 'confirmed'",
            new { id, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
    }
}
