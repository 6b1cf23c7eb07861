using System.Security.Cryptography;
using Dapper;

namespace Signing.Storage.Requests;

/// <summary>
/// Signature requests, their steps, document revisions, approvals and history. Reads open their own connection;
/// every change runs inside a <see cref="StorageTransaction"/> and is conditional on the state it read
/// (<c>UPDATE … WHERE state = @expected</c>, rows affected checked), so two nodes or two clicks cannot both move a
/// step, and a crash leaves each step done once or not at all.
/// </summary>
public sealed class SignatureRequestStore(Database database)
{
    // Room for the revisions of a few hundred requests in flight: a step reads the revision the step before it wrote.
    private const long RevisionCacheBytes = 64L * 1024 * 1024;

    private readonly RevisionCache _revisions = new(RevisionCacheBytes);

    private const string RequestColumns =
        "id AS Id, agency_id AS AgencyId, title AS Title, document_type AS DocumentType, symbol_pattern AS SymbolPattern, urgency AS Urgency, " +
        "secrecy AS Secrecy, deadline AS Deadline, submitter_kind AS SubmitterKind, submitter_id AS SubmitterId, submitter_name AS SubmitterName, " +
        "client_id AS ClientId, external_ref AS ExternalRef, state AS State, supersedes_id AS SupersedesId, series AS Series, number AS Number, " +
        "number_year AS NumberYear, symbol AS Symbol, issued_date AS IssuedDate, completed_at AS CompletedAt, version AS Version, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string StepColumns =
        "id AS Id, request_id AS RequestId, ordinal AS Ordinal, kind AS Kind, state AS State, assignees AS Assignees, " +
        "required_approvals AS RequiredApprovals, capacity AS Capacity, capacity_title AS CapacityTitle, delegate_user_id AS DelegateUserId, " +
        "anchor AS Anchor, page AS Page, rect AS Rect, anchor_line AS AnchorLine, input_sha256 AS InputSha256, output_sha256 AS OutputSha256, actor_id AS ActorId, " +
        "actor_name AS ActorName, key_id AS KeyId, image_box AS ImageBox, last_reminded_at AS LastRemindedAt, started_at AS StartedAt, " +
        "completed_at AS CompletedAt";

    private const string DocumentColumns =
        "request_id AS RequestId, document_index AS DocumentIndex, revision AS Revision, kind AS Kind, name AS Name, sha256 AS Sha256, " +
        "length AS Length, signatures AS Signatures, step_id AS StepId, created_at AS CreatedAt";

    private const string HistoryColumns =
        "seq AS Seq, request_id AS RequestId, step_id AS StepId, at AS At, actor AS Actor, action AS Action, capacity AS Capacity, " +
        "input_sha256 AS InputSha256, output_sha256 AS OutputSha256, details AS Details";

    private const string RequestById = $"SELECT {RequestColumns} FROM signature_requests WHERE id = @id";

    private const string StepsOfRequest = $"SELECT {StepColumns} FROM signature_request_steps WHERE request_id = @requestId ORDER BY ordinal";

    private const string DocumentsOfRequest =
        $"SELECT {DocumentColumns} FROM signature_request_documents WHERE request_id = @requestId ORDER BY document_index, revision";

    private const string HistoryOfRequest = $"SELECT {HistoryColumns} FROM signature_request_history WHERE request_id = @requestId ORDER BY seq";

    /// <summary>A request by id.</summary>
    public Task<SignatureRequest?> FindAsync(string id, CancellationToken ct)
        => QuerySingleAsync<SignatureRequest>(RequestById, new { id }, ct);

    /// <summary>A request by its calling system's own reference.</summary>
    public Task<SignatureRequest?> FindByExternalRefAsync(string clientId, string externalRef, CancellationToken ct)
        => QuerySingleAsync<SignatureRequest>(
            $"SELECT {RequestColumns} FROM signature_requests WHERE client_id = @clientId AND external_ref = @externalRef",
            new { clientId, externalRef }, ct);

    /// <summary>The request a step belongs to, or null.</summary>
    public Task<string?> RequestOfStepAsync(string stepId, CancellationToken ct)
        => QuerySingleAsync<string>("SELECT request_id FROM signature_request_steps WHERE id = @stepId", new { stepId }, ct);

    /// <summary>A request's steps in route order.</summary>
    public Task<IReadOnlyList<RequestStep>> StepsAsync(string requestId, CancellationToken ct)
        => QueryAsync<RequestStep>(StepsOfRequest, new { requestId }, ct);

