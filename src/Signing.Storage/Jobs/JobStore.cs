using Dapper;

namespace Signing.Storage.Jobs;

/// <summary>A queued piece of background work, as stored.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Kind">What to run, e.g. <c>webhook</c>, <c>email</c>, <c>reminders</c>.</param>
/// <param name="UniqueKey">Keeps one job per key (a recurring scan); null for ordinary jobs.</param>
/// <param name="Payload">The job's input (JSON or an id).</param>
/// <param name="State">available, running, completed or discarded.</param>
/// <param name="Priority">Lower runs first.</param>
/// <param name="RunAt">Not before this time (Unix ms).</param>
/// <param name="Attempts">How many times it was claimed.</param>
/// <param name="MaxAttempts">After this many failed attempts it is discarded.</param>
/// <param name="ClaimedBy">The node running it.</param>
/// <param name="LeaseUntil">When another node may take it over if this one died.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="FinishedAt">When it completed or was discarded.</param>
public sealed record Job(
    string Id, string Kind, string? UniqueKey, string? Payload, string State, long Priority, long RunAt, long Attempts, long MaxAttempts,
    string? ClaimedBy, long? LeaseUntil, string? LastError, long CreatedAt, long? FinishedAt);

/// <summary>
/// The job queue every node works from. One statement claims work: available rows due now, in priority and time
/// order, updated to running with the node and a lease. On PostgreSQL the candidate rows are locked with
/// <c>FOR UPDATE SKIP LOCKED</c>, so nodes claiming at once take different jobs; SQLite is a single node and claims
/// inside its write turn. A completion only touches a job this node still holds; a rescuer returns jobs whose lease
/// ran out (their node died) to the queue, or discards them after their last attempt.
/// </summary>
public sealed class JobStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, kind AS Kind, unique_key AS UniqueKey, payload AS Payload, state AS State, priority AS Priority, run_at AS RunAt, " +
        "attempts AS Attempts, max_attempts AS MaxAttempts, claimed_by AS ClaimedBy, lease_until AS LeaseUntil, last_error AS LastError, " +
        "created_at AS CreatedAt, finished_at AS FinishedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Queues a job inside the caller's transaction, so it exists exactly when the change that needs it does.</summary>
    public Task EnqueueAsync(StorageTransaction tx, string kind, string? payload, DateTimeOffset? runAt = null, int maxAttempts = 10,
        int priority = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO jobs (id, kind, payload, state, priority, run_at, attempts, max_attempts, created_at) " +
            "VALUES (@id, @kind, @payload, 'available', @priority, @runAt, 0, @maxAttempts, @now)",
            new { id = NewId(), kind, payload, priority, runAt = runAt?.ToUnixTimeMilliseconds() ?? Now, maxAttempts, now = Now },
            tx.Transaction, cancellationToken: ct));
    }

    /// <summary>Makes sure a recurring job with <paramref name="uniqueKey"/> exists (it reschedules itself when it runs).</summary>
    public async Task EnsureRecurringAsync(string kind, string uniqueKey, DateTimeOffset firstRun, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO jobs (id, kind, unique_key, state, priority, run_at, attempts, max_attempts, created_at) " +
            "VALUES (@id, @kind, @uniqueKey, 'available', 0, @runAt, 0, 1000000, @now) ON CONFLICT (unique_key) DO NOTHING",
            new { id = NewId(), kind, uniqueKey, runAt = firstRun.ToUnixTimeMilliseconds(), now = Now }, cancellationToken: ct));
    }

    /// <summary>Claims up to <paramref name="limit"/> due jobs of <paramref name="kinds"/> for <paramref name="node"/>.</summary>
    public async Task<IReadOnlyList<Job>> ClaimAsync(string node, IReadOnlyCollection<string> kinds, int limit, TimeSpan lease, CancellationToken ct)
    {
        var now = Now;
        var parameters = new { node, kinds = kinds.ToArray(), limit, now, leaseUntil = now + (long)lease.TotalMilliseconds };
        await using var connection = await database.OpenAsync(ct);
        if (database.Provider == StorageProvider.Postgres)
        {
            return (await connection.QueryAsync<Job>(new CommandDefinition(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = @node, lease_until = @leaseUntil " +
                $"WHERE id IN (SELECT id FROM jobs WHERE state = 'available' AND run_at <= @now AND {database.InList("kind", "kinds")} " +
                "ORDER BY priority, run_at LIMIT @limit FOR UPDATE SKIP LOCKED) " +
                $"RETURNING {Columns}", parameters, cancellationToken: ct))).AsList();
        }

        await using var transaction = await database.BeginExclusiveAsync(connection, "jobs", ct);
        var claimed = (await connection.QueryAsync<Job>(new CommandDefinition(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = @node, lease_until = @leaseUntil " +
            $"WHERE id IN (SELECT id FROM jobs WHERE state = 'available' AND run_at <= @now AND {database.InList("kind", "kinds")} ORDER BY priority, run_at LIMIT @limit) " +
            $"RETURNING {Columns}", parameters, transaction, cancellationToken: ct))).AsList();
        await transaction.CommitAsync(ct);
        return claimed;
    }

    /// <summary>Extends the lease of a job this node still runs; false when it lost the job.</summary>
    public async Task<bool> RenewAsync(string id, string node, TimeSpan lease, CancellationToken ct)
        => await ExecuteAsync(
            "UPDATE jobs SET lease_until = @leaseUntil WHERE id = @id AND claimed_by = @node AND state = 'running'",
            new { id, node, leaseUntil = Now + (long)lease.TotalMilliseconds }, ct) == 1;

    /// <summary>Marks a job this node holds completed; false when it no longer held it.</summary>
    public async Task<bool> CompleteAsync(string id, string node, CancellationToken ct)
        => await RecordRunAsync(id, node, "completed",
            "UPDATE jobs SET state = 'completed', finished_at = @now, lease_until = NULL WHERE id = @id AND claimed_by = @node AND state = 'running'",
            new { id, node, now = Now }, ct);

    /// <summary>Completes a job inside the caller's transaction (the job's effect and its completion commit together).</summary>
    public async Task<bool> CompleteAsync(StorageTransaction tx, string id, string node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var done = await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET state = 'completed', finished_at = @now, lease_until = NULL WHERE id = @id AND claimed_by = @node AND state = 'running'",
            new { id, node, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
        if (done)
        {
            await InsertRunAsync(tx.Connection, tx.Transaction, id, node, "completed", ct);
        }

        return done;
    }

    /// <summary>Puts a recurring job back in the queue for its next run.</summary>
    public Task<bool> RescheduleAsync(string id, string node, DateTimeOffset next, CancellationToken ct)
        => RecordRunAsync(id, node, "completed",
            "UPDATE jobs SET state = 'available', run_at = @next, attempts = 0, claimed_by = NULL, lease_until = NULL, last_error = NULL " +
            "WHERE id = @id AND claimed_by = @node AND state = 'running'",
            new { id, node, next = next.ToUnixTimeMilliseconds() }, ct);

    /// <summary>Returns a failed job to the queue to run at <paramref name="retryAt"/>, or discards it after its last attempt.</summary>
    public Task<bool> FailAsync(Job job, string node, string error, DateTimeOffset retryAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var discard = job.Attempts >= job.MaxAttempts;
        return RecordRunAsync(job.Id, node, discard ? "discarded" : "failed",
            discard
                ? "UPDATE jobs SET state = 'discarded', last_error = @error, finished_at = @now, lease_until = NULL WHERE id = @id AND claimed_by = @node AND state = 'running'"
                : "UPDATE jobs SET state = 'available', last_error = @error, run_at = @retryAt, claimed_by = NULL, lease_until = NULL " +
                  "WHERE id = @id AND claimed_by = @node AND state = 'running'",
            new { id = job.Id, node, error = Truncate(error), retryAt = retryAt.ToUnixTimeMilliseconds(), now = Now }, ct);
    }

    /// <summary>Returns running jobs whose lease expired to the queue (or discards them after their last attempt); returns how many.</summary>
    public async Task<int> RescueAsync(CancellationToken ct)
    {
        var now = Now;
        return await ExecuteAsync(
            "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'discarded' ELSE 'available' END, " +
            "finished_at = CASE WHEN attempts >= max_attempts THEN @now ELSE finished_at END, " +
            "last_error = 'the node running it stopped renewing its lease', claimed_by = NULL, lease_until = NULL " +
            "WHERE state = 'running' AND lease_until < @now",
            new { now }, ct);
    }

    /// <summary>A job by id.</summary>
    public async Task<Job?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Job>(new CommandDefinition($"SELECT {Columns} FROM jobs WHERE id = @id", new { id }, cancellationToken: ct));
    }

    private async Task<bool> RecordRunAsync(string id, string node, string outcome, string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct)) == 1;
        if (changed)
        {
            await InsertRunAsync(connection, null, id, node, outcome, ct);
        }

        return changed;
    }

    private async Task InsertRunAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, string id, string node,
        string outcome, CancellationToken ct)
        => await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_runs (id, job_id, kind, node, started_at, outcome) SELECT @runId, id, kind, @node, @now, @outcome FROM jobs WHERE id = @id",
            new { runId = NewId(), id, node, now = Now, outcome }, transaction, cancellationToken: ct));

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];

    private static string NewId() => TimeOrderedIds.New();
}
