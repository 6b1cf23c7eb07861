using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Verification;
using Signing.Api.Tests.Features.DeskSign;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Verification;

/// <summary>
/// In Development with no <c>Verification:TrustAnchorsFile</c>, one <see cref="TrustAnchors"/> service trusts the dev
/// PKI's root for every feature: verify/pdf, verify/cms and the desk signer's uploads alike (verify/cms and desk-sign
/// used to trust nothing there).
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class DevelopmentTrustAnchorsTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync()
        => _api = await new SigningApiFactory(pki, new Dictionary<string, string?> { ["Verification:TrustAnchorsFile"] = "" }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task WithoutConfiguredAnchors_VerifyPdf_VerifyCms_AndDeskSign_TrustTheDevRoot()
    {
        var anchors = _api.Services.GetRequiredService<TrustAnchors>();
        Assert.Contains("dev PKI root", anchors.Source, StringComparison.Ordinal);
        using var devRoot = X509Certificate2.CreateFromPem(File.ReadAllText(pki.RootPemFile));
        Assert.Equal(devRoot.Thumbprint, Assert.Single(anchors.Certificates).Thumbprint);

        var sealKey = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var content = "Công văn số 7/UBND-VP"u8.ToArray();
        var cms = await (await caller.PostAsJsonAsync("/api/v1/sign/cms", new { keyId = sealKey, data = Convert.ToBase64String(content) })).Content.ReadAsByteArrayAsync();
        using var cmsForm = new MultipartFormDataContent { { new ByteArrayContent(cms), "file", "signature.p7s" }, { new ByteArrayContent(content), "content", "document.txt" } };
        var cmsReport = await (await caller.PostAsync("/api/v1/verify/cms", cmsForm)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TOTAL_PASSED", cmsReport.GetProperty("indication").GetString());

        var signing = await caller.PostAsync($"/api/v1/sign/pdf?keyId={sealKey}", TestPdfs.Raw(TestPdfs.Simple(1)));
        Assert.Equal(HttpStatusCode.OK, signing.StatusCode);
        var signedPdf = await signing.Content.ReadAsByteArrayAsync();
        var pdfReport = await (await caller.PostAsync("/api/v1/verify/pdf", TestPdfs.Form(signedPdf))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TOTAL_PASSED", pdfReport.GetProperty("indication").GetString());

        var officialKey = await _api.RegisterAsync("official", "desk-token", null, pki.Official.CertificatePem, _api.A.Official.Id);
        using var official = await _api.SignedInAsync(_api.A.Official);
        var original = TestPdfs.Simple(2);
        var session = await DeskSignFlows.CreateAsync(official, original, officialKey);
        var signed = await DeskSignFlows.SignAsDeskSignerAsync(pki, original, pki.Official);
        using var deskSigner = _api.CreateClient();
        var (status, _) = await DeskSignFlows.UploadAsync(deskSigner, session.GetProperty("fileUploadHandler").GetString()!, signed);
        Assert.Equal(HttpStatusCode.OK, status);

        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var upload = (await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=50")).GetProperty("records").EnumerateArray()
            .Single(record => record.GetProperty("action").GetString() == "desksign.upload");
        // The desk check runs without fetching revocation data, so a chain that reaches the trusted dev root is as far as
        // it gets: INDETERMINATE, never TOTAL_FAILED, and the upload is accepted.
        Assert.Contains("indication=Indeterminate", upload.GetProperty("details").GetString(), StringComparison.Ordinal);
    }
}
