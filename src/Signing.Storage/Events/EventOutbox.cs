using Dapper;
using Signing.Storage.Jobs;

namespace Signing.Storage.Events;

/// <summary>An event written in the same transaction as the state change it reports.</summary>
/// <param name="Id">The event id, the same on every delivery attempt (receivers de-duplicate on it).</param>
/// <param name="AgencyId">The agency whose resource changed.</param>
/// <param name="ClientId">The calling system the event belongs to (it submitted the request); null for agency-wide events.</param>
/// <param name="Type">E.g. <c>request.created</c>, <c>step.completed</c>, <c>certificate.revoked</c>.</param>
/// <param name="SubjectId">The request or certificate the event is about.</param>
/// <param name="Payload">The JSON body delivered to webhooks.</param>
/// <param name="CreatedAt">When it happened (Unix ms).</param>
public sealed record OutboxEvent(string Id, string AgencyId, string? ClientId, string Type, string? SubjectId, string Payload, long CreatedAt);

/// <summary>A calling system's webhook endpoint.</summary>
/// <param name="Id">The subscription id.</param>
/// <param name="AgencyId">The client's agency.</param>
/// <param name="ClientId">The calling system.</param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Secret">The HMAC-SHA256 key (<c>whsec_</c> + base64), shown to the client once.</param>
/// <param name="Events">The event types it receives, comma-separated.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="DisabledAt">When it was disabled (by its owner, or by a 410 Gone answer).</param>
/// <param name="DisabledReason">Why.</param>
public sealed record WebhookSubscription(
    string Id, string AgencyId, string ClientId, string Url, string Secret, string Events, long CreatedAt, long? DisabledAt, string? DisabledReason)
{
    /// <summary>The event types it receives.</summary>
    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One event's delivery to one subscription.</summary>
/// <param name="Id">The delivery id.</param>
/// <param name="EventId">The event.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="State">pending, delivered, abandoned (gave up after the retry window) or disabled (the endpoint answered 410).</param>
/// <param name="Attempts">How many POSTs were made.</param>
/// <param name="NextAttemptAt">When the next is due.</param>
/// <param name="LastStatus">The last HTTP status, if any answer came.</param>
/// <param name="LastError">The last failure.</param>
/// <param name="DeliveredAt">When a 2xx came back.</param>
/// <param name="CreatedAt">When the delivery was created.</param>
public sealed record WebhookDelivery(
    string Id, string EventId, string SubscriptionId, string State, long Attempts, long? NextAttemptAt, long? LastStatus, string? LastError,
    long? DeliveredAt, long CreatedAt);

/// <summary>One POST of a delivery.</summary>
/// <param name="Id">The attempt id.</param>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="At">When it was made.</param>
/// <param name="Status">The HTTP status, or null when no answer came.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Node">Which node made it.</param>
public sealed record WebhookAttempt(string Id, string DeliveryId, long At, long? Status, string? Error, long DurationMs, string Node);

/// <summary>
/// The transactional outbox (after eShop's integration event log): an event, a delivery for every subscription that
/// wants it, and a queued job for each delivery are written in the caller's transaction, so an event exists exactly
/// when its state change does; jobs then deliver it at least once from whichever node claims them.
/// </summary>
public sealed class EventOutbox(Database database, JobStore jobs, TimeProvider clock)
{
    /// <summary>The job kind that delivers one webhook.</summary>
    public const string DeliveryJobKind = "webhook";

    private const string SubscriptionColumns =
        "id AS Id, agency_id AS AgencyId, client_id AS ClientId, url AS Url, secret AS Secret, events AS Events, created_at AS CreatedAt, " +
        "disabled_at AS DisabledAt, disabled_reason AS DisabledReason";

    private const string DeliveryColumns =
        "id AS Id, event_id AS EventId, subscription_id AS SubscriptionId, state AS State, attempts AS Attempts, next_attempt_at AS NextAttemptAt, " +
        "last_status AS LastStatus, last_error AS LastError, delivered_at AS DeliveredAt, created_at AS CreatedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Writes <paramref name="outboxEvent"/> and queues its deliveries inside <paramref name="tx"/>.</summary>
    public async Task AddAsync(StorageTransaction tx, OutboxEvent outboxEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(outboxEvent);
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbox_events (id, agency_id, client_id, type, subject_id, payload, created_at) " +
            "VALUES (@Id, @AgencyId, @ClientId, @Type, @SubjectId, @Payload, @CreatedAt)", outboxEvent, tx.Transaction, cancellationToken: ct));
        // A client's events go to its own endpoints only; agency-wide events (certificates) to every endpoint of the agency.
        var subscriptions = await tx.Connection.QueryAsync<WebhookSubscription>(new CommandDefinition(
            $"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE agency_id = @AgencyId AND disabled_at IS NULL " +
            "AND (@ClientId IS NULL OR client_id = @ClientId)", outboxEvent, tx.Transaction, cancellationToken: ct));
        foreach (var subscription in subscriptions.Where(s => s.EventList.Contains(outboxEvent.Type, StringComparer.Ordinal)))
        {
            var deliveryId = NewId();
            await tx.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO webhook_deliveries (id, event_id, subscription_id, state, attempts, next_attempt_at, created_at) " +
                "VALUES (@deliveryId, @eventId, @subscriptionId, 'pending', 0, @now, @now)",
                new { deliveryId, eventId = outboxEvent.Id, subscriptionId = subscription.Id, now = Now }, tx.Transaction, cancellationToken: ct));
            await jobs.EnqueueAsync(tx, DeliveryJobKind, deliveryId, maxAttempts: int.MaxValue, ct: ct);
        }
    }

    /// <summary>Creates a subscription.</summary>
    public async Task<WebhookSubscription> SubscribeAsync(string agencyId, string clientId, string url, string secret, IEnumerable<string> events, CancellationToken ct)
    {
        var subscription = new WebhookSubscription(NewId(), agencyId, clientId, url, secret, string.Join(',', events), Now, null, null);
        await ExecuteAsync(
            "INSERT INTO webhook_subscriptions (id, agency_id, client_id, url, secret, events, created_at) " +
            "VALUES (@Id, @AgencyId, @ClientId, @Url, @Secret, @Events, @CreatedAt)", subscription, ct);
        return subscription;
    }

    /// <summary>A calling system's subscriptions.</summary>
    public Task<IReadOnlyList<WebhookSubscription>> SubscriptionsAsync(string clientId, CancellationToken ct)
        => QueryAsync<WebhookSubscription>($"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE client_id = @clientId ORDER BY created_at, id",
            new { clientId }, ct);

    /// <summary>A subscription by id.</summary>
    public async Task<WebhookSubscription?> SubscriptionAsync(string id, CancellationToken ct)
        => (await QueryAsync<WebhookSubscription>($"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE id = @id", new { id }, ct)).SingleOrDefault();

    /// <summary>Stops deliveries to a subscription; false when it was already disabled.</summary>
    public async Task<bool> DisableAsync(string id, string reason, CancellationToken ct)
        => await ExecuteAsync(
            "UPDATE webhook_subscriptions SET disabled_at = @now, disabled_reason = @reason WHERE id = @id AND disabled_at IS NULL",
            new { id, reason, now = Now }, ct) == 1;

    /// <summary>A delivery with its event and subscription, for the job that sends it.</summary>
    public async Task<(WebhookDelivery Delivery, OutboxEvent Event, WebhookSubscription Subscription)?> DeliveryAsync(string deliveryId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var delivery = await connection.QuerySingleOrDefaultAsync<WebhookDelivery>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @deliveryId", new { deliveryId }, cancellationToken: ct));
        if (delivery is null)
        {
            return null;
        }

        var outboxEvent = await connection.QuerySingleAsync<OutboxEvent>(new CommandDefinition(
            "SELECT id AS Id, agency_id AS AgencyId, client_id AS ClientId, type AS Type, subject_id AS SubjectId, payload AS Payload, created_at AS CreatedAt " +
            "FROM outbox_events WHERE id = @EventId", delivery, cancellationToken: ct));
        var subscription = await connection.QuerySingleAsync<WebhookSubscription>(new CommandDefinition(
            $"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE id = @SubscriptionId", delivery, cancellationToken: ct));
        return (delivery, outboxEvent, subscription);
    }

    /// <summary>Logs a POST and moves the delivery to <paramref name="state"/> (pending with the next attempt time, delivered, abandoned, disabled).</summary>
    public async Task RecordAttemptAsync(
        string deliveryId, int? status, string? error, long durationMs, string node, string state, DateTimeOffset? nextAttemptAt, CancellationToken ct)
    {
        await using var tx = await database.BeginWriteAsync($"delivery:{deliveryId}", ct);
        var now = Now;
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhook_attempts (id, delivery_id, at, status, error, duration_ms, node) VALUES (@id, @deliveryId, @now, @status, @error, @durationMs, @node)",
            new { id = NewId(), deliveryId, now, status, error, durationMs, node }, tx.Transaction, cancellationToken: ct));
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, state = @state, last_status = @status, last_error = @error, " +
            "next_attempt_at = @next, delivered_at = CASE WHEN @state = 'delivered' THEN @now ELSE delivered_at END WHERE id = @deliveryId",
            new { deliveryId, state, status, error, next = nextAttemptAt?.ToUnixTimeMilliseconds(), now }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>The deliveries of a subscription (newest first), optionally of one event.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string subscriptionId, string? eventId, int limit, CancellationToken ct)
        => QueryAsync<WebhookDelivery>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE subscription_id = @subscriptionId AND (@eventId IS NULL OR event_id = @eventId) " +
            "ORDER BY created_at DESC LIMIT @limit", new { subscriptionId, eventId, limit = Math.Clamp(limit, 1, 500) }, ct);

    /// <summary>Every POST of a delivery, oldest first.</summary>
    public Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(string deliveryId, CancellationToken ct)
        => QueryAsync<WebhookAttempt>(
            "SELECT id AS Id, delivery_id AS DeliveryId, at AS At, status AS Status, error AS Error, duration_ms AS DurationMs, node AS Node " +
            "FROM webhook_attempts WHERE delivery_id = @deliveryId ORDER BY at", new { deliveryId }, ct);

    /// <summary>The events about a subject (a request, a certificate), oldest first.</summary>
    public Task<IReadOnlyList<OutboxEvent>> EventsAboutAsync(string subjectId, CancellationToken ct)
        => QueryAsync<OutboxEvent>(
            "SELECT id AS Id, agency_id AS AgencyId, client_id AS ClientId, type AS Type, subject_id AS SubjectId, payload AS Payload, created_at AS CreatedAt " +
            "FROM outbox_events WHERE subject_id = @subjectId ORDER BY created_at, id", new { subjectId }, ct);

    /// <summary>Sends a delivery again by hand: it goes back to pending and a new job is queued.</summary>
    public async Task<bool> RedeliverAsync(string deliveryId, CancellationToken ct)
    {
        await using var tx = await database.BeginWriteAsync("webhooks", ct);
        var changed = await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = @now WHERE id = @deliveryId AND state <> 'pending'",
            new { deliveryId, now = Now }, tx.Transaction, cancellationToken: ct)) == 1;
        if (changed)
        {
            await jobs.EnqueueAsync(tx, DeliveryJobKind, deliveryId, maxAttempts: int.MaxValue, ct: ct);
        }

        await tx.CommitAsync(ct);
        return changed;
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private static string NewId() => TimeOrderedIds.New();
}
