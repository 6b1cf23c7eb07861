using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.Tokens;

/// <summary>
/// The token and the module going away under the service, which runs as a child process on its own copy of the
/// SoftHSM2 token store (so moving the token's directory touches no other test). Moving the token's directory out of
/// the store stands in for pulling a USB token; a softhsm2.conf naming a store that does not exist makes the module's
/// C_Initialize fail, which stands in for a broken module or HSM client. Signing answers 503 token-unavailable,
/// readiness reports the token down, and signing resumes in the same process once the token is back.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class TokenOutageTests(TokenPki pki, ITestOutputHelper output) : IAsyncLifetime
{
    // How long the test waits for recovery: the binding retries a missing token every 2 s, so this is slack for a
    // loaded machine, not a budget.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private SeededDataDirectory _data = null!;
    private ApiProcess _api = null!;
    private string _root = "";
    private string _configuration = "";
    private string _tokenDirectory = "";
    private string _away = "";

    public async Task InitializeAsync()
    {
        // Two callers signing flat out would meet the per-client budget of 600 sign requests a minute (429) on a fast machine.
        _data = await SeededDataDirectory.CreateAsync(pki, new Dictionary<string, string?> { ["Limits:SignRequestsPerMinute"] = "100000" });
        _root = Directory.CreateTempSubdirectory("softhsm-outage-").FullName;
        var store = Path.Combine(_root, "tokens");
        _tokenDirectory = Path.Combine(store, Path.GetFileName(pki.Token.TokenDirectory));
        _away = Path.Combine(_root, "away");
        CopyDirectory(pki.Token.TokenDirectory, _tokenDirectory);
        _configuration = Path.Combine(_root, "softhsm2.conf");
        File.WriteAllText(_configuration, Configuration(store));
        _api = await ApiProcess.StartAsync(_data.Settings, new Dictionary<string, string> { ["SOFTHSM2_CONF"] = _configuration });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _data.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task TokenRemovedWhileSigning_Is503TokenUnavailable_ReadyReportsItDown_AndSigningResumesWhenItIsBack()
    {
        using var client = _api.Client(_data.A.CallerKey);
        using var anonymous = _api.Client();
        Assert.Equal(HttpStatusCode.OK, (await SignAsync(client)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        // Two callers keep signing while the token is pulled: each answer is a signature or a 503, never a 500.
        var answers = new ConcurrentBag<(HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await SignAsync(client);
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Directory.Move(_tokenDirectory, _away);
        var removed = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var statuses = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"while the token was pulled: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} x{s.Value}"))}");
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)a.Status} {a.Body}"));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses.Keys);

        var problem = await AssertTokenUnavailableAsync(await SignAsync(client));
        output.WriteLine($"token away: {problem}");
        var down = await WaitForReadinessAsync(anonymous, HttpStatusCode.ServiceUnavailable, "no longer present");
        output.WriteLine($"ready while the token is away: {down}");

        Directory.Move(_away, _tokenDirectory);
        var back = Stopwatch.StartNew();
        await WaitForSignatureAsync(client);
        output.WriteLine($"signing resumed {back.Elapsed.TotalSeconds:0.0} s after the token came back ({removed.Elapsed.TotalSeconds:0.0} s after it was pulled)");
        Assert.False(_api.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task ModuleBrokenWhileTheTokenIsAway_Is503_ReadyNamesTheModule_AndSigningResumesWhenBothAreBack()
    {
        using var client = _api.Client(_data.A.CallerKey);
        using var anonymous = _api.Client();
        Assert.Equal(HttpStatusCode.OK, (await SignAsync(client)).StatusCode);

        // The token goes first, so a module restart has found it missing; then the module breaks, so the next restart
        // fails in C_Initialize and leaves the module uninitialised.
        Directory.Move(_tokenDirectory, _away);
        await AssertTokenUnavailableAsync(await SignAsync(client));
        await WaitForReadinessAsync(anonymous, HttpStatusCode.ServiceUnavailable, "no longer present");
        File.WriteAllText(_configuration, Configuration(Path.Combine(_root, "no-such-store")));
        var down = await WaitForReadinessAsync(anonymous, HttpStatusCode.ServiceUnavailable, "C_Initialize");
        output.WriteLine($"ready while the module is broken: {down}");
        await AssertTokenUnavailableAsync(await SignAsync(client));

        File.WriteAllText(_configuration, Configuration(Path.GetDirectoryName(_tokenDirectory)!));
        Directory.Move(_away, _tokenDirectory);
        var back = Stopwatch.StartNew();
        await WaitForSignatureAsync(client);
        output.WriteLine($"signing resumed {back.Elapsed.TotalSeconds:0.0} s after the module and the token came back");
        Assert.False(_api.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    private Task<HttpResponseMessage> SignAsync(HttpClient client)
        => client.PostAsync($"/api/v1/sign/pdf?keyId={_data.SealKeyId}&level=B-B", TestPdfs.Raw(TestPdfs.Simple()));

    private async Task<string> AssertTokenUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("urn:signing:problem:token-unavailable", problem.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        // The reason (module, slot, return code) is for the operator's log, not for the caller.
        Assert.DoesNotContain("CKR_", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return problem.ToString();
    }

    // Polls /health/ready until it answers status with the token check's description containing text.
    private async Task<string> WaitForReadinessAsync(HttpClient anonymous, HttpStatusCode status, string text)
    {
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < Patience)
        {
            var response = await anonymous.GetAsync("/health/ready");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == status && status == HttpStatusCode.ServiceUnavailable)
            {
                var tokens = JsonDocument.Parse(last[4..]).RootElement.GetProperty("checks").GetProperty("tokens");
                if (tokens.GetProperty("status").GetString() == "Unhealthy"
                    && tokens.GetProperty("description").GetString()!.Contains(text, StringComparison.Ordinal))
                {
                    return last;
                }
            }

            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"/health/ready never reported {(int)status} with '{text}'; last: {last}\n{_api.Tail()}");
    }

    private async Task WaitForSignatureAsync(HttpClient client)
    {
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < Patience)
        {
            var response = await SignAsync(client);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            // Until it is back, the only answer is the token problem.
            await AssertTokenUnavailableAsync(response);
            last = $"{(int)response.StatusCode}";
            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"signing did not resume within {Patience.TotalSeconds} s; last {last}\n{_api.Tail()}");
    }

    private static string Configuration(string store) =>
        $"directories.tokendir = {store}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n";

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
