using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>CAdES over data or a hash, raw signatures over a hash, and CMS verification with the validation report.</summary>
[Collection(TokenCollection.Name)]
public sealed class SignCmsAndVerifyTests(TokenPki pki) : IAsyncLifetime
{
    private static readonly byte[] Document = "Quyết định số 12/QĐ-UBND ngày 01/07/2025"u8.ToArray();
    private SigningApiFactory _api = null!;
    private string _keyId = null!;

    public async Task InitializeAsync()
    {
        _api = await new SigningApiFactory(pki).SeedAsync();
        _keyId = await _api.RegisterGrantedAsync(pki.Seal);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task SignCms_DetachedEnvelopingAndHash_VerifyWithSignedCms_AndVerifyEndpointPassesThem()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var detached = await SignCmsAsync(caller, new { keyId = _keyId, data = Convert.ToBase64String(Document) });
        var cms = new SignedCms(new ContentInfo(Document), detached: true);
        cms.Decode(detached);
        cms.CheckSignature(verifySignatureOnly: true);
        Assert.Equal(pki.Seal.Certificate.Thumbprint, cms.SignerInfos[0].Certificate!.Thumbprint);

        var enveloping = await SignCmsAsync(caller, new { keyId = _keyId, data = Convert.ToBase64String(Document), detached = false });
        var envelopingCms = new SignedCms();
        envelopingCms.Decode(enveloping);
        envelopingCms.CheckSignature(verifySignatureOnly: true);
        Assert.Equal(Document, envelopingCms.ContentInfo.Content);

        var fromHash = await SignCmsAsync(caller, new { keyId = _keyId, hash = Convert.ToBase64String(SHA256.HashData(Document)), hashAlgorithm = "SHA-256" });
        var hashCms = new SignedCms(new ContentInfo(Document), detached: true);
        hashCms.Decode(fromHash);
        hashCms.CheckSignature(verifySignatureOnly: true);

        var report = await VerifyAsync(caller, detached, Document);
        Assert.Equal("TOTAL_PASSED", report.GetProperty("indication").GetString());
        Assert.Contains("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", report.GetProperty("signerSubject").GetString(), StringComparison.Ordinal);
        var tampered = (byte[])Document.Clone();
        tampered[0] ^= 1;
        Assert.Equal("TOTAL_FAILED", (await VerifyAsync(caller, detached, tampered)).GetProperty("indication").GetString());

        var garbage = await (await caller.PostAsync("/api/v1/verify/cms", new ByteArrayContent("not a CMS"u8.ToArray()))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TOTAL_FAILED", garbage.GetProperty("indication").GetString());
        Assert.Equal("FORMAT_FAILURE", garbage.GetProperty("subIndication").GetString());
        using var anonymous = _api.CreateClient();
        await (await anonymous.PostAsync("/api/v1/verify/cms", new ByteArrayContent(enveloping))).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var raw = new ByteArrayContent(enveloping);
        raw.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs7-signature");
        var rawReport = await (await caller.PostAsync("/api/v1/verify/cms", raw)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TOTAL_PASSED", rawReport.GetProperty("indication").GetString());
    }

    [Fact]
    public async Task SignHash_Pkcs1AndPss_VerifyWithTheCertificate_BadInputExplained()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var hash = SHA256.HashData(Document);
        using var publicKey = pki.Seal.Certificate.GetRSAPublicKey()!;
        foreach (var (padding, rsaPadding) in new[] { ("pkcs1", RSASignaturePadding.Pkcs1), ("pss", RSASignaturePadding.Pss) })
        {
            var response = await caller.PostAsJsonAsync("/api/v1/sign/hash", new { keyId = _keyId, hash = Convert.ToBase64String(hash), hashAlgorithm = "SHA-256", padding });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var signature = Convert.FromBase64String(body.GetProperty("signature").GetString()!);
            Assert.True(publicKey.VerifyHash(hash, signature, HashAlgorithmName.SHA256, rsaPadding), padding);
        }

        var shortHash = await caller.PostAsJsonAsync("/api/v1/sign/hash", new { keyId = _keyId, hash = Convert.ToBase64String(new byte[20]) });
        Assert.Contains("32 bytes", (await shortHash.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var md5 = await caller.PostAsJsonAsync("/api/v1/sign/hash", new { keyId = _keyId, hash = Convert.ToBase64String(hash), hashAlgorithm = "MD5" });
        await md5.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task<byte[]> SignCmsAsync(HttpClient caller, object request)
    {
        var response = await caller.PostAsJsonAsync("/api/v1/sign/cms", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkcs7-signature", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<JsonElement> VerifyAsync(HttpClient caller, byte[] cms, byte[] content)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(cms), "file", "signature.p7s" },
            { new ByteArrayContent(content), "content", "document.txt" },
        };
        var response = await caller.PostAsync("/api/v1/verify/cms", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
