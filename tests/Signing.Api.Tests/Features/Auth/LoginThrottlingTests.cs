using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Auth;

/// <summary>
/// Issue 17, item 5: login throttling. Before, a 20-per-minute window per connection address refused the correct
/// password of everyone behind that address too: behind the agency's reverse proxy, one guesser locked out the whole
/// agency. Now failures are counted per account and client address (capped exponential back-off) and per client
/// address over all accounts, and the client address is the one a configured known proxy forwards. These run on real
/// Kestrel on loopback, which stands for the proxy.
/// </summary>
public sealed class LoginThrottlingTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.66";
    private ApiFactory? _api;
    private HttpClient? _client;

    [Fact]
    public async Task AnAttackerOnOneAddress_DoesNotLockOutTheAgency()
    {
        var client = await StartAsync(behindProxy: true);
        User[] agency = [_api!.A.Admin, _api.A.Official, _api.A.Auditor, _api.B.Admin, _api.B.Official, _api.B.Auditor];
        var refusedAfter = 0;
        for (var attempt = 1; attempt <= 30 && refusedAfter == 0; attempt++)
        {
            var response = await LoginAsync(client, agency[attempt % agency.Length].Username, "wrong-password", Attacker);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusedAfter = attempt - 1;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        // The guesser is stopped after Auth:LoginFailuresPerAddressPerMinute failures over all accounts...
        Assert.Equal(20, refusedAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, _api.A.Official.Username, ApiFactory.Password, Attacker)).StatusCode);

        // ...while every person of the agency, each at their own desk behind the same proxy, still signs in at once.
        for (var i = 0; i < agency.Length; i++)
        {
            var response = await LoginAsync(client, agency[i].Username, ApiFactory.Password, $"198.51.100.{10 + i}");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    [Fact]
    public async Task PerAccountBackOff_HoldsTheGuesser_NotTheAccountsOwner()
    {
        var client = await StartAsync(behindProxy: true);
        var victim = _api!.A.Official.Username;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, victim, "wrong-password", Attacker)).StatusCode);
        }

        var held = await LoginAsync(client, victim.ToUpperInvariant() + " ", "wrong-password", Attacker);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        // Two seconds from the fifth failure, rounded up: "1" when the held attempt came more than a second after it.
        Assert.InRange(int.Parse(Assert.Single(held.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture), 1, 2);
        // Even the right password waits while the guesser's address is held: otherwise the back-off would be an oracle.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, victim, ApiFactory.Password, Attacker)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(client, victim, ApiFactory.Password, "198.51.100.7")).StatusCode);
    }

    [Fact]
    public async Task ThePasswordCheckBeforeANewSigningFactor_IsThrottledLikeSignIn()
    {
        await using var api = await new ApiFactory().SeedAsync();
        using var official = await api.SignedInAsync(api.A.Official);
        object SetPin(string password) => new { password, pin = "246813579" };
        for (var i = 0; i < 5; i++)
        {
            await (await official.PutAsJsonAsync("/api/v1/me/signing-credential/pin", SetPin("wrong-password"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var held = await official.PutAsJsonAsync("/api/v1/me/signing-credential/pin", SetPin(ApiFactory.Password));
        await held.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        // Two seconds from the fifth failure, rounded up: "1" when the held attempt came more than a second after it.
        Assert.InRange(int.Parse(Assert.Single(held.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture), 1, 2);
        var audit = await api.Services.GetRequiredService<global::Signing.Storage.Audit.AuditLog>().ReadAsync(api.A.Agency.Id, 0, 1000, default);
        Assert.Equal(5, audit.Count(record => record.Action == "auth.confirm-password"));

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.Equal(HttpStatusCode.NoContent, (await official.PutAsJsonAsync("/api/v1/me/signing-credential/pin", SetPin(ApiFactory.Password))).StatusCode);
    }

    [Fact]
    public async Task BackOff_DoublesAfterTheFreeFailures_AndIsCapped()
    {
        await StartAsync(behindProxy: false);
        var throttle = _api!.Services.GetRequiredService<LoginThrottle>();
        Assert.Equal(TimeSpan.Zero, throttle.BlockFor(4));
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.BlockFor(5));
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.BlockFor(6));
        Assert.Equal(TimeSpan.FromSeconds(8), throttle.BlockFor(7));
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.BlockFor(20));
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.BlockFor(10_000));
    }

    [Fact]
    public async Task XForwardedFor_FromAnAddressThatIsNoKnownProxy_IsIgnored()
    {
        var client = await StartAsync(behindProxy: false);
        User[] accounts = [_api!.A.Admin, _api.A.Official, _api.A.Auditor, _api.B.Admin, _api.B.Official, _api.B.Auditor];
        HttpResponseMessage response = null!;
        for (var attempt = 1; attempt <= 21; attempt++)
        {
            // A guesser who names a new address each time is still one connection address.
            response = await LoginAsync(client, accounts[attempt % accounts.Length].Username, "wrong-password", $"198.51.100.{attempt}");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task TheAddressWindow_RunsAMinuteFromTheFirstFailure_NotToTheNextWallClockMinute()
    {
        await StartAsync(behindProxy: false);
        // Five seconds before a wall-clock minute turns: with calendar minutes the count started again at the turn, so
        // a guesser got twice the allowance in a few seconds (and the test above failed when CI crossed a turn).
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 6, 9, 0, 55, TimeSpan.Zero));
        var throttle = new LoginThrottle(
            _api!.Services.GetRequiredService<LoginFailureStore>(), _api.Services.GetRequiredService<IOptions<AuthOptions>>(), clock);
        var guesser = IPAddress.Parse(Attacker);
        for (var failure = 0; failure < 20; failure++)
        {
            // A new account name each time, so only the per-address window can hold the guesser.
            Assert.Null(await throttle.WaitBeforeAsync($"nobody-{failure}", guesser, default));
            await throttle.RecordFailureAsync($"nobody-{failure}", guesser, default);
            clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(TimeSpan.FromSeconds(50), await throttle.WaitBeforeAsync("nobody-else", guesser, default));
        Assert.Null(await throttle.WaitBeforeAsync("nobody-else", IPAddress.Parse("198.51.100.7"), default));

        clock.Advance(TimeSpan.FromSeconds(49.9));
        Assert.NotNull(await throttle.WaitBeforeAsync("nobody-else", guesser, default));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(await throttle.WaitBeforeAsync("nobody-else", guesser, default));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    private async Task<HttpClient> StartAsync(bool behindProxy)
    {
        _api = new ApiFactory(behindProxy ? new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" } : null);
        _api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _api.StartServer();
        await _api.SeedAsync();
        var address = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };
        return _client;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { username, password }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }
}
