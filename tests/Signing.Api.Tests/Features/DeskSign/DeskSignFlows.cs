using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Signatures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.DeskSign;

/// <summary>
/// Signing at the desk the way the GCC desk signer does it: one-time download URL, one-time upload URL with multipart
/// field <c>uploadfile</c>, <c>{Status, Message, FileName, FileServer}</c> reply. The main flow runs on SQLite and
/// PostgreSQL; the refusals run on SQLite.
/// </summary>
public abstract class DeskSignFlows(TokenPki pki) : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("desk-sign-").FullName;
    private SigningApiFactory _api = null!;

    protected TokenPki Pki => pki;

    protected SigningApiFactory Api => _api;

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    public async Task InitializeAsync()
    {
        var settings = await StorageSettingsAsync();
        settings["Storage:DataDirectory"] = _dataDirectory;
        _api = await new SigningApiFactory(pki, settings).SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task CreateDownloadOnceUploadSigned_Status0_PdfsigValid_ReplayAndOtherAgencyRefused()
    {
        var keyId = await _api.RegisterAsync("official", "desk-token", null, pki.Official.CertificatePem, _api.A.Official.Id);
        using var official = await _api.SignedInAsync(_api.A.Official);
        var pdf = TestPdfs.Simple(2);
        var session = await CreateAsync(official, pdf, keyId);
        var fileUrl = session.GetProperty("fileName").GetString()!;
        var uploadUrl = session.GetProperty("fileUploadHandler").GetString()!;
        Assert.StartsWith("http://localhost/api/v1/desk-sign/files/", fileUrl, StringComparison.Ordinal);
        Assert.StartsWith("http://localhost/api/v1/desk-sign/uploads/", uploadUrl, StringComparison.Ordinal);
        Assert.True(session.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(9));
        var sessionId = session.GetProperty("sessionId").GetString()!;

        // The desk signer holds no credential of ours: only the URLs.
        using var deskSigner = _api.CreateClient();
        var downloaded = await deskSigner.GetAsync(fileUrl);
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        Assert.Equal(pdf, await downloaded.Content.ReadAsByteArrayAsync());
        await (await deskSigner.GetAsync(fileUrl)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("downloaded", (await StatusAsync(official, sessionId)).GetProperty("status").GetString());

        var signed = await SignAsync(pdf, pki.Official);
        var (status, reply) = await UploadAsync(deskSigner, uploadUrl, signed);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, reply.GetProperty("Status").GetInt32());
        Assert.Equal("document.signed.pdf", reply.GetProperty("FileName").GetString());
        var fileServer = reply.GetProperty("FileServer").GetString()!;
        Assert.Equal($"http://localhost/api/v1/desk-sign/sessions/{sessionId}/file", fileServer);

        var state = await StatusAsync(official, sessionId);
        Assert.Equal("signed", state.GetProperty("status").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(signed)), state.GetProperty("signedSha256").GetString());
        var stored = await official.GetByteArrayAsync(fileServer);
        Assert.Equal(signed, stored);
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(stored), StringComparison.Ordinal);

        var (replayStatus, replay) = await UploadAsync(deskSigner, uploadUrl, signed);
        Assert.Equal(HttpStatusCode.Conflict, replayStatus);
        Assert.Equal(3, replay.GetProperty("Status").GetInt32());
        Assert.Contains("once", replay.GetProperty("Message").GetString(), StringComparison.Ordinal);

        using var otherAgency = await _api.SignedInAsync(_api.B.Official);
        await (await otherAgency.GetAsync($"/api/v1/desk-sign/sessions/{sessionId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await otherAgency.GetAsync(fileServer)).AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = _api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(fileServer)).StatusCode);

        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var audit = await auditor.GetStringAsync("/api/v1/audit?limit=50");
        Assert.Contains("desksign.upload", audit, StringComparison.Ordinal);
        Assert.Contains($"sha256={Convert.ToHexStringLower(SHA256.HashData(signed))}", audit, StringComparison.Ordinal);
        Assert.Contains($"key={keyId}", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentUploads_ExactlyOneAccepted_TheOtherGets409()
    {
        var keyId = await _api.RegisterAsync("official", "desk-token", null, pki.Official.CertificatePem, _api.A.Official.Id);
        using var official = await _api.SignedInAsync(_api.A.Official);
        var pdf = TestPdfs.Simple();
        var uploadUrl = (await CreateAsync(official, pdf, keyId)).GetProperty("fileUploadHandler").GetString()!;
        var signed = await SignAsync(pdf, pki.Official);
        using var first = _api.CreateClient();
        using var second = _api.CreateClient();

        var replies = await Task.WhenAll(UploadAsync(first, uploadUrl, signed), UploadAsync(second, uploadUrl, signed));

        Assert.Single(replies, reply => reply.Status == HttpStatusCode.OK && reply.Reply.GetProperty("Status").GetInt32() == 0);
        Assert.Single(replies, reply => reply.Status == HttpStatusCode.Conflict && reply.Reply.GetProperty("Status").GetInt32() == 3);
    }

    internal static async Task<JsonElement> CreateAsync(HttpClient client, byte[] pdf, string keyId)
    {
        var response = await client.PostAsync("/api/v1/desk-sign/sessions", TestPdfs.Form(pdf, ("keyId", keyId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    protected static async Task<JsonElement> StatusAsync(HttpClient client, string sessionId)
    {
        var response = await client.GetAsync($"/api/v1/desk-sign/sessions/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Posts <paramref name="file"/> as the desk signer does and returns its reply, checking the JSON shape.</summary>
    internal static async Task<(HttpStatusCode Status, JsonElement Reply)> UploadAsync(HttpClient client, string uploadUrl, byte[] file)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(content, "uploadfile", "document.pdf");
        var response = await client.PostAsync(uploadUrl, form);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Number, reply.GetProperty("Status").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(reply.GetProperty("Message").GetString()));
        Assert.True(reply.TryGetProperty("FileName", out _));
        Assert.True(reply.TryGetProperty("FileServer", out _));
        return (response.StatusCode, reply);
    }

    /// <summary>Signs as the desk signer would, with the token key of <paramref name="key"/>, as an incremental update.</summary>
    protected Task<byte[]> SignAsync(byte[] pdf, TokenPki.IssuedKey key) => SignAsDeskSignerAsync(pki, pdf, key);

    /// <summary>Signs as the desk signer would, with the token key of <paramref name="key"/> on <paramref name="pki"/>'s token.</summary>
    internal static async Task<byte[]> SignAsDeskSignerAsync(TokenPki pki, byte[] pdf, TokenPki.IssuedKey key)
    {
        using var token = pki.Open(key);
        using var input = new MemoryStream(pdf);
        using var output = new MemoryStream();
        await PadesSigner.SignAsync(input, output, token.PrivateKey, new PadesSignOptions { Certificate = key.Certificate });
        return output.ToArray();
    }
}

[Collection(TokenCollection.Name)]
public sealed class SqliteDeskSignFlows(TokenPki pki) : DeskSignFlows(pki)
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    [Fact]
    public async Task MismatchedUploads_AreRefusedWithoutBurningTheUploadLink()
    {
        var keyId = await Api.RegisterAsync("official", "desk-token", null, Pki.Official.CertificatePem, Api.A.Official.Id);
        using var official = await Api.SignedInAsync(Api.A.Official);
        var pdf = TestPdfs.Simple();
        var session = await CreateAsync(official, pdf, keyId);
        var uploadUrl = session.GetProperty("fileUploadHandler").GetString()!;
        using var deskSigner = Api.CreateClient();

        async Task AssertRefusedAsync(byte[] upload, string expectedMessage)
        {
            var (status, reply) = await UploadAsync(deskSigner, uploadUrl, upload);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(2, reply.GetProperty("Status").GetInt32());
            Assert.Contains(expectedMessage, reply.GetProperty("Message").GetString(), StringComparison.Ordinal);
        }

        await AssertRefusedAsync(await SignAsync(pdf, Pki.Seal), "not the certificate registered");
        var modified = await SignAsync(pdf, Pki.Official);
        modified[pdf.Length / 2] ^= 0x20;
        await AssertRefusedAsync(modified, "does not start with the original");
        var rewritten = TestPdfs.Simple(2);
        await AssertRefusedAsync(await SignAsync(rewritten, Pki.Official), "does not start with the original");
        await AssertRefusedAsync(await SignAsync(await SignAsync(pdf, Pki.Official), Pki.Official), "has 2 signature(s)");
        await AssertRefusedAsync(pdf, "has no new signature");
        await AssertRefusedAsync([.. pdf, .. "\n% appended, unsigned\n"u8.ToArray()], "has 0 signature(s)");
        await AssertRefusedAsync(BreakSignatureValue(await SignAsync(pdf, Pki.Official), pdf.Length), "is invalid");

        var (okStatus, ok) = await UploadAsync(deskSigner, uploadUrl, await SignAsync(pdf, Pki.Official));
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal(0, ok.GetProperty("Status").GetInt32());

        using var auditor = await Api.SignedInAsync(Api.A.Auditor);
        var audit = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=100");
        var uploads = audit.GetProperty("records").EnumerateArray().Select(record => record.GetProperty("action").GetString()).Count(action => action == "desksign.upload");
        Assert.Equal(8, uploads);
    }

    [Fact]
    public async Task ExpiredSession_DownloadIs404_UploadRefused_StatusExpired()
    {
        var keyId = await Api.RegisterAsync("official", "desk-token", null, Pki.Official.CertificatePem, Api.A.Official.Id);
        await Api.GrantAsync(keyId);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var clocked = Api.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock)));
        using var caller = clocked.CreateClient();
        caller.DefaultRequestHeaders.Add("X-Api-Key", Api.A.CallerKey);
        var pdf = TestPdfs.Simple();
        var session = await CreateAsync(caller, pdf, keyId);
        var signed = await SignAsync(pdf, Pki.Official);

        clock.Advance(TimeSpan.FromMinutes(11));
        using var deskSigner = clocked.CreateClient();
        await (await deskSigner.GetAsync(session.GetProperty("fileName").GetString())).AssertProblemAsync(HttpStatusCode.NotFound);
        var (status, reply) = await UploadAsync(deskSigner, session.GetProperty("fileUploadHandler").GetString()!, signed);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(1, reply.GetProperty("Status").GetInt32());
        Assert.Contains("expired", reply.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal("expired", (await StatusAsync(caller, session.GetProperty("sessionId").GetString()!)).GetProperty("status").GetString());

        // The official did not create this session: the caller did, so only the caller sees it.
        using var official = await Api.SignedInAsync(Api.A.Official);
        await (await official.GetAsync($"/api/v1/desk-sign/sessions/{session.GetProperty("sessionId").GetString()}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>Changes the last significant hex digit of the new signature's /Contents: the RSA signature value's last byte.</summary>
    private static byte[] BreakSignatureValue(byte[] signed, int originalLength)
    {
        var contents = signed.AsSpan(originalLength).IndexOf("/Contents <"u8) + originalLength;
        Assert.True(contents >= originalLength, "the appended revision has no /Contents");
        var end = signed.AsSpan(contents).IndexOf((byte)'>') + contents;
        var last = end - 1;
        while (signed[last] == (byte)'0')
        {
            last--;
        }

        var broken = (byte[])signed.Clone();
        broken[last] = broken[last] == (byte)'1' ? (byte)'2' : (byte)'1';
        return broken;
    }
}

[Collection(TokenCollection.Name)]
public sealed class PostgresDeskSignFlows(TokenPki pki, PostgresCluster cluster) : DeskSignFlows(pki)
{
    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };
}
