using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Verification;

/// <summary>
/// Issue 17, item 7: <c>verify/pdf</c> given something that is not a PDF at all answers 422, as sign does; before, it
/// answered 200 with a FORMAT_FAILURE report, as if a PNG were a damaged PDF. A structurally broken PDF keeps its
/// FORMAT_FAILURE report.
/// </summary>
public sealed class VerifyNonPdfTests : IAsyncLifetime
{
    private ApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new ApiFactory().SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public static TheoryData<string, byte[]> NotPdfs => new()
    {
        { "a PNG", Convert.FromHexString("89504E470D0A1A0A0000000D49484452") },
        { "a Word document", "PK\u0003\u0004word/document.xml"u8.ToArray() },
        { "text", "Quyết định số 12/QĐ-UBND"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(NotPdfs))]
    public async Task SomethingThatIsNotAPdfAtAll_Gets422(string what, byte[] bytes)
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var raw = await (await caller.PostAsync("/api/v1/verify/pdf", Pdf(bytes))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not a PDF", raw.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var form = new MultipartFormDataContent { { Pdf(bytes), "file", "upload.pdf" } };
        await (await caller.PostAsync("/api/v1/verify/pdf", form)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(what);
    }

    [Fact]
    public async Task AStructurallyBrokenPdf_KeepsItsFormatFailureReport()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var response = await caller.PostAsync("/api/v1/verify/pdf", Pdf("%PDF-1.7\n1 0 obj << /Type /Catalog"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TOTAL_FAILED", report.GetProperty("indication").GetString());
        Assert.False(string.IsNullOrEmpty(report.GetProperty("formatProblem").GetString()));
    }

    private static ByteArrayContent Pdf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }
}
