using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Signing.Api.Features.Web.Live;

/// <summary>
/// Server-sent events written on the response of the request that does the work, so progress needs no state shared
/// between nodes: each event is a name and a JSON object, flushed at once. Read them in the page with
/// <c>postForEvents</c> from <c>wwwroot/js/live.js</c>.
/// </summary>
public sealed class EventStream
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpResponse _response;

    internal EventStream(HttpResponse response) => _response = response;

    /// <summary>Sends one event; <paramref name="data"/> is serialised as camel-case JSON on one line.</summary>
    /// <param name="name">The event name, e.g. <c>stage</c>; letters, digits and dashes only.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="ct">Cancels the write (the person left the page).</param>
    public async Task SendAsync(string name, object data, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"Event name '{name}' may hold only letters, digits and dashes.", nameof(name));
        }

        // Serialised JSON has no raw line breaks, so one data line carries it whole.
        await _response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", ct);
        await _response.Body.FlushAsync(ct);
    }
}

/// <summary>
/// A page handler's answer that streams <see cref="EventStream"/> events while <paramref name="produce"/> works. The
/// status (200) and headers go out before the work starts, so the work reports its own failures as events.
/// </summary>
/// <param name="produce">Does the work and sends its events; cancelled when the person leaves the page.</param>
public sealed class EventStreamResult(Func<EventStream, CancellationToken, Task> produce) : IActionResult
{
    /// <summary>The media type of server-sent events.</summary>
    public const string ContentType = "text/event-stream";

    /// <inheritdoc />
    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var response = http.Response;
        response.ContentType = ContentType + "; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        // Reverse proxies (nginx) would otherwise hold events back until their buffer fills.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(http.RequestAborted);
        await produce(new EventStream(response), http.RequestAborted);
    }
}
