using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Signing.Api.Features.Web;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// Issue 17, item 7: the security headers the pages had now cover the APIs too. Before, API replies (signed documents,
/// reports, account lists) carried no <c>Cache-Control</c>, so a shared cache or the browser's disk could keep them,
/// and HTTPS replies carried no HSTS.
/// </summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ApiReplies_AreNotStored_StaticFilesMayBe()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        using var anonymous = _api.CreateClient();
        foreach (var response in new[]
        {
            await caller.GetAsync("/api/v1/auth/me"),
            await caller.GetAsync("/api/v1/keys"),
            await anonymous.GetAsync("/api/v1/auth/me"),
            await caller.GetAsync("/api/v1/no-such-endpoint"),
            await caller.GetAsync("/health/ready"),
        })
        {
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }

        var css = await anonymous.GetAsync("/css/site.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.DoesNotContain("no-store", css.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsReplies_CarryHsts_PlainHttpOnesDoNot()
    {
        using var https = _api.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        foreach (var path in new[] { "/api/v1/auth/me", "/signin", "/health/live" })
        {
            var response = await https.GetAsync(path);
            Assert.Equal(SecurityHeadersMiddleware.StrictTransportSecurity, Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        }

        using var http = _api.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost"), AllowAutoRedirect = false });
        Assert.False((await http.GetAsync("/signin")).Headers.Contains("Strict-Transport-Security"));
    }
}
