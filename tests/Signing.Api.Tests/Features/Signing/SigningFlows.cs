using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// The sign-pdf and two-step flows through the real pipeline, with a SoftHSM2 key and the dev PKI's OCSP; run once
/// on SQLite and once on PostgreSQL.
/// </summary>
public abstract class SigningFlows(TokenPki pki) : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("signing-flows-").FullName;
    private Dictionary<string, string?> _settings = null!;
    private SigningApiFactory _api = null!;

    protected TokenPki Pki => pki;

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    public async Task InitializeAsync()
    {
        _settings = await StorageSettingsAsync();
        _settings["Storage:DataDirectory"] = _dataDirectory;
        _api = await new SigningApiFactory(pki, _settings).SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task SignPdf_MultipartAndRaw_PdfsigSaysValid_AndEveryCallIsAudited()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var pdf = TestPdfs.Simple();

        var multipart = await caller.PostAsync("/api/v1/sign/pdf",
            TestPdfs.Form(pdf, ("keyId", keyId), ("level", "B-B"), ("reason", "Phê duyệt"), ("location", "Phú Thọ")));
        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal("application/pdf", multipart.Content.Headers.ContentType?.MediaType);
        var signatureId = Assert.Single(multipart.Headers.GetValues("X-Signature-Id"));
        var signed = await multipart.Content.ReadAsByteArrayAsync();
        Assert.Equal(pdf, signed[..pdf.Length]);
        var report = TestPdfs.Pdfsig(signed);
        Assert.Contains("Signature is Valid.", report, StringComparison.Ordinal);
        Assert.Contains("ETSI.CAdES.detached", report, StringComparison.Ordinal);

        var raw = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}&reason=raw", TestPdfs.Raw(pdf));
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(await raw.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        // A retried request with the same Idempotency-Key gets the same signed PDF back, not a second signature.
        var retried = new List<(string Id, byte[] Body, bool Replayed)>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sign/pdf?keyId={keyId}") { Content = TestPdfs.Raw(pdf) };
            request.Headers.Add("Idempotency-Key", "sign-retry-1");
            var response = await caller.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            retried.Add((response.Headers.GetValues("X-Signature-Id").Single(), await response.Content.ReadAsByteArrayAsync(),
                response.Headers.Contains("Idempotent-Replayed")));
        }

        Assert.Equal(retried[0].Id, retried[1].Id);
        Assert.Equal(retried[0].Body, retried[1].Body);
        Assert.True(retried[1].Replayed);

        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var audit = await auditor.GetStringAsync("/api/v1/audit?limit=50");
        Assert.Contains(signatureId, audit, StringComparison.Ordinal);
        Assert.Contains($"sha256={Convert.ToHexStringLower(SHA256.HashData(pdf))}", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(pki.Token.UserPin + ";", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoStep_CompletedAfterRestart_IsValid_MismatchesAndReplayRejected()
    {
        var keyId = await _api.RegisterAsync("agency-seal", "desk-token", null, pki.Seal.CertificatePem);
        await _api.GrantAsync(keyId);
        var apiKey = _api.A.CallerKey;
        var pdf = TestPdfs.Simple(2);
        JsonElement prepared;
        using (var caller = _api.WithApiKey(apiKey))
        {
            var response = await caller.PostAsync("/api/v1/sign/pdf/prepare", TestPdfs.Form(pdf, ("keyId", keyId), ("reason", "Ký tại bàn")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            prepared = await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var dataToSign = Convert.FromBase64String(prepared.GetProperty("dataToSign").GetString()!);
        Assert.Equal(SHA256.HashData(dataToSign), Convert.FromBase64String(prepared.GetProperty("hash").GetString()!));
        Assert.Equal("SHA-256", prepared.GetProperty("hashAlgorithm").GetString());
        Assert.True(prepared.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(9));
        var operationId = prepared.GetProperty("operationId").GetString();

        // The desk token signs the signed attributes.
        byte[] signature;
        using (var desk = pki.Open(pki.Seal))
        {
            signature = ((RSA)desk.PrivateKey).SignData(dataToSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        await _api.DisposeAsync();
        _api = new SigningApiFactory(pki, _settings);
        using var restarted = _api.WithApiKey(apiKey);
        var complete = $"/api/v1/sign/pdf/{operationId}/complete";
        var certificate = Convert.ToBase64String(pki.Seal.Certificate.RawData);

        var wrongCertificate = await restarted.PostAsJsonAsync(complete, new
        {
            signature = Convert.ToBase64String(signature),
            certificate = Convert.ToBase64String(pki.Revoked.Certificate.RawData),
        });
        Assert.Contains("not the certificate", (await wrongCertificate.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        var tampered = (byte[])signature.Clone();
        tampered[10] ^= 1;
        var wrongSignature = await restarted.PostAsJsonAsync(complete, new { signature = Convert.ToBase64String(tampered), certificate });
        Assert.Contains("does not verify", (await wrongSignature.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());

        var completed = await restarted.PostAsJsonAsync(complete, new { signature = Convert.ToBase64String(signature), certificate });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var signed = await completed.Content.ReadAsByteArrayAsync();
        Assert.Equal(pdf, signed[..pdf.Length]);
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);

        var replay = await restarted.PostAsJsonAsync(complete, new { signature = Convert.ToBase64String(signature), certificate });
        await replay.AssertProblemAsync(HttpStatusCode.Conflict);
    }
}

[Collection(TokenCollection.Name)]
public sealed class SqliteSigningFlows(TokenPki pki) : SigningFlows(pki)
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

[Collection(TokenCollection.Name)]
public sealed class PostgresSigningFlows(TokenPki pki, PostgresCluster cluster) : SigningFlows(pki)
{
    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };
}
