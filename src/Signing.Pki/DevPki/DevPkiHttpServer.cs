using System.Net;

namespace Signing.Pki.DevPki;

/// <summary>
/// Serves a <see cref="DevPkiResponder"/> on http://127.0.0.1:PORT/ with <see cref="HttpListener"/>,
/// for the CLI's <c>devpki serve</c> and for tests.
/// </summary>
public sealed class DevPkiHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly DevPkiResponder _responder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private DevPkiHttpServer(HttpListener listener, DevPkiResponder responder, Uri baseUrl)
    {
        _listener = listener;
        _responder = responder;
        BaseUrl = baseUrl;
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address served, e.g. <c>http://127.0.0.1:8787/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/>.</summary>
    /// <exception cref="HttpListenerException">The port is taken.</exception>
    public static DevPkiHttpServer Start(DevPkiResponder responder, int port)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var listener = new HttpListener();
        listener.Prefixes.Add(baseUrl.ToString());
        listener.Start();
        return new DevPkiHttpServer(listener, responder, baseUrl);
    }

    /// <summary>Completes when the server stops.</summary>
    public Task Completion => _loop;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener aborts the pending accept.
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var request = context.Request;
            DevPkiHttpResponse answer;
            if (request.ContentLength64 > DevPkiResponder.MaxRequestBytes)
            {
                answer = new DevPkiHttpResponse(413, "text/plain", "request too large\n"u8.ToArray());
            }
            else
            {
                var body = await ReadBodyAsync(request.InputStream).ConfigureAwait(false);
                answer = body is null
                    ? new DevPkiHttpResponse(413, "text/plain", "request too large\n"u8.ToArray())
                    : _responder.Handle(request.HttpMethod, request.Url?.AbsolutePath ?? "/", body);
            }

            context.Response.StatusCode = answer.StatusCode;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = answer.Body.Length;
            await context.Response.OutputStream.WriteAsync(answer.Body, _stop.Token).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            context.Response.Abort();
        }
        catch (Exception e)
        {
            // A bug in a handler must not take the server down; report it to the client.
            var message = System.Text.Encoding.UTF8.GetBytes($"internal error: {e.GetType().Name}: {e.Message}\n");
            try
            {
                context.Response.StatusCode = 500;
                context.Response.ContentType = "text/plain";
                await context.Response.OutputStream.WriteAsync(message).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception e2) when (e2 is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                context.Response.Abort();
            }
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(Stream input)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await input.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > DevPkiResponder.MaxRequestBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
