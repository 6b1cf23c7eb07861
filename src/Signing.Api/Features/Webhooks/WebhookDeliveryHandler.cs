using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Jobs;
using Signing.Storage.Events;
using Signing.Storage.Jobs;

namespace Signing.Api.Features.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Webhooks";

    /// <summary>How long a delivery keeps being retried before it is abandoned (default 24 hours).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The first retry's delay; each further retry doubles it (default 10 s).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest delay between two attempts (default 1 hour).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one POST may take (default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether subscriptions may use plain http to hosts other than loopback (default false).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
        => RetryWindow <= TimeSpan.Zero || RetryBaseDelay <= TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay || Timeout <= TimeSpan.Zero
            ? ["Webhooks: RetryWindow, RetryBaseDelay and Timeout must be positive, and MaxRetryDelay at least RetryBaseDelay."]
            : [];
}

/// <summary>
/// Delivers one event to one endpoint, at least once: a 2xx counts as delivered; 410 Gone disables the subscription;
/// anything else (or no answer) is retried with exponential back-off, honouring <c>Retry-After</c>, until the retry
/// window closes. Every attempt is logged with its status, error, duration and node.
/// </summary>
public sealed partial class WebhookDeliveryHandler(
    EventOutbox outbox, IHttpClientFactory httpClients, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDeliveryHandler> logger)
    : IJobHandler
{
    /// <summary>The named HTTP client deliveries go through.</summary>
    public const string HttpClientName = "webhooks";

    /// <inheritdoc />
    public string Kind => EventOutbox.DeliveryJobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(Job job, string node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var found = await outbox.DeliveryAsync(job.Payload ?? "", ct);
        if (found is not { } delivery || delivery.Delivery.State != "pending")
        {
            return JobOutcome.Completed;
        }

        var (record, outboxEvent, subscription) = delivery;
        if (subscription.DisabledAt is not null)
        {
            await outbox.RecordAttemptAsync(record.Id, null, "the subscription is disabled", 0, node, "disabled", null, ct);
            return JobOutcome.Completed;
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(outboxEvent.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, outboxEvent.Id);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscription.Secret, outboxEvent.Id, timestamp, outboxEvent.Payload));

        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        TimeSpan? retryAfter = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            retryAfter = response.Headers.RetryAfter?.Delta
                ?? (response.Headers.RetryAfter?.Date is { } date ? date - clock.GetUtcNow() : null);
            if (!response.IsSuccessStatusCode)
            {
                error = $"HTTP {status} {response.ReasonPhrase}";
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            error = exception is TaskCanceledException ? $"no answer within {options.Value.Timeout.TotalSeconds:0.#} s" : exception.Message;
        }

        var elapsed = stopwatch.ElapsedMilliseconds;
        if (status is >= 200 and < 300)
        {
            await outbox.RecordAttemptAsync(record.Id, status, null, elapsed, node, "delivered", null, ct);
            return JobOutcome.Completed;
        }

        if (status == (int)HttpStatusCode.Gone)
        {
            await outbox.DisableAsync(subscription.Id, "the endpoint answered 410 Gone", ct);
            await outbox.RecordAttemptAsync(record.Id, status, error, elapsed, node, "disabled", null, ct);
            LogDisabled(logger, subscription.Id);
            return JobOutcome.Completed;
        }

        var now = clock.GetUtcNow();
        if (now - DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAt) >= options.Value.RetryWindow)
        {
            await outbox.RecordAttemptAsync(record.Id, status, error, elapsed, node, "abandoned", null, ct);
            return JobOutcome.Completed;
        }

        var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks,
            options.Value.RetryBaseDelay.Ticks * (1L << (int)Math.Min(record.Attempts, 20))));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < options.Value.MaxRetryDelay ? asked : options.Value.MaxRetryDelay;
        }

        var next = now + delay;
        await outbox.RecordAttemptAsync(record.Id, status, error, elapsed, node, "pending", next, ct);
        return JobOutcome.Retry(next, error ?? "not delivered");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook subscription {SubscriptionId} disabled: its endpoint answered 410 Gone")]
    private static partial void LogDisabled(ILogger logger, string subscriptionId);
}
