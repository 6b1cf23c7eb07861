using System.Net;
using System.Net.Http.Json;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Limits;

/// <summary>
/// Oversize bodies, too many pages, and per-client rate limits on the sign API. The page limit is judged by the reader
/// that signs, so the key is a real token key.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class LimitTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki, new Dictionary<string, string?>
    {
        ["Limits:MaxDocumentBytes"] = "4096",
        ["Limits:MaxPages"] = "1",
        ["Limits:SignRequestsPerMinute"] = "6",
    }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task OversizeBody413_TooManyPages413_SeventhRequestInAMinute429WithRetryAfter()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var oversize = await caller.PostAsync("/api/v1/sign/pdf?keyId=k", TestPdfs.Raw(new byte[8192]));
        await oversize.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        var pages = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Raw(TestPdfs.Simple(3)));
        var problem = await pages.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("more than 1 pages", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Limits:MaxPages", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Appearance options read the document before signing does; they obey the same page limit (an anchor no page
        // holds would otherwise be a 400 after reading every page, and page 3 of 3 would be accepted).
        var anchored = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}&anchor=nowhere", TestPdfs.Raw(TestPdfs.Simple(3)));
        await anchored.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var paged = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}&page=3&rect=10,10,100,50", TestPdfs.Raw(TestPdfs.Simple(3)));
        await paged.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        // Three requests counted so far (the oversize one was refused before the limiter); three more fill the minute's budget of six.
        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await caller.PostAsJsonAsync("/api/v1/sign/hash", new { keyId, hash = "AA==" })).StatusCode);
        }

        var limited = await caller.PostAsJsonAsync("/api/v1/sign/hash", new { keyId, hash = "AA==" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After must tell the client when to come back");

        // The limit is per principal: another agency's client is unaffected.
        using var other = _api.WithApiKey(_api.B.CallerKey);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.PostAsJsonAsync("/api/v1/sign/hash", new { keyId, hash = "AA==" })).StatusCode);
    }
}
