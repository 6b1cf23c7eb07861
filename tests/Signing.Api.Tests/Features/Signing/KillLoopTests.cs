using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Signing.Api.Hosting;
using Signing.Api.Tests.Fixtures;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// The API as a child process, killed with SIGKILL again and again while callers sign PDFs and run two-step signatures
/// (prepare, sign outside, complete), every request under an Idempotency-Key and retried with it after a cut
/// connection. Afterwards nothing is lost (each operation has its signed document, and its key replays it), nothing is
/// signed twice (one audited signature per key and per operation), the audit chain verifies, and a key the killed
/// process held in flight is free again within 10 s of the restart (the dead node's heartbeat stops; see
/// <c>Limits:NodeDeadAfter</c>).
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class KillLoopTests(TokenPki pki, ITestOutputHelper output)
{
    private const int Kills = 5;
    private const int Workers = 4;
    private static readonly TimeSpan ReleaseBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NodeDeadAfter = new LimitsOptions().NodeDeadAfter;

    [Fact]
    public async Task KilledUnderSigningAndTwoStepLoad_NothingIsLostOrSignedTwice_AuditVerifies_InFlightKeysFreeWithin10s()
    {
        // The load (and the replays that check it) would exceed the per-client budget of 600 sign requests a minute.
        using var data = await SeededDataDirectory.CreateAsync(pki, new Dictionary<string, string?> { ["Limits:SignRequestsPerMinute"] = "100000" });
        var port = ApiProcess.FreePort();
        ApiProcess? api = await ApiProcess.StartAsync(data.Settings, port: port);
        using var caller = Client(port, data.A.CallerKey);
        using var sealKey = pki.Open(pki.Seal);
        var kills = new List<Kill>();
        var operations = new ConcurrentBag<Operation>();
        var seed = Environment.TickCount;
        output.WriteLine($"random seed {seed}");
        var clock = Stopwatch.StartNew();

        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var operation = new Operation(n % 2 == 0 ? "sign" : "two-step", $"kill-{worker}-{n}-{Guid.NewGuid():N}");
                operations.Add(operation);
                await (operation.Kind == "sign"
                    ? SignAsync(caller, data.SealKeyId, operation)
                    : TwoStepAsync(caller, data.SealKeyId, (RSA)sealKey.PrivateKey, pki.Seal.Certificate, operation));
            }
        })).ToList();

        try
        {
            var random = new Random(seed);
            for (var kill = 0; kill < Kills; kill++)
            {
                await Task.Delay(random.Next(1500, 4000));
                var killedAt = Stopwatch.GetTimestamp();
                var killedAtUtc = DateTimeOffset.UtcNow;
                await api.DisposeAsync();
                api = null;
                var inFlight = await InFlightKeysAsync(data.Path);
                api = await ApiProcess.StartAsync(data.Settings, port: port);
                kills.Add(new Kill(killedAt, killedAtUtc, Stopwatch.GetTimestamp(), inFlight));
            }

            // Let the last restart's in-flight keys come free and every operation finish.
            await Task.Delay(TimeSpan.FromSeconds(2));
            await stop.CancelAsync();
            await Task.WhenAll(load).WaitAsync(TimeSpan.FromMinutes(3));
            output.WriteLine($"{Kills} kills in {clock.Elapsed.TotalSeconds:0.0} s; {operations.Count} operations " +
                $"({operations.Count(o => o.Kind == "sign")} sign, {operations.Count(o => o.Kind == "two-step")} two-step); " +
                $"{operations.Sum(o => o.Interruptions)} attempts cut off or refused while the service was down, {operations.Sum(o => o.InFlightAnswers)} 'still being processed' answers; " +
                $"{operations.Count(o => o.CompletedBeforeTheKill)} completions found completed on retry");

            await AssertNothingLostAsync(caller, data.SealKeyId, operations);
            AssertInFlightKeysReleased(operations, kills);
            await AssertNothingSignedTwiceAsync(data.Path, operations);
            await AssertAuditVerifiesAsync(port, data.A.Admin.Username);
            output.WriteLine($"kill loop with checks: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            await stop.CancelAsync();
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }
    }

    // Each operation ends with the same document however often it is asked for again under its keys.
    private static async Task AssertNothingLostAsync(HttpClient caller, string keyId, IEnumerable<Operation> operations)
    {
        foreach (var operation in operations)
        {
            Assert.True(operation.Document is not null, $"{operation.Key}: never completed");
            if (operation.Kind == "sign")
            {
                var replay = await SendAsync(caller, HttpMethod.Post, $"/api/v1/sign/pdf?keyId={keyId}&level=B-B", TestPdfs.Raw(TestPdfs.Simple()), operation.Key);
                Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
                Assert.Equal("true", replay.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
                Assert.Equal(operation.Document, SHA256.HashData(await replay.Content.ReadAsByteArrayAsync()));
            }
            else
            {
                var fetched = await caller.GetAsync($"/api/v1/results/{operation.Target}");
                Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
                Assert.Equal(operation.Document, SHA256.HashData(await fetched.Content.ReadAsByteArrayAsync()));
            }
        }
    }

    // The keys the killed process held in flight (claimed, no reply stored) must be answered again within 10 s of the
    // restart: the node's heartbeat stopped, and after Limits:NodeDeadAfter (6 s) its claims count for nothing.
    private void AssertInFlightKeysReleased(IReadOnlyCollection<Operation> operations, IReadOnlyList<Kill> kills)
    {
        var answers = operations.SelectMany(o => o.Answers).ToLookup(a => a.Key, a => a.At);
        var released = new List<(string Key, TimeSpan FromRestart, TimeSpan FromKill, TimeSpan Detection)>();
        foreach (var kill in kills)
        {
            foreach (var held in kill.InFlight)
            {
                var answered = answers[held.Key].Where(at => at > kill.KilledAt).Order().FirstOrDefault();
                Assert.True(answered != 0, $"{held.Key}, in flight when the service was killed, was never answered again");
                // When the claim became free by the rule: the owner's last heartbeat plus NodeDeadAfter.
                var detection = DateTimeOffset.FromUnixTimeMilliseconds(held.OwnerHeartbeat) + NodeDeadAfter - kill.KilledAtUtc;
                released.Add((held.Key, Stopwatch.GetElapsedTime(kill.LiveAt, answered), Stopwatch.GetElapsedTime(kill.KilledAt, answered), detection));
            }
        }

        Assert.NotEmpty(released);
        var restarts = kills.Select(k => Stopwatch.GetElapsedTime(k.KilledAt, k.LiveAt).TotalSeconds).ToList();
        output.WriteLine($"{released.Count} keys in flight at {kills.Count(k => k.InFlight.Count > 0)} of {kills.Count} kills; restarts took " +
            $"{restarts.Min():0.0}–{restarts.Max():0.0} s; the keys were answered again {released.Min(r => r.FromKill).TotalSeconds:0.0}–" +
            $"{released.Max(r => r.FromKill).TotalSeconds:0.0} s after the kill, at most {released.Max(r => r.FromRestart).TotalSeconds:0.0} s after the restart; " +
            $"the dead owner's claims were free {released.Min(r => r.Detection).TotalSeconds:0.0}–{released.Max(r => r.Detection).TotalSeconds:0.0} s after the kill " +
            "(last heartbeat + NodeDeadAfter)");
        Assert.All(released, r => Assert.True(r.FromRestart < ReleaseBound, $"{r.Key} was answered only {r.FromRestart.TotalSeconds:0.0} s after the restart"));
    }

    // Read while the service is down, so nothing changes under the query.
    private static async Task<IReadOnlyList<HeldKey>> InFlightKeysAsync(string dataDirectory)
    {
        // Read row by row: SQLite reports an expression column of an empty result as a BLOB, which Dapper cannot map.
        await using var database = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "signing.db")};Pooling=false");
        await database.OpenAsync();
        await using var command = database.CreateCommand();
        command.CommandText = "SELECT r.idem_key, COALESCE(n.heartbeat_at, 0) FROM idempotency_records r " +
            "LEFT JOIN nodes n ON n.id = r.owner_node WHERE r.status_code IS NULL";
        await using var reader = await command.ExecuteReaderAsync();
        var held = new List<HeldKey>();
        while (await reader.ReadAsync())
        {
            held.Add(new HeldKey(reader.GetString(0), reader.GetInt64(1)));
        }

        return held;
    }

    private static async Task AssertNothingSignedTwiceAsync(string dataDirectory, IReadOnlyCollection<Operation> operations)
    {
        await using var database = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "signing.db")};Mode=ReadOnly");
        var signed = (await database.QueryAsync<(string Target, long Count)>(
            "SELECT target, COUNT(*) FROM audit_log WHERE action = 'sign.pdf' AND outcome = 'success' GROUP BY target")).ToList();
        var signs = operations.Where(o => o.Kind == "sign").ToList();
        Assert.All(signed, row => Assert.Equal(1, row.Count));
        Assert.Equal(signs.Select(o => o.Target).Order(), signed.Select(row => row.Target).Order());

        var twoSteps = operations.Where(o => o.Kind == "two-step").ToList();
        var prepared = await database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'sign.pdf.prepare' AND outcome = 'success'");
        Assert.Equal(twoSteps.Count, prepared);
        var completed = (await database.QueryAsync<(string Target, long Count)>(
            "SELECT target, COUNT(*) FROM audit_log WHERE action = 'sign.pdf.complete' AND outcome = 'success' GROUP BY target")).ToList();
        Assert.All(completed, row => Assert.Equal(1, row.Count));
        Assert.Equal(twoSteps.Select(o => o.Target).Order(), completed.Select(row => row.Target).Order());
    }

    private static async Task AssertAuditVerifiesAsync(int port, string admin)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
        };
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = admin, password = ApiFactory.Password });
        Assert.True(login.IsSuccessStatusCode, $"sign-in: {(int)login.StatusCode}");
        var verification = await client.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
    }

    // A synchronous signature, retried under its key until it answers; a cut connection or a held key is retried.
    private static async Task SignAsync(HttpClient caller, string keyId, Operation operation)
    {
        var response = await UntilAnsweredAsync(operation, operation.Key, () =>
            SendAsync(caller, HttpMethod.Post, $"/api/v1/sign/pdf?keyId={keyId}&level=B-B", TestPdfs.Raw(TestPdfs.Simple()), operation.Key));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation.Key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        operation.Target = response.Headers.GetValues("X-Signature-Id").Single();
        operation.Document = SHA256.HashData(await response.Content.ReadAsByteArrayAsync());
    }

    // Prepare (one key), sign the attributes with the token key as a desk signer would, complete (another key).
    private static async Task TwoStepAsync(HttpClient caller, string keyId, RSA sealKey, X509Certificate2 certificate, Operation operation)
    {
        var prepared = await UntilAnsweredAsync(operation, operation.Key + "-prepare", () =>
            SendAsync(caller, HttpMethod.Post, $"/api/v1/sign/pdf/prepare?keyId={keyId}", TestPdfs.Raw(TestPdfs.Simple()), operation.Key + "-prepare"));
        Assert.True(prepared.StatusCode == HttpStatusCode.OK, $"{operation.Key} prepare: {(int)prepared.StatusCode} {await prepared.Content.ReadAsStringAsync()}");
        var toSign = await prepared.Content.ReadFromJsonAsync<JsonElement>();
        operation.Target = toSign.GetProperty("operationId").GetString()!;
        var signature = sealKey.SignData(Convert.FromBase64String(toSign.GetProperty("dataToSign").GetString()!),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var body = new { signature = Convert.ToBase64String(signature), certificate = Convert.ToBase64String(certificate.RawData) };

        var completed = await UntilAnsweredAsync(operation, operation.Key + "-complete", () =>
            SendAsync(caller, HttpMethod.Post, $"/api/v1/sign/pdf/{operation.Target}/complete", JsonContent.Create(body), operation.Key + "-complete"));
        if (completed.StatusCode == HttpStatusCode.Conflict)
        {
            // Killed after the completion committed (with its signed document) but before its reply was stored under the
            // key: the retry is told that the operation completed and where its document is, and never signs again.
            var problem = await completed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("type").GetString() == "urn:signing:problem:operation-completed", $"{operation.Key} complete: 409 {problem}");
            operation.CompletedBeforeTheKill = true;
            completed = await caller.GetAsync($"/api/v1/results/{operation.Target}");
        }

        Assert.True(completed.StatusCode == HttpStatusCode.OK, $"{operation.Key} complete: {(int)completed.StatusCode} {await completed.Content.ReadAsStringAsync()}");
        operation.Document = SHA256.HashData(await completed.Content.ReadAsByteArrayAsync());
    }

    private static async Task<HttpResponseMessage> UntilAnsweredAsync(Operation operation, string idempotencyKey, Func<Task<HttpResponseMessage>> send)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"{operation.Key}: no answer within 2 minutes");
            HttpResponseMessage response;
            try
            {
                response = await send();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                operation.Interruptions++;
                await Task.Delay(100);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Conflict
                && (await response.Content.ReadAsStringAsync()).Contains("still being processed", StringComparison.Ordinal))
            {
                operation.InFlightAnswers++;
                await Task.Delay(100);
                continue;
            }

            operation.Answers.Add((idempotencyKey, Stopwatch.GetTimestamp()));
            return response;
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent content, string idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(IdempotencyMiddleware.HeaderName, idempotencyKey);
        return client.SendAsync(request);
    }

    // A client that outlives the restarts: same port, fresh connections after each kill.
    private static HttpClient Client(int port, string apiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>One signature a worker drives to completion through the kills.</summary>
    private sealed class Operation(string kind, string key)
    {
        public string Kind { get; } = kind;

        public string Key { get; } = key;

        /// <summary>The signature id (sign) or operation id (two-step).</summary>
        public string? Target { get; set; }

        /// <summary>SHA-256 of the signed document it answered with.</summary>
        public byte[]? Document { get; set; }

        public int Interruptions { get; set; }

        public int InFlightAnswers { get; set; }

        /// <summary>A two-step completion whose retry was told it had completed before the kill (409 naming the document).</summary>
        public bool CompletedBeforeTheKill { get; set; }

        /// <summary>Each answer other than "still being processed", by Idempotency-Key, with its time.</summary>
        public ConcurrentBag<(string Key, long At)> Answers { get; } = [];
    }

    /// <summary>One SIGKILL: when, when the next process answered, and the keys the killed one held in flight.</summary>
    private sealed record Kill(long KilledAt, DateTimeOffset KilledAtUtc, long LiveAt, IReadOnlyList<HeldKey> InFlight);

    /// <summary>An Idempotency-Key claimed and not answered, and its owner node's last heartbeat (Unix ms).</summary>
    private sealed record HeldKey(string Key, long OwnerHeartbeat);
}
