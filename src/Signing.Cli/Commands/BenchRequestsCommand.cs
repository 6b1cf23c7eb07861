using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Signing.Cli.Tokens;

namespace Signing.Cli.Commands;

/// <summary>
/// <c>signing bench requests</c>: N signature requests, each submitted by the demo portal, signed by the demo official
/// and sealed by the demo clerk with keys the service holds on its token, driven by C concurrent clients. Prints one
/// line: <c>requests completed/s: R p50_ms: X p99_ms: Y submit_ms: … sign_ms: … seal_ms: … errors: E</c>, and with
/// <c>--pid</c> the service's CPU per timed request (<c>service_cpu_ms_per_request: C</c>).
/// </summary>
internal static class BenchRequestsCommand
{
    private const string Route = "/api/v1/signature-requests";

    public static Command Create()
    {
        var command = new Command("requests", "Signature requests per second through submit, sign and seal (two token signatures each) with N concurrent clients");
        var url = new Option<string>("--url") { Description = "Base URL of the service, e.g. http://127.0.0.1:5080", Required = true };
        var demo = new Option<FileInfo>("--demo") { Description = "The demo.json that 'signing demo init' (./run.sh) wrote: the portal's API key and the official's and clerk's credentials", Required = true };
        var file = new Option<FileInfo?>("--file") { Description = "The PDF to submit (default: the demo document named in demo.json)" };
        var requests = new Option<int>("--requests") { Description = "Requests to complete (1-1000000)", DefaultValueFactory = _ => 200 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (1-64)", DefaultValueFactory = _ => 2 };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Requests completed by the same clients before the clock starts (0-1000000), so that this process's own JIT work is not timed",
            DefaultValueFactory = _ => 0,
        };
        var pid = new Option<int?>("--pid") { Description = "The service's process id on this machine: also print the CPU time it spent per timed request" };
        foreach (var option in new Option[] { url, demo, file, requests, clients, warmup, pid })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            var total = parse.GetValue(requests);
            var clientCount = parse.GetValue(clients);
            var warmupCount = parse.GetValue(warmup);
            if (total is < 1 or > 1_000_000)
            {
                throw new CliUsageException($"--requests {total} is outside 1-1000000.");
            }

            if (warmupCount is < 0 or > 1_000_000)
            {
                throw new CliUsageException($"--warmup {warmupCount} is outside 0-1000000.");
            }

            if (clientCount is < 1 or > 64)
            {
                throw new CliUsageException($"--clients {clientCount} is outside 1-64.");
            }

            var service = parse.GetValue(pid) is { } servicePid ? ServiceProcess.Open(servicePid) : null;

            var baseUrl = BenchHttpCommand.BaseUrl(parse.GetValue(url));

            var demoFile = parse.GetValue(demo)!;
            if (!demoFile.Exists)
            {
                throw new CliUsageException($"--demo {demoFile.FullName} does not exist; start the service with ./run.sh first.");
            }

            var people = JsonSerializer.Deserialize<DemoCommands.DemoCredentials>(await File.ReadAllTextAsync(demoFile.FullName, ct), JsonOptions)
                ?? throw new CliUsageException($"--demo {demoFile.FullName} is empty.");
            if (people.OfficialSigningPin is null || people.ClerkSigningPin is null)
            {
                throw new CliUsageException($"--demo {demoFile.FullName} has no signing PINs; it was written before signature requests existed.");
            }

            var pdfPath = parse.GetValue(file)?.FullName ?? people.DocumentPath
                ?? throw new CliUsageException("--file is required: demo.json names no demo document.");
            var pdf = await File.ReadAllBytesAsync(pdfPath, ct);

            var drivers = new List<RequestDriver>();
            try
            {
                for (var i = 0; i < clientCount; i++)
                {
                    drivers.Add(await RequestDriver.SignInAsync(baseUrl, people, ct));
                }

                // One request up front, outside the clock: a wrong credential should be an explained error, not a run of failures.
                var run = $"bench-{Guid.NewGuid():N}";
                try
                {
                    await drivers[0].CompleteOneAsync(pdf, $"{run}-probe", ct);
                }
                catch (BenchStepException e)
                {
                    throw new CliUsageException(e.Message);
                }

                var warmupErrors = warmupCount == 0 ? 0 : (await RunAsync(drivers, pdf, warmupCount, $"{run}-warmup", ct)).Errors;
                var cpuBefore = service?.CpuTime();
                var result = await RunAsync(drivers, pdf, total, run, ct);
                var serviceCpu = service?.CpuTime() - cpuBefore;
                Console.WriteLine(serviceCpu is { } spent && result.Completed > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{result} service_cpu_ms_per_request: {spent.TotalMilliseconds / result.Completed:0.00}")
                    : result.ToString());
                return result.Errors == 0 && warmupErrors == 0 ? 0 : 1;
            }
            finally
            {
                drivers.ForEach(driver => driver.Dispose());
            }
        }));
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>What one run measured; stage figures are means over completed requests.</summary>
    internal sealed record BenchResult(int Completed, double Seconds, double P50Ms, double P99Ms, double SubmitMs, double SignMs, double SealMs, int Errors)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"requests completed/s: {Completed / Seconds:0.00} completed: {Completed} p50_ms: {P50Ms:0} p99_ms: {P99Ms:0} submit_ms: {SubmitMs:0} sign_ms: {SignMs:0} seal_ms: {SealMs:0} errors: {Errors}");
    }

    // Each request's external reference and Idempotency-Key is RUN-N, unique per run.
    private static async Task<BenchResult> RunAsync(List<RequestDriver> drivers, byte[] pdf, int total, string run, CancellationToken ct)
    {
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var workers = drivers.Select(driver => Task.Run(async () =>
        {
            var timings = new List<StageTimings>();
            int index;
            while ((index = Interlocked.Increment(ref next)) < total && !ct.IsCancellationRequested)
            {
                try
                {
                    timings.Add(await driver.CompleteOneAsync(pdf, $"{run}-{index}", ct));
                }
                catch (BenchStepException e)
                {
                    if (Interlocked.Increment(ref errors) <= 5)
                    {
                        Console.Error.WriteLine(e.Message);
                    }
                }
            }

            return timings;
        }, ct)).ToList();
        var all = (await Task.WhenAll(workers)).SelectMany(t => t).ToList();
        clock.Stop();
        var totals = all.Select(t => t.TotalMs).Order().ToList();
        return new BenchResult(all.Count, clock.Elapsed.TotalSeconds, BenchHttpCommand.Percentile(totals, 0.50), BenchHttpCommand.Percentile(totals, 0.99),
            Mean(all, t => t.SubmitMs), Mean(all, t => t.SignMs), Mean(all, t => t.SealMs), errors);
    }

    /// <summary>The service process on this machine, whose CPU time the timed run is charged with.</summary>
    private sealed class ServiceProcess(Process process)
    {
        public static ServiceProcess Open(int pid)
        {
            try
            {
                return new ServiceProcess(Process.GetProcessById(pid));
            }
            catch (ArgumentException)
            {
                throw new CliUsageException($"--pid {pid}: no such process on this machine.");
            }
        }

        /// <summary>User plus system time so far, read afresh.</summary>
        public TimeSpan CpuTime()
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    private static double Mean(List<StageTimings> timings, Func<StageTimings, double> stage) => timings.Count == 0 ? 0 : timings.Average(stage);

    private sealed record StageTimings(double SubmitMs, double SignMs, double SealMs)
    {
        public double TotalMs => SubmitMs + SignMs + SealMs;
    }

    private sealed class BenchStepException(string message) : Exception(message);

    /// <summary>One client: the portal's API key and the official's and clerk's sessions, each on its own connection.</summary>
    private sealed class RequestDriver : IDisposable
    {
        private readonly HttpClient _portal;
        private readonly HttpClient _official;
        private readonly HttpClient _clerk;
        private readonly DemoCommands.DemoCredentials _people;

        private RequestDriver(HttpClient portal, HttpClient official, HttpClient clerk, DemoCommands.DemoCredentials people)
        {
            _portal = portal;
            _official = official;
            _clerk = clerk;
            _people = people;
        }

        public static async Task<RequestDriver> SignInAsync(Uri baseUrl, DemoCommands.DemoCredentials people, CancellationToken ct)
        {
            var portal = Client(baseUrl);
            portal.DefaultRequestHeaders.Add("X-Api-Key", people.ApiKey);
            var official = Client(baseUrl);
            var clerk = Client(baseUrl);
            await SignInAsync(official, people.OfficialUsername, people.OfficialPassword, ct);
            await SignInAsync(clerk, people.ClerkUsername, people.ClerkPassword, ct);
            return new RequestDriver(portal, official, clerk, people);
        }

        /// <summary>Submits one request routed official signs → clerk seals, and walks it to the end.</summary>
        public async Task<StageTimings> CompleteOneAsync(byte[] pdf, string externalRef, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            var metadata = new JsonObject
            {
                ["title"] = "Về việc đo thông lượng ký số văn bản đi",
                ["documentType"] = "Công văn",
                ["symbolPattern"] = "{số}/UBND-VP",
                ["urgency"] = "normal",
                ["secrecy"] = "none",
                ["externalRef"] = externalRef,
                ["route"] = new JsonArray(
                    new JsonObject { ["kind"] = "sign", ["assignees"] = new JsonArray(_people.OfficialUsername), ["anchor"] = "CHỦ TỊCH" },
                    new JsonObject { ["kind"] = "seal", ["assignees"] = new JsonArray("role:clerk") }),
            };
            using var form = new MultipartFormDataContent
            {
                { new StringContent(metadata.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), "request" },
            };
            var document = new ByteArrayContent(pdf);
            document.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(document, "document", "document.pdf");
            using var submitRequest = new HttpRequestMessage(HttpMethod.Post, Route) { Content = form };
            submitRequest.Headers.Add("Idempotency-Key", externalRef);
            var submitted = await SendAsync(_portal, submitRequest, "submit", ct);
            var submitMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            var id = submitted["id"]!.GetValue<string>();
            started = Stopwatch.GetTimestamp();
            var signed = await ActAsync(_official, id, submitted, "sign", submitted["headSha256"]!.GetValue<string>(), _people.OfficialSigningPin!, ct);
            var signMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            started = Stopwatch.GetTimestamp();
            var sealedRequest = await ActAsync(_clerk, id, submitted, "seal", signed["headSha256"]!.GetValue<string>(), _people.ClerkSigningPin!, ct);
            var sealMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (sealedRequest["state"]?.GetValue<string>() is not "completed")
            {
                throw new BenchStepException($"request {id} is '{sealedRequest["state"]}' after its last step, not 'completed'");
            }

            return new StageTimings(submitMs, signMs, sealMs);
        }

        private static async Task<JsonNode> ActAsync(
            HttpClient session, string id, JsonNode submitted, string kind, string expectedSha256, string pin, CancellationToken ct)
        {
            var stepId = StepId(submitted, kind) ?? throw new BenchStepException($"request {id} has no {kind} step");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Route}/{id}/steps/{stepId}/{kind}")
            {
                Content = JsonContent.Create(new { expectedSha256, pin }),
            };
            return await SendAsync(session, request, $"{kind} of {id}", ct);
        }

        private static string? StepId(JsonNode request, string kind)
            => request["steps"]?.AsArray().FirstOrDefault(step => step?["kind"]?.GetValue<string>() == kind)?["id"]?.GetValue<string>();

        private static async Task<JsonNode> SendAsync(HttpClient http, HttpRequestMessage request, string what, CancellationToken ct)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                throw new BenchStepException($"{what}: {e.Message}");
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new BenchStepException($"{what} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
                }

                // Sign-in answers 204; the step and submit answers carry the request.
                return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) ?? new JsonObject();
            }
        }

        private static HttpClient Client(Uri baseUrl)
            => new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, MaxConnectionsPerServer = 1 })
            {
                BaseAddress = baseUrl,
                Timeout = TimeSpan.FromSeconds(120),
            };

        private static async Task SignInAsync(HttpClient session, string username, string password, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { username, password }) };
            try
            {
                await SendAsync(session, request, $"sign-in as {username}", ct);
            }
            catch (BenchStepException e)
            {
                throw new CliUsageException(e.Message);
            }
        }

        public void Dispose()
        {
            _portal.Dispose();
            _official.Dispose();
            _clerk.Dispose();
        }
    }
}
