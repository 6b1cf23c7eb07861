using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// A stand-in for the GCC desk signer on an official's computer: a WebSocket over TLS on a loopback port. It takes the
/// page's JSON message, then, as the real one does once the official has entered the token's PIN, downloads the
/// document from the one-time <c>FileName</c> URL, signs it with the token key and posts it to the one-time
/// <c>FileUploadHandler</c> URL. While <see cref="Answering"/> is false it refuses the connection, as a PC where the
/// desk signer is not running would.
/// </summary>
public sealed class FakeDeskSigner : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<byte[], Task<byte[]>> _sign;
    private readonly HttpClient _http = new();

    private FakeDeskSigner(WebApplication app, Func<byte[], Task<byte[]>> sign)
    {
        _app = app;
        _sign = sign;
    }

    /// <summary>Where it listens, e.g. <c>wss://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Whether it accepts connections.</summary>
    public bool Answering { get; set; } = true;

    /// <summary>The messages pages sent it.</summary>
    public ConcurrentQueue<JsonElement> Messages { get; } = new();

    /// <summary>The HTTP status of each upload it made.</summary>
    public ConcurrentQueue<HttpStatusCode> Uploads { get; } = new();

    /// <summary>Starts listening on a free loopback port, with a self-signed certificate.</summary>
    /// <param name="sign">Signs a downloaded PDF as the official's token would.</param>
    public static async Task<FakeDeskSigner> StartAsync(Func<byte[], Task<byte[]>> sign)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var desk = new FakeDeskSigner(app, sign);
        app.UseWebSockets();
        app.Run(desk.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        desk.Url = "wss://" + new Uri(address).Authority;
        return desk;
    }

    /// <summary>Does what the desk signer does with the two one-time URLs: download, sign, upload.</summary>
    public async Task SignAsync(string fileName, string fileUploadHandler)
    {
        var original = await _http.GetByteArrayAsync(new Uri(fileName));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await _sign(original));
        file.Headers.ContentType = new("application/pdf");
        form.Add(file, "uploadfile", "signed.pdf");
        using var reply = await _http.PostAsync(new Uri(fileUploadHandler), form);
        Uploads.Enqueue(reply.StatusCode);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!Answering || !context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
        using var message = JsonDocument.Parse(buffer.AsMemory(0, received.Count));
        Messages.Enqueue(message.RootElement.Clone());
        await SignAsync(message.RootElement.GetProperty("FileName").GetString()!, message.RootElement.GetProperty("FileUploadHandler").GetString()!);
        if (socket.State == WebSocketState.Open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "signed", CancellationToken.None);
        }
    }
}
