using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Drawing;
using Signing.Storage.Accounts;
using Signing.Storage.Keys;
using Signing.Testing;

namespace Signing.Api.Tests.Features.SignatureRequests;

/// <summary>
/// Agency A set up for the signature-request workflow: its official with a key the service holds (or a desk token),
/// a clerk, the agency seal, signature and seal images, and everyone's signing PIN.
/// </summary>
internal sealed class Workflow
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Workflow(SigningApiFactory api, User clerk, string officialKeyId, string sealKeyId, string officialPin, string clerkPin)
    {
        Api = api;
        Clerk = clerk;
        OfficialKeyId = officialKeyId;
        SealKeyId = sealKeyId;
        OfficialPin = officialPin;
        ClerkPin = clerkPin;
    }

    public SigningApiFactory Api { get; }

    public User Clerk { get; }

    public string OfficialKeyId { get; }

    public string SealKeyId { get; }

    public string OfficialPin { get; }

    public string ClerkPin { get; }

    public static async Task<Workflow> SetUpAsync(SigningApiFactory api, TokenPki pki, string officialKeyLocation = "pkcs11")
    {
        var accounts = api.Services.GetRequiredService<AccountStore>();
        var clerk = await accounts.CreateUserAsync(api.A.Agency.Id, $"clerk-{Guid.NewGuid():N}"[..20], "Trần Thị Bình", "Văn thư",
            PasswordHashing.Hash(ApiFactory.Password), [Roles.Clerk], null, default);
        var keys = api.Services.GetRequiredService<SigningKeyStore>();
        var officialKey = await api.RegisterAsync("official", officialKeyLocation, officialKeyLocation == "pkcs11" ? pki.Official.Uri : null,
            pki.Official.CertificatePem, api.A.Official.Id);
        await keys.SetAppearanceAsync(officialKey, Picture(300, 100, (20, 45, 170)), default);
        var sealKey = await api.RegisterAsync("agency-seal", "pkcs11", pki.Seal.Uri, pki.Seal.CertificatePem);
        await keys.SetAppearanceAsync(sealKey, Picture(200, 200, (200, 24, 32)), default);
        return new Workflow(api, clerk, officialKey, sealKey, await api.SetSigningPinAsync(api.A.Official), await api.SetSigningPinAsync(clerk));
    }

    /// <summary>A Decree 30 draft: "Số: /QĐ-UBND", an empty date line, and a CHỦ TỊCH block, over a body that also names the title.</summary>
    public static byte[] Document(string title = "Về việc ban hành Quy chế sử dụng chữ ký số")
    {
        using var pdf = new MemoryStream();
        OutgoingDocument.WriteAsync(new OutgoingDocumentContent("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "/QĐ-UBND", "Hòa Bình",
            "Quyết định", title, ["CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "Điều 1. Ban hành kèm theo Quyết định này Quy chế sử dụng chữ ký số."],
            "Chủ tịch", ["Như Điều 1", "Lưu: VT"]), pdf).GetAwaiter().GetResult();
        return pdf.ToArray();
    }

    /// <summary>The metadata of a request routed official → register → seal (plus any steps before).</summary>
    public object Metadata(string title = "Về việc ban hành Quy chế sử dụng chữ ký số", string urgency = "normal", string secrecy = "none",
        DateTimeOffset? deadline = null, params object[] before) => new
        {
            title,
            documentType = "Quyết định",
            symbolPattern = "{số}/QĐ-UBND",
            urgency,
            secrecy,
            deadline,
            externalRef = "REF-" + Guid.NewGuid().ToString("N"),
            route = before.Concat(
        [
            new { kind = "sign", assignees = new[] { Api.A.Official.Username }, anchor = "CHỦ TỊCH" },
            new { kind = "register", assignees = new[] { "role:clerk" } },
            new { kind = "seal", assignees = new[] { "role:clerk" } },
        ]).ToArray(),
        };

    /// <summary>Submits as agency A's calling system; returns the reply.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(object metadata, byte[]? document = null, params byte[][] attachments)
    {
        using var caller = Api.WithApiKey(Api.A.CallerKey);
        return await caller.PostAsync("/api/v1/signature-requests", Form(metadata, document ?? Document(), attachments));
    }

    /// <summary>Submits and returns the created request.</summary>
    public async Task<JsonElement> SubmittedAsync(object? metadata = null, byte[]? document = null, params byte[][] attachments)
    {
        var response = await SubmitAsync(metadata ?? Metadata(), document, attachments);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static MultipartFormDataContent Form(object metadata, byte[] document, params byte[][] attachments)
    {
        var form = new MultipartFormDataContent { { new StringContent(JsonSerializer.Serialize(metadata, Json)), "request" } };
        form.Add(Pdf(document), "document", "van-ban.pdf");
        for (var i = 0; i < attachments.Length; i++)
        {
            form.Add(Pdf(attachments[i]), "attachment", $"phu-luc-{i + 1}.pdf");
        }

        return form;
    }

    /// <summary>Runs a step action; returns the reply.</summary>
    public static Task<HttpResponseMessage> ActAsync(HttpClient client, JsonElement request, string kind, string action, object body)
        => client.PostAsJsonAsync($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}/steps/{StepId(request, kind)}/{action}", body);

    /// <summary>Runs a step action that must succeed; returns the request after it.</summary>
    public static async Task<JsonElement> DoAsync(HttpClient client, JsonElement request, string kind, string action, object body)
    {
        var response = await ActAsync(client, request, kind, action, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string StepId(JsonElement request, string kind)
        => request.GetProperty("steps").EnumerateArray().First(step => step.GetProperty("kind").GetString() == kind).GetProperty("id").GetString()!;

    public static string Head(JsonElement request) => request.GetProperty("headSha256").GetString()!;

    /// <summary>Signs, registers and seals <paramref name="request"/> as the official and the clerk; returns it completed.</summary>
    public async Task<JsonElement> SignRegisterSealAsync(JsonElement request)
    {
        using var official = await Api.SignedInAsync(Api.A.Official);
        request = await DoAsync(official, request, "sign", "sign", new { expectedSha256 = Head(request), pin = OfficialPin });
        return await RegisterSealAsync(request);
    }

    /// <summary>Adds another official of agency A with a key the service holds and a signing PIN; returns them and the PIN.</summary>
    public async Task<(User Official, string KeyId, string Pin)> AddOfficialAsync(string displayName, string title, TokenPki.IssuedKey key)
    {
        var accounts = Api.Services.GetRequiredService<AccountStore>();
        var official = await accounts.CreateUserAsync(Api.A.Agency.Id, $"official-{Guid.NewGuid():N}"[..20], displayName, title,
            PasswordHashing.Hash(ApiFactory.Password), [Roles.Official], null, default);
        var keyId = await Api.RegisterAsync("official", "pkcs11", key.Uri, key.CertificatePem, official.Id);
        await Api.Services.GetRequiredService<SigningKeyStore>().SetAppearanceAsync(keyId, Picture(300, 100, (20, 45, 170)), default);
        return (official, keyId, await Api.SetSigningPinAsync(official));
    }

    public async Task<JsonElement> RegisterSealAsync(JsonElement request)
    {
        using var clerk = await Api.SignedInAsync(Clerk);
        request = await DoAsync(clerk, request, "register", "register", new { expectedSha256 = Head(request) });
        return await DoAsync(clerk, request, "seal", "seal", new { expectedSha256 = Head(request), pin = ClerkPin });
    }

    /// <summary>The newest revision of a request's document <paramref name="index"/>.</summary>
    public async Task<byte[]> DownloadAsync(JsonElement request, int index = 0)
    {
        using var caller = Api.WithApiKey(Api.A.CallerKey);
        return await caller.GetByteArrayAsync($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}/document?index={index}");
    }

    /// <summary>The document's text per pdftotext.</summary>
    public static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"text-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var result = ExternalTool.Run("pdftotext", path, "-");
            Assert.Equal(0, result.ExitCode);
            return result.StandardOutput;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Runs qpdf --check; fails the test with its output unless it is clean.</summary>
    public static int Qpdf(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"qpdf-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var result = ExternalTool.Run("qpdf", "--check", path);
            Assert.True(result.ExitCode == 0, result.Combined);
            return result.ExitCode;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>How often <paramref name="fragment"/> occurs in <paramref name="text"/>.</summary>
    public static int CountOf(string text, string fragment) => text.Split(fragment).Length - 1;

    private static ByteArrayContent Pdf(byte[] content)
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return part;
    }

    // A round blot of one colour on transparency: enough to see where an image lands.
    private static byte[] Picture(int width, int height, (byte R, byte G, byte B) ink)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var dx = (x - (width / 2.0)) / (width / 2.0);
                var dy = (y - (height / 2.0)) / (height / 2.0);
                var i = ((y * width) + x) * 4;
                (rgba[i], rgba[i + 1], rgba[i + 2]) = ink;
                rgba[i + 3] = (dx * dx) + (dy * dy) <= 1 ? (byte)255 : (byte)0;
            }
        }

        return PngEncoder.Encode(width, height, rgba);
    }
}
