using System.Net;
using System.Net.Http.Headers;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// Issue 17, item 7: uploads that cannot be read as meant. Before, a multipart body cut off before its closing boundary
/// was a 500 ("Unexpected end of Stream") on sign, verify, verify/cms and prepare; two <c>file</c> parts or two
/// <c>keyId</c> fields were silently resolved to one of them; and a widget rectangle outside the page was signed,
/// where no viewer shows it.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class UploadRefusalTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/sign/pdf")]
    [InlineData("/api/v1/sign/pdf/prepare")]
    [InlineData("/api/v1/verify/pdf")]
    [InlineData("/api/v1/verify/cms")]
    public async Task ATruncatedMultipartBody_Gets400_Not500(string path)
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        using var whole = TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId));
        var bytes = await whole.ReadAsByteArrayAsync();
        // Cut inside the file part: the closing boundary never comes.
        using var truncated = new ByteArrayContent(bytes[..(bytes.Length / 2)]);
        truncated.Headers.ContentType = whole.Headers.ContentType;

        var problem = await (await caller.PostAsync(path, truncated)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("incomplete", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateFormFields_Get400_NamingTheField()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        // Which of the two was meant cannot be known; the second need not even exist for the request to be refused.
        var other = Guid.CreateVersion7().ToString("N");
        using var caller = _api.WithApiKey(_api.A.CallerKey);

        using var twoKeys = TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("keyId", other));
        var problem = await (await caller.PostAsync("/api/v1/sign/pdf", twoKeys)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("keyId", out _));

        foreach (var path in new[] { "/api/v1/sign/pdf", "/api/v1/verify/pdf" })
        {
            using var twoFiles = TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId));
            var second = new ByteArrayContent(TestPdfs.Simple(pages: 2));
            second.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            twoFiles.Add(second, "file", "other.pdf");
            problem = await (await caller.PostAsync(path, twoFiles)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _), path);
        }
    }

    [Theory]
    [InlineData("2000,2000,100,50")]
    [InlineData("-300,20,100,50")]
    [InlineData("550,20,100,50")]
    [InlineData("10,800,100,50")]
    public async Task AWidgetRectangleOutsideThePage_Gets422(string rect)
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        using var form = TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("rect", rect));
        var problem = await (await caller.PostAsync("/api/v1/sign/pdf", form)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("does not lie within the page", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("rect", out _));

        using var inside = TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("rect", "400,20,190,50"));
        Assert.Equal(HttpStatusCode.OK, (await caller.PostAsync("/api/v1/sign/pdf", inside)).StatusCode);
    }
}
