using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Storage;

namespace Signing.Api.Tests.Features.Auth;

/// <summary>
/// Issue 17, item 4: signing out ends the session on the server. Before, the cookie carried the whole session, so a
/// copy taken before <c>POST /auth/logout</c> kept working until it expired.
/// </summary>
public sealed partial class SessionRevocationTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ACopiedCookieNoLongerWorksAfterLogout()
    {
        using var person = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await person.PostAsJsonAsync("/api/v1/auth/login", new { username = _api.A.Admin.Username, password = ApiFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = SessionCookie(login);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(person, HttpMethod.Get, "/api/v1/auth/me", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(person, HttpMethod.Post, "/api/v1/auth/logout", cookie)).StatusCode);

        // The attacker replays the cookie they copied before the sign-out: reads and writes alike are refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(person, HttpMethod.Get, "/api/v1/auth/me", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await SendAsync(person, HttpMethod.Post, $"/api/v1/clients/{_api.A.Caller.Id}/api-keys", cookie)).StatusCode);
    }

    [Fact]
    public async Task ACopiedCookieNoLongerWorksAfterSigningOutOfTheWebApp()
    {
        using var browser = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            HandleCookies = true,
            AllowAutoRedirect = false,
        });
        var form = await browser.GetStringAsync("/signin");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var signIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Username"] = _api.A.Official.Username,
            ["Input.Password"] = ApiFactory.Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = SessionCookie(signIn);

        var home = await browser.GetStringAsync("/");
        token = AntiforgeryToken().Match(home).Groups[1].Value;
        var signOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var copy = _api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(copy, HttpMethod.Get, "/api/v1/auth/me", cookie)).StatusCode);
    }

    [Fact]
    public async Task ASessionRevokedOnAnotherNode_EndsHereWithinTheCheckInterval()
    {
        using var person = await _api.SignedInAsync(_api.A.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/api/v1/auth/me")).StatusCode);

        // Another node's sign-out only touches the shared table; this node learns of it when its short cache lapses.
        var database = _api.Services.GetRequiredService<Database>();
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync("UPDATE user_sessions SET revoked_at = 1 WHERE user_id = @id", new { id = _api.A.Auditor.Id });
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(3);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            status = (await person.GetAsync("/api/v1/auth/me")).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static string SessionCookie(HttpResponseMessage response)
        => response.Headers.GetValues("Set-Cookie").Select(header => header.Split(';')[0]).Single(pair => pair.StartsWith("signing.session=", StringComparison.Ordinal));

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string cookie)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
