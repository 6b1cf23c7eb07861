using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Jobs;
using Signing.Api.Hosting;
using Signing.Storage.Events;

namespace Signing.Api.Features.Webhooks;

/// <summary>The event types a calling system can subscribe to.</summary>
public static class WebhookEvents
{
    /// <summary>A request was submitted.</summary>
    public const string RequestCreated = "request.created";

    /// <summary>A step of a request was completed.</summary>
    public const string StepCompleted = "step.completed";

    /// <summary>A step was delegated to another official.</summary>
    public const string StepDelegated = "step.delegated";

    /// <summary>A request was rejected.</summary>
    public const string RequestRejected = "request.rejected";

    /// <summary>A request was returned to its submitter for revision.</summary>
    public const string RequestReturned = "request.returned";

    /// <summary>A request was withdrawn by its submitter.</summary>
    public const string RequestWithdrawn = "request.withdrawn";

    /// <summary>The last step was done: the document is issued.</summary>
    public const string RequestCompleted = "request.completed";

    /// <summary>An issued document was recalled.</summary>
    public const string RequestRecalled = "request.recalled";

    /// <summary>A request passed its deadline.</summary>
    public const string RequestExpired = "request.expired";

    /// <summary>Every type known today; the certificate watch adds its own.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RequestCreated, StepCompleted, StepDelegated, RequestRejected, RequestReturned, RequestWithdrawn, RequestCompleted, RequestRecalled, RequestExpired,
        "step.flagged", "certificate.expiring", "certificate.expired", "certificate.revoked",
    ];
}

