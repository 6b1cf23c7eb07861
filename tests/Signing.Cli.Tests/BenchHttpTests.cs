using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Signing.Cli.Tests;

/// <summary>
/// <c>signing bench http</c> against a loopback HTTP endpoint that answers like /api/v1/sign/pdf: the output line,
/// the explained failure when the first request is refused, and the usage checks. The real service's figures come
/// from running the command against <c>./run.sh</c>.
/// </summary>
public sealed partial class BenchHttpTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-bench-http-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PrintsExactlyOneLine_WithRatePercentilesAndErrors()
    {
        var requests = 0;
        await using var server = LoopbackServer.Start(context =>
        {
            Interlocked.Increment(ref requests);
            var authorised = context.Request.Headers["X-Api-Key"] == "sk_test" && context.Request.QueryString["keyId"] == "key1"
                && context.Request.QueryString["level"] == "B-B" && context.Request.ContentType == "application/pdf";
            context.Response.StatusCode = authorised ? 200 : 401;
            context.Response.ContentType = "application/pdf";
            context.Response.OutputStream.Write("%PDF-1.7 signed"u8);
        });
        var result = await RunAsync(server.Url, "sk_test", "--clients", "2", "--seconds", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var match = OutputLine().Match(line);
        Assert.True(match.Success, line);
        Assert.True(double.Parse(match.Groups["rate"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, line);
        Assert.Equal("0", match.Groups["errors"].Value);
        Assert.True(requests > 1);
    }

    [Fact]
    public async Task RefusedFirstRequest_IsExplained_UsageIsChecked()
    {
        await using var server = LoopbackServer.Start(context =>
        {
            context.Response.StatusCode = 403;
            context.Response.OutputStream.Write("""{"title":"Key not granted"}"""u8);
        });
        var refused = await RunAsync(server.Url, "sk_other", "--seconds", "1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("answered 403", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Key not granted", refused.Stderr, StringComparison.Ordinal);

        var usage = await RunAsync(server.Url, "sk_other", "--clients", "0");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--clients 0", usage.Stderr, StringComparison.Ordinal);
    }

    private async Task<SigningCli.Result> RunAsync(string url, string apiKey, params string[] extra)
    {
        var pdf = Path.Combine(_directory, "in.pdf");
        await File.WriteAllBytesAsync(pdf, "%PDF-1.7\n"u8.ToArray());
        return SigningCli.Run(null,
            ["bench", "http", "--url", url, "--api-key", apiKey, "--key-id", "key1", "--file", pdf, .. extra]);
    }

    [GeneratedRegex(@"^http pdf sign/s: (?<rate>[0-9.]+) p50_ms: [0-9.]+ p99_ms: [0-9.]+ errors: (?<errors>[0-9]+)$")]
    private static partial Regex OutputLine();

    /// <summary>An HttpListener on a free loopback port that answers every request with <c>respond</c>.</summary>
    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private Task _loop = Task.CompletedTask;

        public string Url { get; private set; } = "";

        public static LoopbackServer Start(Action<HttpListenerContext> respond)
        {
            var server = new LoopbackServer();
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                server.Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
                probe.Stop();
            }

            server._listener.Prefixes.Add(server.Url);
            server._listener.Start();
            server._loop = Task.Run(async () =>
            {
                while (server._listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await server._listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    using (var body = new MemoryStream())
                    {
                        await context.Request.InputStream.CopyToAsync(body);
                    }

                    respond(context);
                    context.Response.Close();
                }
            });
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            // Close alone: on Linux, Stop followed by Close makes the managed listener look its endpoint up again to
            // remove the prefix a second time, which re-binds the port and fails if anything took it meanwhile.
            _listener.Close();
            await _loop;
        }
    }
}
