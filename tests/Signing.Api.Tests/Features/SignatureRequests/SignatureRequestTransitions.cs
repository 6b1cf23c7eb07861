using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.SignatureRequests;

/// <summary>
/// Every way a request leaves the happy path (reject, return, delegate, withdraw, recall, expire) and what a calling
/// system hears of it: a webhook receiver on Kestrel checks each delivery's HMAC, and one that fails three times gets
/// the same event again until it answers 200. Also the delegate's KT. signature and bulk signing.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class SignatureRequestTransitions(TokenPki pki) : IAsyncLifetime
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("transitions-").FullName;
    private SigningApiFactory _api = null!;
    private Workflow _workflow = null!;

    public async Task InitializeAsync()
    {
        _api = await new SigningApiFactory(pki, new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Jobs:PollInterval"] = "00:00:00.100",
            ["Webhooks:RetryBaseDelay"] = "00:00:00.200",
            ["SignatureRequests:ScanInterval"] = "00:00:00.300",
        }).SeedAsync();
        _workflow = await Workflow.SetUpAsync(_api, pki);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task EveryTransition_EmitsItsEvent_SignedWithTheSubscriptionSecret_AndAFailingReceiverGetsTheSameEventUntilItAnswers200()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var subscription = await SubscribeAsync(caller, receiver.Url);
        var secret = subscription.GetProperty("secret").GetString()!;
        receiver.Fail("request.rejected", 3);
        var (deputy, _, _) = await _workflow.AddOfficialAsync("Lê Thị Cúc", "Phó Chủ tịch", pki.Deputy);
        using var official = await _api.SignedInAsync(_api.A.Official);

        var rejected = await _workflow.SubmittedAsync();
        rejected = await Workflow.DoAsync(official, rejected, "sign", "reject", new { expectedSha256 = Workflow.Head(rejected), reason = "Sai thể thức văn bản" });
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());

        var returned = await _workflow.SubmittedAsync();
        returned = await Workflow.DoAsync(official, returned, "sign", "return", new { expectedSha256 = Workflow.Head(returned), reason = "Bổ sung căn cứ pháp lý" });
        Assert.Equal("returned", returned.GetProperty("state").GetString());
        var withdrawn = await PostAsync(caller, returned, "withdraw", new { reason = "Soạn lại văn bản khác" });
        Assert.Equal("withdrawn", withdrawn.GetProperty("state").GetString());

        var delegated = await _workflow.SubmittedAsync();
        delegated = await Workflow.DoAsync(official, delegated, "sign", "delegate",
            new { expectedSha256 = Workflow.Head(delegated), delegateTo = deputy.Username, capacity = "kt" });
        Assert.Equal("in-progress", delegated.GetProperty("state").GetString());

        var recalled = await _workflow.SignRegisterSealAsync(await _workflow.SubmittedAsync());
        recalled = await PostAsync(caller, recalled, "recall", new { reason = "Ban hành nhầm đối tượng" });
        Assert.Equal("recalled", recalled.GetProperty("state").GetString());

        // The deadline has to be still ahead when the submission reaches the service, after the PDF is drawn and sent on a
        // busy machine; 6 s leaves room for that, and the expiry scan is done a few seconds later.
        var expiring = await _workflow.SubmittedAsync(_workflow.Metadata(deadline: DateTimeOffset.UtcNow.AddSeconds(6)));

        var expected = new (JsonElement Request, string Type)[]
        {
            (rejected, "request.rejected"), (returned, "request.returned"), (withdrawn, "request.withdrawn"), (delegated, "step.delegated"),
            (recalled, "step.completed"), (recalled, "request.completed"), (recalled, "request.recalled"), (expiring, "request.expired"),
        };
        foreach (var (request, type) in expected)
        {
            var id = request.GetProperty("id").GetString();
            await receiver.WaitForAsync(r => r.Type == type && r.Json.GetProperty("request").GetProperty("id").GetString() == id, type, EventTimeout);
        }

        Assert.All(receiver.All, received => Assert.True(HasValidSignature(secret, received), $"bad HMAC on {received.Type} {received.Id}"));
        Assert.All(receiver.All, received => Assert.InRange(received.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var expiredView = await caller.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{expiring.GetProperty("id").GetString()}");
        Assert.Equal("expired", expiredView.GetProperty("state").GetString());
        var delegatedEvent = receiver.All.Single(r => r.Type == "step.delegated").Json.GetProperty("data");
        Assert.Equal("kt", delegatedEvent.GetProperty("capacity").GetString());

        // The rejection was answered 500 three times: four POSTs, one event id, and the attempts log says so.
        var rejections = receiver.All.Where(r => r.Type == "request.rejected").ToList();
        Assert.Equal([500, 500, 500, 200], rejections.Select(r => r.AnsweredStatus));
        Assert.Single(rejections.Select(r => r.Id).Distinct());
        Assert.Equal("Sai thể thức văn bản", rejections[^1].Json.GetProperty("data").GetProperty("reason").GetString());
        var hook = subscription.GetProperty("id").GetString();
        var deliveries = await caller.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{hook}/deliveries?eventId={rejections[0].Id}");
        var delivery = Assert.Single(deliveries.EnumerateArray());
        Assert.Equal("delivered", delivery.GetProperty("state").GetString());
        var attempts = await caller.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{hook}/deliveries/{delivery.GetProperty("id").GetString()}/attempts");
        Assert.Equal([500L, 500L, 500L, 200L], attempts.EnumerateArray().Select(a => a.GetProperty("status").GetInt64()));

        // Redelivery by hand sends the same event (same id) once more.
        var redeliver = await caller.PostAsync($"/api/v1/webhooks/{hook}/deliveries/{delivery.GetProperty("id").GetString()}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await WaitUntilAsync(() => receiver.All.Count(r => r.Id == rejections[0].Id && r.AnsweredStatus == 200) == 2, "the redelivery");

        // Another calling system hears none of it, and cannot read this one's deliveries.
        using var otherCaller = _api.WithApiKey(_api.B.CallerKey);
        await (await otherCaller.GetAsync($"/api/v1/webhooks/{hook}/deliveries")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delegate_TheDeputySignsKT_TheCapacityIsPrintedAboveTheTitleAndRecorded_AndTheChairmanMayNoLongerSign()
    {
        var (deputy, _, deputyPin) = await _workflow.AddOfficialAsync("Lê Thị Cúc", "Phó Chủ tịch", pki.Deputy);
        using var official = await _api.SignedInAsync(_api.A.Official);
        var request = await _workflow.SubmittedAsync();
        request = await Workflow.DoAsync(official, request, "sign", "delegate",
            new { expectedSha256 = Workflow.Head(request), delegateTo = deputy.Username, capacity = "kt", capacityTitle = "Chủ tịch" });

        await (await Workflow.ActAsync(official, request, "sign", "sign", new { expectedSha256 = Workflow.Head(request), pin = _workflow.OfficialPin }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        using var deputyClient = await _api.SignedInAsync(deputy);
        var todo = await deputyClient.GetFromJsonAsync<JsonElement>("/api/v1/signature-requests?box=todo");
        Assert.Contains(todo.EnumerateArray(), item => item.GetProperty("id").GetString() == request.GetProperty("id").GetString());
        var signed = await Workflow.DoAsync(deputyClient, request, "sign", "sign", new { expectedSha256 = Workflow.Head(request), pin = deputyPin });
        var done = await _workflow.RegisterSealAsync(signed);

        var step = done.GetProperty("steps")[0];
        Assert.Equal("kt", step.GetProperty("capacity").GetString());
        Assert.Equal(deputy.Id, step.GetProperty("delegateTo").GetString());
        var pdf = await _workflow.DownloadAsync(done);
        Assert.Equal(2, Workflow.CountOf(TestPdfs.Pdfsig(pdf), "Signature is Valid."));
        var text = Workflow.PdfText(pdf);
        Assert.Contains("KT. CHỦ TỊCH", text, StringComparison.Ordinal);
        Assert.Contains("PHÓ CHỦ TỊCH", text, StringComparison.Ordinal);
        Assert.Contains("Lê Thị Cúc", text, StringComparison.Ordinal);
        Assert.Contains(done.GetProperty("history").EnumerateArray(),
            entry => entry.GetProperty("action").GetString() == "sign" && entry.GetProperty("capacity").GetString() == "kt");
    }

    [Fact]
    public async Task BulkSign_OnePinForMany_ReportsEachOutcome_AStaleOneFailsAlone()
    {
        using var official = await _api.SignedInAsync(_api.A.Official);
        var requests = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            requests.Add(await _workflow.SubmittedAsync(_workflow.Metadata($"Văn bản ký hàng loạt số {i + 1}")));
        }

        var items = requests.Select((request, i) => new
        {
            requestId = request.GetProperty("id").GetString(),
            stepId = Workflow.StepId(request, "sign"),
            expectedSha256 = i == 2 ? new string('0', 64) : Workflow.Head(request),
        }).ToArray();
        var response = await official.PostAsJsonAsync("/api/v1/signature-requests/bulk-sign", new { items, pin = _workflow.OfficialPin });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();

        Assert.Equal(items.Select(i => i.requestId), outcomes.Select(o => o.GetProperty("requestId").GetString()));
        Assert.Equal([200, 200, 409, 200], outcomes.Select(o => o.GetProperty("status").GetInt32()));
        foreach (var (request, outcome) in requests.Zip(outcomes))
        {
            var now = await official.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}");
            var signStep = now.GetProperty("steps")[0];
            if (outcome.GetProperty("status").GetInt32() == 200)
            {
                Assert.Equal("done", signStep.GetProperty("state").GetString());
                Assert.Equal(outcome.GetProperty("outputSha256").GetString(), Workflow.Head(now));
                Assert.Equal(1, Workflow.CountOf(TestPdfs.Pdfsig(await _workflow.DownloadAsync(now)), "Signature is Valid."));
            }
            else
            {
                Assert.Equal("active", signStep.GetProperty("state").GetString());
                Assert.Equal(Workflow.Head(request), Workflow.Head(now));
            }
        }

        // A wrong PIN signs nothing and says so once.
        var fresh = await _workflow.SubmittedAsync();
        var wrongPin = await official.PostAsJsonAsync("/api/v1/signature-requests/bulk-sign", new
        {
            items = new[] { new { requestId = fresh.GetProperty("id").GetString(), stepId = Workflow.StepId(fresh, "sign"), expectedSha256 = Workflow.Head(fresh) } },
            pin = "wrong-pin",
        });
        Assert.True((int)wrongPin.StatusCode is 401 or 403, $"wrong PIN: {(int)wrongPin.StatusCode}");
        var untouched = await official.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{fresh.GetProperty("id").GetString()}");
        Assert.Equal(Workflow.Head(fresh), Workflow.Head(untouched));
    }

    /// <summary>Standard Webhooks: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under the base64 key after "whsec_".</summary>
    private static bool HasValidSignature(string secret, WebhookReceiver.Received received)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{received.Id}.{received.Timestamp}.{received.Body}"));
        return received.Signature.Split(' ').Contains("v1," + Convert.ToBase64String(mac));
    }

    private static async Task<JsonElement> SubscribeAsync(HttpClient caller, string url)
    {
        var response = await caller.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url,
            events = new[]
            {
                "request.created", "step.completed", "step.delegated", "request.rejected", "request.returned", "request.withdrawn",
                "request.completed", "request.recalled", "request.expired",
            },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, JsonElement request, string action, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}/{action}", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + EventTimeout;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
