using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The web app's rules that need no browser, through the real pipeline: who gets pages and who gets problems, the
/// headers, where a sign-in may return to, the shared login back-off, and that every text has two languages.
/// </summary>
public sealed partial class WebShellHttpTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Pages_SendABrowserToSignIn_ApisStillAnswer401Problems()
    {
        using var browser = Browser();
        var page = await browser.GetAsync("/verify?x=1");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?ReturnUrl=%2Fverify%3Fx%3D1", page.Headers.Location!.PathAndQuery);

        foreach (var api in new[] { "/api/v1/auth/me", "/api/v1/keys", "/openapi/v1.json" })
        {
            await (await browser.GetAsync(api)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task CallingSystems_GetNoPages_TheirApiKeyIsNotASession()
    {
        using var caller = Browser();
        caller.DefaultRequestHeaders.Add("X-Api-Key", _api.A.CallerKey);
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/v1/auth/me")).StatusCode);
        var page = await caller.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndPagesAreNotCached()
    {
        using var browser = Browser();
        var page = await browser.GetAsync("/signin");
        var api = await browser.GetAsync("/api/v1/auth/me");
        foreach (var response in new[] { page, api })
        {
            var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }

        Assert.Contains("no-store", page.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"vi\">", html, StringComparison.Ordinal);
        // No inline script anywhere: every <script> names its file, so the policy needs no 'unsafe-inline' or nonce.
        Assert.DoesNotMatch(new Regex("<script(?![^>]*\\bsrc=)"), html);
        Assert.Contains("Đăng nhập", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_ReturnsOnlyToThisSite()
    {
        foreach (var (returnUrl, expected) in new[] { ("/verify", "/verify"), ("https://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil.example", "/") })
        {
            using var browser = Browser();
            var token = await TokenAsync(browser, "/signin");
            var response = await browser.PostAsync($"/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}", Form(token,
                ("Input.Username", _api.A.Official.Username), ("Input.Password", ApiFactory.Password)));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(expected, response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task FormsWithoutTheirToken_AreRefusedWithAPageInVietnamese()
    {
        using var browser = Browser();
        foreach (var path in new[] { "/signin", "/language", "/signout" })
        {
            var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Username"] = _api.A.Official.Username,
                ["Input.Password"] = ApiFactory.Password,
                ["language"] = "en",
            }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(ErrorText.For(400).Heading.Vi, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LanguageSwitch_IsRememberedInACookie_AndReturnsOnlyToThisSite()
    {
        using var browser = Browser();
        var token = await TokenAsync(browser, "/signin");
        var switched = await browser.PostAsync("/language", Form(token, ("language", "en"), ("returnUrl", "https://evil.example/")));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/", switched.Headers.Location!.OriginalString);
        var html = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains(SignInText.Title.En, html, StringComparison.Ordinal);

        token = await TokenAsync(browser, "/signin");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/language", Form(token, ("language", "fr")))).StatusCode);
    }

    [Fact]
    public async Task SignInPage_SharesTheLoginBackOff_ShowingItsFormIsFree()
    {
        using var browser = Browser();
        string token = "";
        for (var i = 0; i < 25; i++)
        {
            token = await TokenAsync(browser, "/signin");
        }

        HttpResponseMessage response;
        var attempts = 0;
        do
        {
            response = await browser.PostAsync("/signin", Form(token, ("Input.Username", _api.A.Official.Username), ("Input.Password", "wrong")));
            attempts++;
        }
        while (response.StatusCode == HttpStatusCode.OK && attempts <= 25);

        // Five wrong passwords are answered at once; the sixth must wait (Auth:LoginFreeFailures, Auth:LoginBackoffBase).
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(6, attempts);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Contains(SignInText.Throttled.Vi.Split('{')[0], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedInPeople_SeeStatusPagesInTheirLanguage()
    {
        using var official = await _api.SignedInAsync(_api.A.Official);
        var missing = await official.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains(ErrorText.For(404).Heading.Vi, await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // An API path keeps its problem details.
        await (await official.GetAsync("/api/v1/no-such-endpoint")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public void EveryText_HasBothLanguages()
    {
        var phrases = typeof(Phrase).Assembly.GetTypes()
            .Where(type => !type.ContainsGenericParameters)
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(field => field.FieldType == typeof(Phrase))
            .Select(field => (Name: $"{field.DeclaringType!.Name}.{field.Name}", Phrase: (Phrase)field.GetValue(null)!))
            .Concat(Roles.All.Select(role => ($"role {role}", ShellText.Role(role))))
            .Concat(new[] { 400, 403, 404, 413, 422, 429, 500, 503 }.SelectMany(status =>
                new[] { ($"error {status}", ErrorText.For(status).Heading), ($"error {status} text", ErrorText.For(status).Explanation) }))
            .ToList();
        Assert.True(phrases.Count > 80, $"Only {phrases.Count} phrases found.");
        foreach (var (name, phrase) in phrases)
        {
            Assert.False(string.IsNullOrWhiteSpace(phrase.Vi), name);
            Assert.False(string.IsNullOrWhiteSpace(phrase.En), name);
            // Placeholders must match, or one language would drop a value.
            Assert.True(Placeholders(phrase.Vi).SequenceEqual(Placeholders(phrase.En)), $"{name}: placeholders differ");
        }
    }

    private static IEnumerable<string> Placeholders(string text) => PlaceholderPattern().Matches(text).Select(match => match.Value).Order(StringComparer.Ordinal);

    private HttpClient Browser() => _api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> TokenAsync(HttpClient browser, string path)
    {
        var html = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        return TokenPattern().Match(html).Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields)
        => new(fields.Select(field => KeyValuePair.Create(field.Name, field.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("\\{\\d+\\}")]
    private static partial Regex PlaceholderPattern();
}
