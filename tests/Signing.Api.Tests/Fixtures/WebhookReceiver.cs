using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// A calling system's webhook endpoint on Kestrel, inside the test: records every POST as it arrived (headers and raw
/// body) and answers 200, or 500 for as many deliveries of an event type as it was told to fail.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>One POST as it arrived.</summary>
    public sealed record Received(string Id, long Timestamp, string Signature, string Body, int AnsweredStatus)
    {
        /// <summary>The event's type, from the body.</summary>
        public string Type => Json.GetProperty("type").GetString()!;

        /// <summary>The parsed body.</summary>
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    /// <summary>Where to subscribe.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Everything received so far, in arrival order.</summary>
    public IReadOnlyList<Received> All => [.. _received];

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Answers the next <paramref name="times"/> deliveries of <paramref name="eventType"/> with 500.</summary>
    public void Fail(string eventType, int times) => _failuresLeft[eventType] = times;

    /// <summary>Waits until a delivery of each of <paramref name="eventIds"/> was answered 200; fails the test after <paramref name="timeout"/>.</summary>
    public Task WaitForDeliveredAsync(IEnumerable<string> eventIds, TimeSpan timeout)
    {
        var wanted = eventIds.ToHashSet(StringComparer.Ordinal);
        return WaitUntilAsync(() => wanted.IsSubsetOf(All.Where(r => r.AnsweredStatus == 200).Select(r => r.Id)),
            () => $"undelivered events: {string.Join(", ", wanted.Except(All.Where(r => r.AnsweredStatus == 200).Select(r => r.Id)))}", timeout);
    }

    /// <summary>Waits until a delivered event matches <paramref name="match"/> and returns it.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, string what, TimeSpan timeout)
    {
        await WaitUntilAsync(() => All.Any(r => r.AnsweredStatus == 200 && match(r)), () => $"no delivered {what} event; got {Summary()}", timeout);
        return All.First(r => r.AnsweredStatus == 200 && match(r));
    }

    /// <summary>The types and ids received, for failure messages.</summary>
    public string Summary() => string.Join("; ", All.Select(r => $"{r.Type} {r.Id} → {r.AnsweredStatus}"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> done, Func<string> failure, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(50);
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var type = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString()!;
        var fail = _failuresLeft.TryGetValue(type, out var left) && left > 0 && _failuresLeft.TryUpdate(type, left - 1, left);
        var status = fail ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
        _received.Enqueue(new Received(
            context.Request.Headers["webhook-id"].ToString(),
            long.Parse(context.Request.Headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
            context.Request.Headers["webhook-signature"].ToString(),
            body,
            status));
        context.Response.StatusCode = status;
    }
}