    /// <summary>The stored revisions of a request's documents, without their bytes.</summary>
    public Task<IReadOnlyList<RequestDocument>> DocumentsAsync(string requestId, CancellationToken ct)
        => QueryAsync<RequestDocument>(DocumentsOfRequest, new { requestId }, ct);

    /// <summary>The bytes of one revision, or null.</summary>
    /// <remarks>A revision stored as what it appends to an earlier one is put together from that chain of rows.</remarks>
    public async Task<byte[]?> ContentAsync(string requestId, long documentIndex, long revision, CancellationToken ct)
    {
        if (_revisions.Find(requestId, documentIndex, revision) is { } cached)
        {
            return cached.AsSpan().ToArray();
        }

        var chain = await QueryAsync<StoredPart>(
            "WITH RECURSIVE chain (revision, appends_to, length, content) AS (" +
            "SELECT revision, appends_to, length, content FROM signature_request_documents " +
            "WHERE request_id = @requestId AND document_index = @documentIndex AND revision = @revision " +
            "UNION ALL SELECT d.revision, d.appends_to, d.length, d.content FROM signature_request_documents d JOIN chain c " +
            "ON d.request_id = @requestId AND d.document_index = @documentIndex AND d.revision = c.appends_to) " +
            "SELECT revision AS Revision, appends_to AS AppendsTo, length AS Length, content AS Content FROM chain ORDER BY revision DESC",
            new { requestId, documentIndex, revision }, ct);
        if (chain.Count == 0)
        {
            return null;
        }

        var whole = new byte[chain[0].Length];
        for (var i = 0; i < chain.Count; i++)
        {
            // Each part holds the end of its revision; the revision it appends to, next in the chain, ends where it starts.
            var part = chain[i];
            var start = part.Length - part.Content.LongLength;
            var expectedStart = part.AppendsTo is null ? 0 : i + 1 < chain.Count && chain[i + 1].Revision == part.AppendsTo ? chain[i + 1].Length : -1;
            if (start != expectedStart)
            {
                throw new InvalidDataException($"Revision {part.Revision} of document {documentIndex} of request {requestId} is stored inconsistently.");
            }

            part.Content.CopyTo(whole, start);
        }

        _revisions.Add(requestId, documentIndex, revision, whole);
        return whole.AsSpan().ToArray();
    }

