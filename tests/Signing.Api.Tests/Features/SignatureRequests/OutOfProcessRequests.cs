using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.SignatureRequests;

/// <summary>
/// The API as separate processes on one PostgreSQL database, as it runs in production: killed with SIGKILL at random
/// moments while requests go through sign, register and seal; and two nodes side by side taking numbers, sending
/// reminders and delivering webhooks. The agency is seeded in process first; everything after goes over HTTP.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class OutOfProcessRequests(TokenPki pki, PostgresCluster cluster, ITestOutputHelper output)
{
    private const string Route = "{số}/QĐ-UBND";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly byte[] Document = Workflow.Document();

    [Fact]
    public async Task KilledAtRandomMoments_EveryStepIsSignedExactlyOnce_NothingIsLost_AndEveryEventIsDelivered()
    {
        const int Requests = 16;
        const int Kills = 6;
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = ServiceProcess.FreePort();
        using var deployment = await DeployAsync(port, receiver, new Dictionary<string, string?>());
        using var node = new ServiceProcess(deployment.Settings, port, "crash");
        await node.StartAsync();
        using var people = await People.SignInAsync(node.BaseAddress, deployment);

        var seed = Environment.TickCount;
        output.WriteLine($"random seed {seed}");
        var killDelays = new Random(seed);
        var tracked = Enumerable.Range(0, Requests).Select(i => new Tracked($"CRASH-{Guid.NewGuid():N}-{i}")).ToArray();
        var killer = Task.Run(async () =>
        {
            for (var kill = 0; kill < Kills; kill++)
            {
                await Task.Delay(killDelays.Next(200, 1500));
                node.Kill();
                await node.StartAsync();
            }
        });

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        await Task.WhenAll(Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
        {
            var mine = tracked.Where((_, i) => i % 2 == worker).ToList();
            while (mine.Any(r => !r.Completed))
            {
                Assert.True(DateTime.UtcNow < deadline, $"not all requests completed: {string.Join("; ", tracked.Select(r => r.Describe()))}");
                foreach (var request in mine.Where(r => !r.Completed))
                {
                    await ProgressAsync(people, request, deployment);
                }
            }
        })));
        await killer;
        output.WriteLine($"{node.Starts} starts; {tracked.Sum(r => r.Interruptions)} requests cut off by a kill; {tracked.Sum(r => r.Conflicts)} 409s");

        // Exactly one request per submission, each step done once over an unbroken chain of revisions, two signatures.
        await using var database = new NpgsqlConnection(deployment.ConnectionString);
        await database.OpenAsync();
        var perReference = await CountsAsync(database, "SELECT external_ref, count(*) FROM signature_requests GROUP BY external_ref");
        Assert.Equal(tracked.Select(r => r.Reference).Order(), perReference.Keys.Order());
        Assert.All(perReference.Values, count => Assert.Equal(1, count));
        var numbers = new List<long>();
        foreach (var request in tracked)
        {
            var view = await people.Caller.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{request.Id}");
            Assert.Equal("completed", view.GetProperty("state").GetString());
            numbers.Add(view.GetProperty("number").GetInt64());
            var steps = view.GetProperty("steps").EnumerateArray().ToList();
            Assert.All(steps, step => Assert.Equal("done", step.GetProperty("state").GetString()));
            for (var i = 1; i < steps.Count; i++)
            {
                Assert.Equal(steps[i - 1].GetProperty("outputSha256").GetString(), steps[i].GetProperty("inputSha256").GetString());
            }

            var actions = view.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
            Assert.Equal(["submit", "sign", "register", "seal"], actions);
            var pdf = await people.Caller.GetByteArrayAsync($"/api/v1/signature-requests/{request.Id}/document");
            var pdfsig = TestPdfs.Pdfsig(pdf);
            Assert.Equal(2, Workflow.CountOf(pdfsig, "Signature is Valid."));
            Assert.Equal(2, Workflow.CountOf(pdfsig, "Signature #"));
        }

        Assert.Equal(Enumerable.Range(1, Requests).Select(n => (long)n), numbers.Order());

        // One event per change, none doubled by a retried action, and every one delivered despite the kills.
        var perType = await CountsAsync(database, "SELECT type, count(*) FROM outbox_events GROUP BY type");
        Assert.Equal(Requests, perType["request.created"]);
        Assert.Equal(3 * Requests, perType["step.completed"]);
        Assert.Equal(Requests, perType["request.completed"]);
        await receiver.WaitForDeliveredAsync(await IdsAsync(database, "SELECT id FROM outbox_events"), TimeSpan.FromMinutes(2));
        Assert.All(receiver.All, received => Assert.Contains(received.Json.GetProperty("request").GetProperty("externalRef").GetString(), perReference.Keys));
    }

    [Fact]
    public async Task TwoNodesOnOnePostgres_200ConcurrentRegistrations_NumbersHaveNoGapOrDuplicate_RemindersAndWebhooksAreNotDoubled()
    {
        const int Requests = 200;
        var reminderInterval = TimeSpan.FromSeconds(2);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (portA, portB) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        using var deployment = await DeployAsync(portA, receiver, new Dictionary<string, string?>
        {
            ["SignatureRequests:ReminderInterval"] = reminderInterval.ToString(),
            ["SignatureRequests:ScanInterval"] = "00:00:00.300",
        });
        using var nodeA = new ServiceProcess(deployment.Settings, portA, "node-a");
        using var nodeB = new ServiceProcess(deployment.Settings, portB, "node-b");
        await Task.WhenAll(nodeA.StartAsync(), nodeB.StartAsync());
        using var atA = await People.SignInAsync(nodeA.BaseAddress, deployment);
        using var atB = await People.SignInAsync(nodeB.BaseAddress, deployment);
        People At(int i) => i % 2 == 0 ? atA : atB;

        var submitted = new JsonElement[Requests];
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = SubmitMessage(deployment, $"NODES-{Guid.NewGuid():N}", $"Văn bản thứ {i + 1}", idempotencyKey: null);
            var response = await At(i).Caller.SendAsync(request, ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
            submitted[i] = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        });

        // The official signs them all in batches, half on each node at once.
        var batches = submitted.Chunk(50).ToList();
        await Task.WhenAll(batches.Select(async (batch, b) =>
        {
            var items = batch.Select(r => new { requestId = r.GetProperty("id").GetString(), stepId = Workflow.StepId(r, "sign"), expectedSha256 = Workflow.Head(r) });
            var response = await At(b).Official.PostAsJsonAsync("/api/v1/signature-requests/bulk-sign", new { items, pin = deployment.OfficialPin });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            foreach (var outcome in (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
            {
                // A token fault is answered without its cause, which only the nodes' logs keep.
                Assert.True(outcome.GetProperty("status").GetInt32() == 200,
                    $"{outcome}\n--- node-a:\n{nodeA.LogTail(40)}\n--- node-b:\n{nodeB.LogTail(40)}");
            }
        }));

        // 200 registrations at once, spread over both nodes.
        var numbers = new ConcurrentBag<long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var id = submitted[i].GetProperty("id").GetString();
            var view = await At(i).Clerk.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{id}", ct);
            var response = await Workflow.ActAsync(At(i).Clerk, view, "register", "register", new { expectedSha256 = Workflow.Head(view) });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(ct));
            numbers.Add((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("number").GetInt64());
        });
        Assert.Equal(Enumerable.Range(1, Requests).Select(n => (long)n), numbers.Order());

        // Every event delivered once: the receiver always answers 200, so a second POST would mean two nodes ran it.
        await using var database = new NpgsqlConnection(deployment.ConnectionString);
        await database.OpenAsync();
        var events = await IdsAsync(database, "SELECT id FROM outbox_events");
        Assert.Equal(Requests * 3, events.Count);
        await receiver.WaitForDeliveredAsync(events, TimeSpan.FromMinutes(3));
        Assert.All(receiver.All.GroupBy(r => r.Id), delivered => Assert.Single(delivered));
        var runsPerDelivery = await CountsAsync(database, "SELECT job_id, count(*) FROM job_runs WHERE kind = 'webhook' GROUP BY job_id");
        Assert.Equal(events.Count, runsPerDelivery.Count);
        Assert.All(runsPerDelivery.Values, runs => Assert.Equal(1, runs));
        var nodes = await IdsAsync(database, "SELECT DISTINCT node FROM job_runs WHERE kind = 'webhook'");
        output.WriteLine($"webhook deliveries ran on {nodes.Count} nodes: {string.Join(", ", nodes)}");
        Assert.Equal(2, nodes.Count);

        // Reminders: the official's sign step is never reminded twice within the interval, whichever node scans. (The
        // clerk's register and seal steps are two steps of one request, each with its own reminders.)
        var reminders = new List<(string User, string Subject, long At)>();
        await using (var command = new NpgsqlCommand(
            "SELECT user_id, subject_id, created_at FROM notifications WHERE kind = 'reminder' AND user_id = @official ORDER BY created_at", database)
        {
            Parameters = { new("official", deployment.OfficialId) },
        })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reminders.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        output.WriteLine($"{reminders.Count} reminders");
        Assert.NotEmpty(reminders);
        foreach (var series in reminders.GroupBy(r => (r.User, r.Subject)))
        {
            var times = series.Select(r => r.At).ToList();
            for (var i = 1; i < times.Count; i++)
            {
                // A doubled reminder (two nodes scanning at once) lands within milliseconds of the first; a scan that ran
                // late under load shortens one gap by up to a scan interval, so half the reminder interval tells them apart.
                Assert.True(times[i] - times[i - 1] >= reminderInterval.TotalMilliseconds * 0.5,
                    $"{series.Key.Subject} reminded {series.Key.User} twice within {times[i] - times[i - 1]} ms");
            }
        }
    }

    /// <summary>One submission the crash test drives to completion, however often the service dies under it.</summary>
    private sealed class Tracked(string reference)
    {
        public string Reference { get; } = reference;

        public string? Id { get; set; }

        public bool Completed { get; set; }

        public int Interruptions { get; set; }

        public int Conflicts { get; set; }

        public string Describe() => $"{Reference}: {Id ?? "not submitted"}{(Completed ? " completed" : "")}";
    }

    // One move forward: submit (with its Idempotency-Key, so a retry cannot make a second request) or the active step's
    // action against the revision just read. A kill cuts the connection; the next round reads the state again.
    private static async Task ProgressAsync(People people, Tracked request, Deployment deployment)
    {
        try
        {
            if (request.Id is null)
            {
                using var message = SubmitMessage(deployment, request.Reference, "Về việc kiểm tra khả năng phục hồi", idempotencyKey: request.Reference);
                var submitted = await people.Caller.SendAsync(message);
                if (submitted.StatusCode == HttpStatusCode.Created)
                {
                    request.Id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                }
                else
                {
                    await ExpectRetryableAsync(submitted, request);
                }

                return;
            }

            var view = await people.Caller.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{request.Id}");
            if (view.GetProperty("state").GetString() == "completed")
            {
                request.Completed = true;
                return;
            }

            var active = view.GetProperty("steps").EnumerateArray().Single(step => step.GetProperty("state").GetString() == "active");
            var kind = active.GetProperty("kind").GetString()!;
            var (client, body) = kind switch
            {
                "sign" => (people.Official, (object)new { expectedSha256 = Workflow.Head(view), pin = deployment.OfficialPin }),
                "register" => (people.Clerk, new { expectedSha256 = Workflow.Head(view) }),
                _ => (people.Clerk, new { expectedSha256 = Workflow.Head(view), pin = deployment.ClerkPin }),
            };
            var response = await Workflow.ActAsync(client, view, kind, kind, body);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await ExpectRetryableAsync(response, request);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            request.Interruptions++;
            await Task.Delay(100);
        }
    }

    // A 409 is what a retry after a lost reply should get (the step moved on, or the first submission still holds its
    // Idempotency-Key); anything else, above all a 5xx, is a defect.
    private static async Task ExpectRetryableAsync(HttpResponseMessage response, Tracked request)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{request.Reference}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        request.Conflicts++;
        await Task.Delay(200);
    }

    private static HttpRequestMessage SubmitMessage(Deployment deployment, string reference, string title, string? idempotencyKey)
    {
        var metadata = new
        {
            title,
            documentType = "Quyết định",
            symbolPattern = Route,
            externalRef = reference,
            route = new object[]
            {
                new { kind = "sign", assignees = new[] { deployment.OfficialUsername }, anchor = "CHỦ TỊCH" },
                new { kind = "register", assignees = new[] { "role:clerk" } },
                new { kind = "seal", assignees = new[] { "role:clerk" } },
            },
        };
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signature-requests") { Content = Workflow.Form(metadata, Document) };
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return message;
    }

    /// <summary>The seeded agency as a process outside sees it: settings, credentials and the webhook secret.</summary>
    private sealed record Deployment(
        Dictionary<string, string?> Settings, string ConnectionString, string CallerKey, string OfficialId, string OfficialUsername, string OfficialPin,
        string ClerkUsername, string ClerkPin) : IDisposable
    {
        public void Dispose() => Directory.Delete(Settings["Storage:DataDirectory"]!, recursive: true);
    }

    // Seeds agency A, its keys (on a dev PKI served by the node on pkiPort) and a webhook subscription in process, then
    // leaves the database and data directory to the service processes.
    private async Task<Deployment> DeployAsync(int pkiPort, WebhookReceiver receiver, Dictionary<string, string?> extra)
    {
        var served = pki.ServedAt(new Uri($"http://127.0.0.1:{pkiPort}/dev-pki"));
        var connectionString = await cluster.CreateDatabaseAsync();
        var settings = served.Settings();
        settings["Storage:Provider"] = "postgres";
        settings["Storage:ConnectionString"] = connectionString;
        settings["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("out-of-process-").FullName;
        settings["Jobs:PollInterval"] = "00:00:00.100";
        settings["Jobs:Lease"] = "00:00:05";
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.200";
        settings["Webhooks:MaxRetryDelay"] = "00:00:02";
        settings["Limits:IdempotencyLease"] = "00:00:03";
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        await using var seeding = await new SigningApiFactory(served, settings).SeedAsync();
        var workflow = await Workflow.SetUpAsync(seeding, served);
        using var caller = seeding.WithApiKey(seeding.A.CallerKey);
        var subscribed = await caller.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = receiver.Url,
            events = new[] { "request.created", "step.completed", "request.completed" },
        });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        return new Deployment(settings, connectionString, seeding.A.CallerKey, seeding.A.Official.Id, seeding.A.Official.Username, workflow.OfficialPin,
            workflow.Clerk.Username, workflow.ClerkPin);
    }

    /// <summary>The calling system, the official and the clerk, signed in at one node; cookies outlive restarts.</summary>
    private sealed class People(HttpClient caller, HttpClient official, HttpClient clerk) : IDisposable
    {
        public HttpClient Caller { get; } = caller;

        public HttpClient Official { get; } = official;

        public HttpClient Clerk { get; } = clerk;

        public static async Task<People> SignInAsync(Uri node, Deployment deployment)
        {
            var caller = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) };
            caller.DefaultRequestHeaders.Add("X-Api-Key", deployment.CallerKey);
            return new People(caller, await SignedInAsync(node, deployment.OfficialUsername), await SignedInAsync(node, deployment.ClerkUsername));
        }

        public void Dispose()
        {
            Caller.Dispose();
            Official.Dispose();
            Clerk.Dispose();
        }

        private static async Task<HttpClient> SignedInAsync(Uri node, string username)
        {
            var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) };
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = ApiFactory.Password }, Json);
            Assert.True(response.IsSuccessStatusCode, $"sign-in of {username}: {(int)response.StatusCode}");
            return client;
        }
    }

    private static async Task<Dictionary<string, long>> CountsAsync(NpgsqlConnection database, string sql)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, database);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task<List<string>> IdsAsync(NpgsqlConnection database, string sql)
    {
        var ids = new List<string>();
        await using var command = new NpgsqlCommand(sql, database);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
