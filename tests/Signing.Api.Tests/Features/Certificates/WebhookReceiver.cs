using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signing.Api.Tests.Features.Certificates;

/// <summary>
/// A webhook endpoint on real Kestrel (loopback, a free port) that keeps every POST it receives with its headers, as a
/// calling system's receiver would; the service delivers to it over the network like to any other.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>One POST: its body's event type, the body and the Standard Webhooks headers.</summary>
    public sealed record Delivery(string Type, string Body, string? Id, string? Timestamp, string? Signature);

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The URL to subscribe.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts a receiver on 127.0.0.1 and a free port.</summary>
    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var type = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString() ?? "";
            receiver._received.Enqueue(new Delivery(type, body, context.Request.Headers["webhook-id"], context.Request.Headers["webhook-timestamp"],
                context.Request.Headers["webhook-signature"]));
            receiver._arrived.Release();
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Waits until a delivery of <paramref name="type"/> has arrived, or fails after <paramref name="timeout"/>.</summary>
    public async Task<Delivery> WaitForAsync(string type, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_received.FirstOrDefault(d => d.Type == type) is { } found)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"No {type} webhook within {timeout.TotalSeconds} s; received: {string.Join(", ", _received.Select(d => d.Type))}");
            await _arrived.WaitAsync(left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
