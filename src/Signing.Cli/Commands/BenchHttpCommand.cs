using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Signing.Cli.Tokens;

namespace Signing.Cli.Commands;

/// <summary>
/// <c>signing bench http</c>: N concurrent clients post a PDF to <c>/api/v1/sign/pdf</c> at B-B for S seconds and the
/// command prints one line: <c>http pdf sign/s: N p50_ms: X p99_ms: Y errors: E</c>.
/// </summary>
internal static class BenchHttpCommand
{
    // Latencies are kept per request for exact percentiles; this bounds the memory a long run can take.
    private const int MaxSamplesPerClient = 2_000_000;

    public static Command Create()
    {
        var command = new Command("http", "Signed PDFs per second through the HTTP API (POST /api/v1/sign/pdf, level B-B) with N concurrent clients");
        var url = new Option<string>("--url") { Description = "Base URL of the service, e.g. http://127.0.0.1:5080", Required = true };
        var apiKey = new Option<string>("--api-key") { Description = "API key of a caller client granted the key", Required = true };
        var keyId = new Option<string>("--key-id") { Description = "Id of the signing key (GET /api/v1/keys)", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "The PDF to sign", Required = true };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (1-256)", DefaultValueFactory = _ => 2 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time in seconds (0.5-3600)", DefaultValueFactory = _ => 10 };
        foreach (var option in new Option[] { url, apiKey, keyId, file, clients, seconds })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            var clientCount = parse.GetValue(clients);
            var duration = parse.GetValue(seconds);
            if (clientCount is < 1 or > 256)
            {
                throw new CliUsageException($"--clients {clientCount} is outside 1-256.");
            }

            if (duration is < 0.5 or > 3600)
            {
                throw new CliUsageException($"--seconds {duration} is outside 0.5-3600.");
            }

            var baseUrl = BaseUrl(parse.GetValue(url));

            var input = parse.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliUsageException($"--file {input.FullName} does not exist.");
            }

            var pdf = await File.ReadAllBytesAsync(input.FullName, ct);
            var target = new Uri(baseUrl, $"/api/v1/sign/pdf?level=B-B&keyId={Uri.EscapeDataString(parse.GetValue(keyId)!)}");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clientCount, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(60),
            };
            http.DefaultRequestHeaders.Add("X-Api-Key", parse.GetValue(apiKey));

            // One request up front: a wrong key id or API key should be an explained error, not a run of failures.
            using (var probe = await PostAsync(http, target, pdf, ct))
            {
                if (!probe.IsSuccessStatusCode)
                {
                    var body = await probe.Content.ReadAsStringAsync(ct);
                    throw new CliUsageException($"POST {target} answered {(int)probe.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
                }
            }

            var result = await RunAsync(http, target, pdf, clientCount, TimeSpan.FromSeconds(duration), ct);
            Console.WriteLine(result);
            return 0;
        }));
        return command;
    }

    /// <summary>What one run measured.</summary>
    internal sealed record BenchResult(long Signed, double Seconds, double P50Ms, double P99Ms, long Errors)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"http pdf sign/s: {Signed / Seconds:0.0} p50_ms: {P50Ms:0.0} p99_ms: {P99Ms:0.0} errors: {Errors}");
    }

    internal static async Task<BenchResult> RunAsync(HttpClient http, Uri target, byte[] pdf, int clientCount, TimeSpan duration, CancellationToken ct)
    {
        var errors = 0L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clientCount).Select(_ => Task.Run(async () =>
        {
            var samples = new List<double>();
            // The load generator shares the machine with the service, so it reads each answer into one buffer per
            // client instead of buffering the response and copying it into a new array: what it spends, the service
            // cannot.
            var sink = new byte[64 * 1024];
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await PostAsync(http, target, pdf, ct);
                    // The signed PDF is read in full: a signature only counts once the client has it.
                    await using (var body = await response.Content.ReadAsStreamAsync(ct))
                    {
                        while (await body.ReadAsync(sink, ct) > 0)
                        {
                        }
                    }

                    if (response.IsSuccessStatusCode && samples.Count < MaxSamplesPerClient)
                    {
                        samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            return samples;
        }, ct)).ToList();
        var all = (await Task.WhenAll(workers)).SelectMany(samples => samples).Order().ToList();
        clock.Stop();
        return new BenchResult(all.Count, clock.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri target, byte[] pdf, CancellationToken ct)
    {
        var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = content };
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>The service's base URL from <c>--url</c>; a usage error unless it is an absolute http(s) URL.</summary>
    internal static Uri BaseUrl(string? text)
        => Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new CliUsageException($"--url '{text}' is not an http(s) URL.");

    /// <summary>The value below which <paramref name="fraction"/> of the sorted samples lie (nearest rank).</summary>
    internal static double Percentile(List<double> sorted, double fraction)
        => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