/// <summary>
/// <c>/api/v1/webhooks</c>: a calling system subscribes a URL to event types and gets a secret once; it can list the
/// deliveries of its endpoints, read every attempt, and have an event delivered again.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>A new subscription.</summary>
    /// <param name="Url">The https URL events are POSTed to (http only to loopback, unless Webhooks:AllowHttp).</param>
    /// <param name="Events">The event types; see <see cref="WebhookEvents.All"/>.</param>
    public sealed record SubscribeRequest(string? Url, string[]? Events);

    /// <summary>A subscription as its owner sees it.</summary>
    /// <param name="Id">The subscription id.</param>
    /// <param name="Url">The endpoint.</param>
    /// <param name="Events">The event types.</param>
    /// <param name="CreatedAt">When it was made.</param>
    /// <param name="DisabledAt">When it was disabled.</param>
    /// <param name="DisabledReason">Why.</param>
    /// <param name="Secret">The signing secret: in the reply to its creation only.</param>
    public sealed record SubscriptionView(
        string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, string? DisabledReason, string? Secret);

    /// <summary>Registers webhook delivery.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>>(new ProblemListValidator<WebhookOptions>(options => options.Problems()));
        // Redirects would let an endpoint send our signed POST elsewhere.
        services.AddHttpClient(WebhookDeliveryHandler.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<IJobHandler, WebhookDeliveryHandler>();
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization(AuthenticationSetup.CallerPolicy);
        hooks.MapPost("", SubscribeAsync).Audited("webhook.subscribe");
        hooks.MapGet("", ListAsync);
        hooks.MapDelete("/{id}", DisableAsync).Audited("webhook.disable");
        hooks.MapGet("/{id}/deliveries", DeliveriesAsync);
        hooks.MapGet("/{id}/deliveries/{deliveryId}/attempts", AttemptsAsync);
        hooks.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync).Audited("webhook.redeliver");
        return app;
    }

    private static async Task<Results<Created<SubscriptionView>, ProblemHttpResult>> SubscribeAsync(
        SubscribeRequest request, HttpContext context, EventOutbox outbox, IOptions<WebhookOptions> options, AuditTrail trail, CancellationToken ct)
    {
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo))
        {
            return Failure.BadInput("Invalid URL", "url must be an absolute https URL without credentials.", "url").ToProblem(context);
        }

        if (url.Scheme == "http" && !options.Value.AllowHttp && !IsLoopback(url))
        {
            return Failure.BadInput("Insecure URL", "url must use https (plain http is accepted only for loopback, or with Webhooks:AllowHttp).", "url")
                .ToProblem(context);
        }

        var events = request.Events ?? [];
        if (events.Length == 0 || events.Any(type => !WebhookEvents.All.Contains(type, StringComparer.Ordinal)))
        {
            return Failure.BadInput("Unknown events", $"events must list one or more of: {string.Join(", ", WebhookEvents.All)}.", "events").ToProblem(context);
        }

        var actor = context.User.ToActor();
        var subscription = await outbox.SubscribeAsync(actor.AgencyId, actor.Id, url.ToString(), WebhookSignature.NewSecret(), events.Distinct(), ct);
        trail.Target = subscription.Id;
        trail.Add("url", subscription.Url).Add("events", subscription.Events);
        return TypedResults.Created($"/api/v1/webhooks/{subscription.Id}", View(subscription, withSecret: true));
    }

    private static async Task<Ok<List<SubscriptionView>>> ListAsync(HttpContext context, EventOutbox outbox, CancellationToken ct)
        => TypedResults.Ok((await outbox.SubscriptionsAsync(context.User.Subject()!, ct)).Select(s => View(s, withSecret: false)).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> DisableAsync(
        string id, HttpContext context, EventOutbox outbox, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        if (await OwnedAsync(id, context, outbox, ct) is null)
        {
            return NotFound(id, context);
        }

        await outbox.DisableAsync(id, "disabled by its owner", ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<WebhookDelivery>>, ProblemHttpResult>> DeliveriesAsync(
        string id, HttpContext context, EventOutbox outbox, CancellationToken ct, string? eventId = null, int limit = 100)
        => await OwnedAsync(id, context, outbox, ct) is null
            ? NotFound(id, context)
            : TypedResults.Ok(await outbox.DeliveriesAsync(id, eventId, limit, ct));

    private static async Task<Results<Ok<IReadOnlyList<WebhookAttempt>>, ProblemHttpResult>> AttemptsAsync(
        string id, string deliveryId, HttpContext context, EventOutbox outbox, CancellationToken ct)
    {
        var delivery = await OwnedDeliveryAsync(id, deliveryId, context, outbox, ct);
        return delivery is null ? NotFound(id, context) : TypedResults.Ok(await outbox.AttemptsAsync(deliveryId, ct));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RedeliverAsync(
        string id, string deliveryId, HttpContext context, EventOutbox outbox, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = deliveryId;
        if (await OwnedDeliveryAsync(id, deliveryId, context, outbox, ct) is null)
        {
            return NotFound(id, context);
        }

        return await outbox.RedeliverAsync(deliveryId, ct)
            ? TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries/{deliveryId}/attempts")
            : new Failure(FailureKind.Conflict, "delivery-pending", "Delivery pending", "The delivery is still pending; it will be retried.").ToProblem(context);
    }

    private static async Task<WebhookSubscription?> OwnedAsync(string id, HttpContext context, EventOutbox outbox, CancellationToken ct)
        => await outbox.SubscriptionAsync(id, ct) is { } subscription && subscription.ClientId == context.User.Subject() ? subscription : null;

    private static async Task<WebhookDelivery?> OwnedDeliveryAsync(string id, string deliveryId, HttpContext context, EventOutbox outbox, CancellationToken ct)
        => await OwnedAsync(id, context, outbox, ct) is not null && await outbox.DeliveryAsync(deliveryId, ct) is { } found
            && found.Subscription.Id == id
            ? found.Delivery
            : null;

    private static ProblemHttpResult NotFound(string id, HttpContext context)
        => new Failure(FailureKind.NotFound, "webhook-not-found", "Webhook not found", $"No webhook subscription '{id}' (or delivery) of yours.").ToProblem(context);

    private static bool IsLoopback(Uri url) => url.IsLoopback || (IPAddress.TryParse(url.Host, out var address) && IPAddress.IsLoopback(address));

    private static SubscriptionView View(WebhookSubscription s, bool withSecret) => new(
        s.Id, s.Url, s.EventList, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt),
        s.DisabledAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, s.DisabledReason, withSecret ? s.Secret : null);
}
