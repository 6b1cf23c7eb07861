using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Auth;

/// <summary>
/// Issue 17, item 4: a person's session must not be usable by another site. Before, a form-encoded POST with
/// <c>Origin: https://evil.example</c> disabled a key (204) and created an API key (201); only <c>SameSite=Strict</c>
/// stood in the way, and that does not cover sibling hosts. And body-less POSTs accepted any content type, which is what
/// lets a plain HTML form reach them.
/// </summary>
public sealed class CrossSiteRequestTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _admin = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _api = await new ApiFactory().SeedAsync();
        _admin = await _api.SignedInAsync(_api.A.Admin);
        using var certificate = TestCertificates.Current("CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        var registered = await _admin.PostAsJsonAsync("/api/v1/keys", new
        {
            purpose = "agency-seal",
            location = "pkcs11",
            pkcs11Uri = "pkcs11:token=dev;object=seal;type=private",
            certificatePem = certificate.ExportCertificatePem(),
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        _key = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AFormPostWithOriginEvilExample_IsRefused_TheKeyStaysActive_AndNoApiKeyIsCreated()
    {
        var disable = await _admin.SendAsync(FormPost($"/api/v1/keys/{_key}/disable", ("Origin", "https://evil.example")));
        var problem = await disable.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("evil.example", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var create = await _admin.SendAsync(FormPost($"/api/v1/clients/{_api.A.Caller.Id}/api-keys", ("Origin", "https://evil.example")));
        await create.AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal("active", await KeyStatusAsync());
        var keys = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{_api.A.Caller.Id}/api-keys");
        Assert.Equal(1, keys.GetArrayLength());
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Origin", "https://van-thu.tinh.gov.vn")]
    [InlineData("Origin", "null")]
    public async Task WritesFromSiblingHostsAndOtherSites_AreRefused(string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/keys/{_key}/disable");
        request.Headers.TryAddWithoutValidation(header, value);
        await (await _admin.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("active", await KeyStatusAsync());
    }

    [Fact]
    public async Task WritesFromTheServicesOwnPages_AndFromCallingSystems_GoThrough()
    {
        var own = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/clients/{_api.A.Caller.Id}/api-keys");
        own.Headers.Add("Origin", "http://localhost");
        own.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Created, (await _admin.SendAsync(own)).StatusCode);

        // A calling system sends neither header; an API key is no ambient credential, whatever Origin says.
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var withKey = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verify/cms") { Content = new ByteArrayContent([0x30, 0x00]) };
        withKey.Headers.Add("Origin", "https://evil.example");
        Assert.NotEqual(HttpStatusCode.Forbidden, (await caller.SendAsync(withKey)).StatusCode);

        var plain = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/keys/{_key}/disable");
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.SendAsync(plain)).StatusCode);
        Assert.Equal("disabled", await KeyStatusAsync());
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "purpose=x")]
    [InlineData("text/plain", "")]
    [InlineData("multipart/form-data; boundary=b", "--b--\r\n")]
    [InlineData("application/json", "{}")]
    public async Task ABodylessPost_RefusesAnyContentType(string contentType, string body)
    {
        foreach (var path in new[] { $"/api/v1/keys/{_key}/disable", $"/api/v1/clients/{_api.A.Caller.Id}/api-keys", "/api/v1/auth/logout" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            var problem = await (await _admin.SendAsync(request)).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("takes no request body", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("active", await KeyStatusAsync());
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    private static HttpRequestMessage FormPost(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private async Task<string> KeyStatusAsync()
        => (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/keys")).EnumerateArray()
            .Single(key => key.GetProperty("id").GetString() == _key).GetProperty("status").GetString()!;
}