    /// <summary>A request's history, oldest first.</summary>
    public Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string requestId, CancellationToken ct)
        => QueryAsync<HistoryEntry>(HistoryOfRequest, new { requestId }, ct);

    /// <summary>Who approved a review step.</summary>
    public Task<IReadOnlyList<string>> ApprovalsAsync(string stepId, CancellationToken ct)
        => QueryAsync<string>("SELECT user_id FROM signature_request_approvals WHERE step_id = @stepId ORDER BY at, user_id", new { stepId }, ct);

    /// <summary>
    /// A request with its steps, document revisions (without their bytes), history and review approvals, read in one
    /// snapshot so that they agree: a step shown completed has its revision among the documents. Null when there is no
    /// such request.
    /// </summary>
    public async Task<RequestSnapshot?> SnapshotAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await database.BeginSnapshotAsync(connection, ct);
        var request = await connection.QuerySingleOrDefaultAsync<SignatureRequest>(new CommandDefinition(RequestById, new { id }, transaction, cancellationToken: ct));
        if (request is null)
        {
            return null;
        }

        var requestId = id;
        var steps = (await connection.QueryAsync<RequestStep>(new CommandDefinition(StepsOfRequest, new { requestId }, transaction, cancellationToken: ct))).AsList();
        var documents = (await connection.QueryAsync<RequestDocument>(
            new CommandDefinition(DocumentsOfRequest, new { requestId }, transaction, cancellationToken: ct))).AsList();
        var history = (await connection.QueryAsync<HistoryEntry>(new CommandDefinition(HistoryOfRequest, new { requestId }, transaction, cancellationToken: ct))).AsList();
        var approvals = await connection.QueryAsync<StepApproval>(new CommandDefinition(
            "SELECT a.step_id AS StepId, a.user_id AS UserId FROM signature_request_approvals a " +
            "JOIN signature_request_steps s ON s.id = a.step_id WHERE s.request_id = @requestId ORDER BY a.at, a.user_id",
            new { requestId }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return new RequestSnapshot(request, steps, documents, history,
            approvals.GroupBy(approval => approval.StepId).ToDictionary(group => group.Key, group => (IReadOnlyList<string>)[.. group.Select(a => a.UserId)]));
    }

    /// <summary>Requests matching <paramref name="query"/>, newest first.</summary>
    public Task<IReadOnlyList<SignatureRequest>> ListAsync(RequestQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string> { "r.agency_id = @AgencyId" };
        var parameters = new DynamicParameters(new
        {
            query.AgencyId,
            query.State,
            query.ClientId,
            query.SubmitterId,
            query.ActorUserId,
            query.ActedByUserId,
            query.Urgency,
            query.After,
            Search = query.Search is { Length: > 0 } text ? $"%{text.ToLowerInvariant()}%" : null,
            Limit = Math.Clamp(query.Limit, 1, 200),
        });
        if (query.State is not null)
        {
            where.Add("r.state = @State");
        }

        if (query.ClientId is not null)
        {
            where.Add("r.client_id = @ClientId");
        }

        if (query.SubmitterId is not null)
        {
            where.Add("r.submitter_id = @SubmitterId");
        }

        if (query.Urgency is not null)
        {
            where.Add("r.urgency = @Urgency");
        }

        if (query.After is not null)
        {
            where.Add("r.id < @After");
        }

        if (query.Search is not null)
        {
            where.Add("(LOWER(r.title) LIKE @Search OR LOWER(COALESCE(r.symbol, '')) LIKE @Search OR LOWER(COALESCE(r.external_ref, '')) LIKE @Search)");
        }

        if (query.ActorUserId is not null)
        {
            // To do: the active step names this person, one of their roles, or delegates to them.
            var assignees = new List<string> { "'user:' || @ActorUserId" };
            var roles = query.ActorRoles ?? [];
            for (var i = 0; i < roles.Count; i++)
            {
                parameters.Add($"Role{i}", "role:" + roles[i]);
                assignees.Add($"@Role{i}");
            }

            var matches = string.Join(" OR ", assignees.Select(a => $"(',' || s.assignees || ',') LIKE ('%,' || {a} || ',%')"));
            where.Add("r.state = 'in-progress'");
            where.Add("EXISTS (SELECT 1 FROM signature_request_steps s WHERE s.request_id = r.id AND s.state = 'active' " +
                $"AND ((s.delegate_user_id IS NULL AND ({matches})) OR s.delegate_user_id = @ActorUserId) " +
                "AND NOT EXISTS (SELECT 1 FROM signature_request_approvals a WHERE a.step_id = s.id AND a.user_id = @ActorUserId))");
        }

        if (query.ActedByUserId is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM signature_request_steps s WHERE s.request_id = r.id AND s.actor_id = @ActedByUserId) " +
                "OR EXISTS (SELECT 1 FROM signature_request_approvals a JOIN signature_request_steps s ON s.id = a.step_id " +
                "WHERE s.request_id = r.id AND a.user_id = @ActedByUserId)");
            where[^1] = $"({where[^1]})";
        }

        return QueryAsync<SignatureRequest>(
            $"SELECT {Prefixed(RequestColumns, "r")} FROM signature_requests r WHERE {string.Join(" AND ", where)} ORDER BY r.id DESC LIMIT @Limit",
            parameters, ct);
    }

    /// <summary>The registered requests of an agency's year and series, in number order: the register of outgoing documents.</summary>
    public Task<IReadOnlyList<SignatureRequest>> RegisterAsync(string agencyId, long year, string? series, CancellationToken ct)
        => QueryAsync<SignatureRequest>(
            $"SELECT {RequestColumns} FROM signature_requests WHERE agency_id = @agencyId AND number_year = @year AND number IS NOT NULL " +
            "AND (@series IS NULL OR series = @series) ORDER BY series, number",
            new { agencyId, year, series }, ct);

    /// <summary>Active steps of in-progress requests, with their request, for the reminder scan.</summary>
    public async Task<IReadOnlyList<(SignatureRequest Request, RequestStep Step)>> ActiveStepsAsync(int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<SignatureRequest, RequestStep, (SignatureRequest, RequestStep)>(new CommandDefinition(
            $"SELECT {Prefixed(RequestColumns, "r")}, {Prefixed(StepColumns, "s")} FROM signature_request_steps s " +
            "JOIN signature_requests r ON r.id = s.request_id WHERE s.state = 'active' AND r.state = 'in-progress' ORDER BY s.started_at LIMIT @limit",
            new { limit }, cancellationToken: ct), (request, step) => (request, step), splitOn: "Id");
        return rows.AsList();
    }

    /// <summary>In-progress requests whose deadline passed before <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<SignatureRequest>> OverdueAsync(long now, int limit, CancellationToken ct)
        => QueryAsync<SignatureRequest>(
            $"SELECT {RequestColumns} FROM signature_requests WHERE state = 'in-progress' AND deadline IS NOT NULL AND deadline < @now " +
            "ORDER BY deadline LIMIT @limit", new { now, limit }, ct);

    /// <summary>Stores a new request, with the submission's Idempotency-Key when it had one.</summary>
    public Task InsertAsync(StorageTransaction tx, SignatureRequest request, string? idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExecuteAsync(tx,
            "INSERT INTO signature_requests (id, agency_id, title, document_type, symbol_pattern, urgency, secrecy, deadline, submitter_kind, " +
            "submitter_id, submitter_name, client_id, external_ref, state, supersedes_id, series, version, created_at, updated_at, idempotency_key) VALUES " +
            "(@Id, @AgencyId, @Title, @DocumentType, @SymbolPattern, @Urgency, @Secrecy, @Deadline, @SubmitterKind, @SubmitterId, @SubmitterName, " +
            "@ClientId, @ExternalRef, @State, @SupersedesId, @Series, @Version, @CreatedAt, @UpdatedAt, @IdempotencyKey)",
            new
            {
                request.Id,
                request.AgencyId,
                request.Title,
                request.DocumentType,
                request.SymbolPattern,
                request.Urgency,
                request.Secrecy,
                request.Deadline,
                request.SubmitterKind,
                request.SubmitterId,
                request.SubmitterName,
                request.ClientId,
                request.ExternalRef,
                request.State,
                request.SupersedesId,
                request.Series,
                request.Version,
                request.CreatedAt,
                request.UpdatedAt,
                IdempotencyKey = idempotencyKey,
            }, ct);
    }

    /// <summary>The request a submitter created with <paramref name="idempotencyKey"/>, or null.</summary>
    public Task<SignatureRequest?> FindByIdempotencyKeyAsync(string submitterKind, string submitterId, string idempotencyKey, CancellationToken ct)
        => QuerySingleAsync<SignatureRequest>(
            $"SELECT {RequestColumns} FROM signature_requests WHERE submitter_kind = @submitterKind AND submitter_id = @submitterId " +
            "AND idempotency_key = @idempotencyKey", new { submitterKind, submitterId, idempotencyKey }, ct);

    /// <summary>Stores a step.</summary>
    public Task InsertStepAsync(StorageTransaction tx, RequestStep step, CancellationToken ct)
        => ExecuteAsync(tx,
            "INSERT INTO signature_request_steps (id, request_id, ordinal, kind, state, assignees, required_approvals, capacity, capacity_title, " +
            "anchor, page, rect, anchor_line, started_at) VALUES (@Id, @RequestId, @Ordinal, @Kind, @State, @Assignees, @RequiredApprovals, " +
            "@Capacity, @CapacityTitle, @Anchor, @Page, @Rect, @AnchorLine, @StartedAt)", step, ct);

    /// <summary>Stores a document revision with its bytes.</summary>
    /// <param name="tx">The unit of work.</param>
    /// <param name="document">The revision.</param>
    /// <param name="content">Its bytes; once the transaction commits the store keeps this array for later reads, so it must not change.</param>
    /// <param name="extends">
    /// The stored revision of the same document that <paramref name="content"/> is expected to extend by an incremental
    /// update. When that revision is stored and its bytes are the start of <paramref name="content"/> (compared with
    /// its bytes when this node holds them, else with the SHA-256 recorded for it), only the bytes after them are
    /// stored; otherwise the whole.
    /// </param>
    /// <param name="ct">Cancels the write.</param>
    public async Task InsertDocumentAsync(StorageTransaction tx, RequestDocument document, byte[] content, RequestDocument? extends, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(content);
        long? appendsTo = null;
        var stored = content;
        if (extends is not null && extends.RequestId == document.RequestId && extends.DocumentIndex == document.DocumentIndex
            && extends.Revision >= 0 && extends.Revision < document.Revision)
        {
            var earlier = await tx.Connection.QuerySingleOrDefaultAsync<StoredRevision>(new CommandDefinition(
                "SELECT length AS Length, sha256 AS Sha256 FROM signature_request_documents " +
                "WHERE request_id = @RequestId AND document_index = @DocumentIndex AND revision = @Revision",
                new { extends.RequestId, extends.DocumentIndex, extends.Revision }, tx.Transaction, cancellationToken: ct));
            if (earlier is not null && earlier.Length < content.LongLength && StartsWith(content, extends, earlier))
            {
                appendsTo = extends.Revision;
                stored = content[(int)earlier.Length..];
            }
        }

        await ExecuteAsync(tx,
            "INSERT INTO signature_request_documents (request_id, document_index, revision, kind, name, sha256, length, signatures, content, appends_to, step_id, created_at) " +
            "VALUES (@RequestId, @DocumentIndex, @Revision, @Kind, @Name, @Sha256, @Length, @Signatures, @stored, @appendsTo, @StepId, @CreatedAt)",
            new
            {
                document.RequestId,
                document.DocumentIndex,
                document.Revision,
                document.Kind,
                document.Name,
                document.Sha256,
                document.Length,
                document.Signatures,
                stored,
                appendsTo,
                document.StepId,
                document.CreatedAt,
            }, ct);
        tx.OnCommitted(() => _revisions.Add(document.RequestId, document.DocumentIndex, document.Revision, content));
    }

    // Whether content begins with the stored revision: compared with its bytes when they are at hand, else by their hash.
    private bool StartsWith(byte[] content, RequestDocument earlier, StoredRevision stored)
    {
        var prefix = content.AsSpan(0, checked((int)stored.Length));
        return _revisions.Find(earlier.RequestId, earlier.DocumentIndex, earlier.Revision) is { } bytes
            ? prefix.SequenceEqual(bytes)
            : Convert.ToHexStringLower(SHA256.HashData(prefix)) == stored.Sha256;
    }

    /// <summary>Adds a line to a request's history.</summary>
    public Task AppendHistoryAsync(StorageTransaction tx, HistoryEntry entry, CancellationToken ct)
        => ExecuteAsync(tx,
            "INSERT INTO signature_request_history (request_id, step_id, at, actor, action, capacity, input_sha256, output_sha256, details) " +
            "VALUES (@RequestId, @StepId, @At, @Actor, @Action, @Capacity, @InputSha256, @OutputSha256, @Details)", entry, ct);

    /// <summary>Moves a request from one of <paramref name="from"/> to <paramref name="to"/>; false when it was in another state.</summary>
    public async Task<bool> TransitionAsync(StorageTransaction tx, string id, IReadOnlyList<string> from, string to, long now, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_requests SET state = @to, version = version + 1, updated_at = @now, " +
            $"completed_at = CASE WHEN @to = 'completed' THEN @now ELSE completed_at END WHERE id = @id AND {database.InList("state", "from")}",
            new { id, from = from.ToArray(), to, now }, ct) == 1;

    /// <summary>Bumps a request's version and time without changing its state; false when it is not in <paramref name="state"/>.</summary>
    public async Task<bool> TouchAsync(StorageTransaction tx, string id, string state, long now, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_requests SET version = version + 1, updated_at = @now WHERE id = @id AND state = @state",
            new { id, state, now }, ct) == 1;

    /// <summary>
    /// The next number of an agency's year and series: the counter row is created at 1 or incremented, inside the
    /// caller's transaction, so a rolled-back registration gives its number back and concurrent ones queue on the row.
    /// </summary>
    public async Task<long> NextNumberAsync(StorageTransaction tx, string agencyId, long year, string series, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await database.LockAsync(tx, $"numbers:{agencyId}:{year}:{series}", ct);
        return await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO document_number_counters (agency_id, year, series, last_number) VALUES (@agencyId, @year, @series, 1) " +
            "ON CONFLICT (agency_id, year, series) DO UPDATE SET last_number = document_number_counters.last_number + 1 RETURNING last_number",
            new { agencyId, year, series }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>
    /// The number <see cref="NextNumberAsync"/> would return now for an agency's year and series, read without taking
    /// it (for a clerk's preview before confirming).
    /// </summary>
    public async Task<long> PeekNextNumberAsync(string agencyId, long year, string series, CancellationToken ct)
        => (await QuerySingleAsync<long?>(
            "SELECT last_number FROM document_number_counters WHERE agency_id = @agencyId AND year = @year AND series = @series",
            new { agencyId, year, series }, ct) ?? 0) + 1;

    /// <summary>Writes a request's number, symbol and date of issue.</summary>
    public async Task<bool> SetNumberAsync(
        StorageTransaction tx, string id, long number, long year, string symbol, string issuedDate, long now, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_requests SET number = @number, number_year = @year, symbol = @symbol, issued_date = @issuedDate, " +
            "version = version + 1, updated_at = @now WHERE id = @id AND number IS NULL AND state = 'in-progress'",
            new { id, number, year, symbol, issuedDate, now }, ct) == 1;

    /// <summary>Makes a pending step the active one.</summary>
    public async Task<bool> ActivateStepAsync(StorageTransaction tx, string stepId, long now, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_request_steps SET state = 'active', started_at = @now WHERE id = @stepId AND state = 'pending'",
            new { stepId, now }, ct) == 1;

    /// <summary>
    /// Completes an active step with who did it and the revisions in and out; false when the step is no longer active,
    /// so a second, racing completion changes nothing.
    /// </summary>
    public async Task<bool> CompleteStepAsync(
        StorageTransaction tx, string stepId, string actorId, string actorName, string? inputSha256, string? outputSha256, string? keyId,
        string? imageBox, string? capacity, long now, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_request_steps SET state = 'done', actor_id = @actorId, actor_name = @actorName, input_sha256 = @inputSha256, " +
            "output_sha256 = @outputSha256, key_id = @keyId, image_box = @imageBox, capacity = COALESCE(@capacity, capacity), completed_at = @now " +
            "WHERE id = @stepId AND state = 'active'",
            new { stepId, actorId, actorName, inputSha256, outputSha256, keyId, imageBox, capacity, now }, ct) == 1;

    /// <summary>Cancels every pending or active step of a request (it was rejected, returned, withdrawn or expired).</summary>
    public Task<int> CancelOpenStepsAsync(StorageTransaction tx, string requestId, long now, CancellationToken ct)
        => ExecuteCountAsync(tx,
            "UPDATE signature_request_steps SET state = 'cancelled', completed_at = @now WHERE request_id = @requestId AND state IN ('pending', 'active')",
            new { requestId, now }, ct);

    /// <summary>Hands an active sign step to another official, in a capacity; false when the step is no longer active.</summary>
    public async Task<bool> DelegateStepAsync(
        StorageTransaction tx, string stepId, string delegateUserId, string capacity, string capacityTitle, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_request_steps SET delegate_user_id = @delegateUserId, capacity = @capacity, capacity_title = @capacityTitle " +
            "WHERE id = @stepId AND state = 'active'",
            new { stepId, delegateUserId, capacity, capacityTitle }, ct) == 1;

    /// <summary>Records a review approval once per person; returns the step's approvals so far, or -1 when this person had approved.</summary>
    public async Task<int> ApproveAsync(StorageTransaction tx, string stepId, string userId, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var inserted = await ExecuteCountAsync(tx,
            "INSERT INTO signature_request_approvals (step_id, user_id, at) VALUES (@stepId, @userId, @now) ON CONFLICT DO NOTHING",
            new { stepId, userId, now }, ct);
        if (inserted == 0)
        {
            return -1;
        }

        return await tx.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM signature_request_approvals WHERE step_id = @stepId", new { stepId }, tx.Transaction, cancellationToken: ct));
    }

    /// <summary>Marks a step's actors reminded, if nobody else did since <paramref name="previous"/>; true for one caller.</summary>
    public async Task<bool> MarkRemindedAsync(StorageTransaction tx, string stepId, long? previous, long now, CancellationToken ct)
        => await ExecuteCountAsync(tx,
            "UPDATE signature_request_steps SET last_reminded_at = @now WHERE id = @stepId AND state = 'active' " +
            "AND ((@previous IS NULL AND last_reminded_at IS NULL) OR last_reminded_at = @previous)",
            new { stepId, previous, now }, ct) == 1;

    private sealed record StoredRevision(long Length, string Sha256);

    private sealed record StepApproval(string StepId, string UserId);

    private sealed record StoredPart(long Revision, long? AppendsTo, long Length, byte[] Content);

    private static string Prefixed(string columns, string alias)
        => string.Join(", ", columns.Split(", ").Select(column => $"{alias}.{column}"));

    private async Task<T?> QuerySingleAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }

    private static Task ExecuteAsync(StorageTransaction tx, string sql, object parameters, CancellationToken ct)
        => ExecuteCountAsync(tx, sql, parameters, ct);

    private static Task<int> ExecuteCountAsync(StorageTransaction tx, string sql, object parameters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return tx.Connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx.Transaction, cancellationToken: ct));
    }
}
