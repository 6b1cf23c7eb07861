using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Csc;

/// <summary>CSC API v1 remote signing with an official's SoftHSM2 key, embedded into a PDF through prepare/complete.</summary>
[Collection(TokenCollection.Name)]
public sealed class CscTests(TokenPki pki) : IAsyncLifetime
{
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AuthorizeAndSignHash_ThenComplete_PdfsigSaysValid_SadIsSingleUseAndBound()
    {
        var keyId = await _api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, _api.A.Official.Id);
        var pin = await _api.SetSigningPinAsync(_api.A.Official);
        using var official = await _api.SignedInAsync(_api.A.Official);

        var info = await (await official.PostAsJsonAsync("/csc/v1/info", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("1.0", info.GetProperty("specs").GetString(), StringComparison.Ordinal);
        var list = await (await official.PostAsJsonAsync("/csc/v1/credentials/list", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([keyId], list.GetProperty("credentialIDs").EnumerateArray().Select(id => id.GetString()));
        var credential = await (await official.PostAsJsonAsync("/csc/v1/credentials/info", new { credentialID = keyId, certInfo = true }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("valid", credential.GetProperty("cert").GetProperty("status").GetString());
        Assert.Equal(Convert.ToBase64String(pki.Official.Certificate.RawData), credential.GetProperty("cert").GetProperty("certificates")[0].GetString());

        var pdf = TestPdfs.Simple();
        var prepareResponse = await official.PostAsync("/api/v1/sign/pdf/prepare", TestPdfs.Form(pdf, ("keyId", keyId), ("reason", "Phê duyệt")));
        Assert.Equal(HttpStatusCode.OK, prepareResponse.StatusCode);
        var prepared = await prepareResponse.Content.ReadFromJsonAsync<JsonElement>();
        var hash = prepared.GetProperty("hash").GetString()!;

        var wrongPin = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", new { credentialID = keyId, numSignatures = 1, hash = new[] { hash }, PIN = "wrong-" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(HttpStatusCode.BadRequest, wrongPin.StatusCode);
        Assert.Contains("Invalid PIN", await wrongPin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tokenPin = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", new { credentialID = keyId, numSignatures = 1, hash = new[] { hash }, PIN = pki.Token.UserPin });
        Assert.Equal(HttpStatusCode.BadRequest, tokenPin.StatusCode);
        var miscounted = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", new { credentialID = keyId, numSignatures = 2, hash = new[] { hash }, PIN = pin });
        Assert.Equal(HttpStatusCode.BadRequest, miscounted.StatusCode);

        var authorized = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", new { credentialID = keyId, numSignatures = 1, hash = new[] { hash }, PIN = pin });
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        var sad = (await authorized.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("SAD").GetString();

        var otherHash = Convert.ToBase64String(new byte[32]);
        var unbound = await official.PostAsJsonAsync("/csc/v1/signatures/signHash", new { credentialID = keyId, SAD = sad, hash = new[] { otherHash }, hashAlgo = Sha256, signAlgo = Sha256WithRsa });
        Assert.Equal(HttpStatusCode.BadRequest, unbound.StatusCode);

        var signed = await official.PostAsJsonAsync("/csc/v1/signatures/signHash", new { credentialID = keyId, SAD = sad, hash = new[] { hash }, hashAlgo = Sha256, signAlgo = Sha256WithRsa });
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var signature = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signatures")[0].GetString();
        var replay = await official.PostAsJsonAsync("/csc/v1/signatures/signHash", new { credentialID = keyId, SAD = sad, hash = new[] { hash }, hashAlgo = Sha256, signAlgo = Sha256WithRsa });
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);

        var completed = await official.PostAsJsonAsync($"/api/v1/sign/pdf/{prepared.GetProperty("operationId").GetString()}/complete",
            new { signature, certificate = Convert.ToBase64String(pki.Official.Certificate.RawData) });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(await completed.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallersApiKeyCannotUseCsc_OtherOfficialsKeyIsInvisible()
    {
        var keyId = await _api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, _api.A.Official.Id);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await caller.PostAsJsonAsync("/csc/v1/credentials/list", new { })).StatusCode);
        using var otherOfficial = await _api.SignedInAsync(_api.B.Official);
        var list = await (await otherOfficial.PostAsJsonAsync("/csc/v1/credentials/list", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(list.GetProperty("credentialIDs").EnumerateArray());
        var authorize = await otherOfficial.PostAsJsonAsync("/csc/v1/credentials/authorize",
            new { credentialID = keyId, numSignatures = 1, hash = new[] { Convert.ToBase64String(new byte[32]) }, PIN = await _api.SetSigningPinAsync(_api.B.Official) });
        Assert.Equal(HttpStatusCode.BadRequest, authorize.StatusCode);
    }

    [Fact]
    public async Task AnAuthenticatorCode_AuthorizesOnce_TheConfirmingCodeAndAReplayAreRefused_WithoutCountingAsWrong()
    {
        var keyId = await _api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, _api.A.Official.Id);
        using var official = await _api.SignedInAsync(_api.A.Official);
        var enrolment = await (await official.PostAsJsonAsync("/api/v1/me/signing-credential/totp", new { password = ApiFactory.Password }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var authenticator = new Totp(Base32Encoding.ToBytes(enrolment.GetProperty("secret").GetString()));
        var now = DateTime.UtcNow;
        var confirming = authenticator.ComputeTotp(now);
        var confirmed = await official.PostAsJsonAsync("/api/v1/me/signing-credential/totp/confirm",
            new { enrolmentToken = enrolment.GetProperty("enrolmentToken").GetString(), code = confirming });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        object Authorize(string otp) => new { credentialID = keyId, numSignatures = 1, hash = new[] { Convert.ToBase64String(new byte[32]) }, OTP = otp };

        // RFC 6238 5.2: the code that confirmed the enrolment is spent; the app's next code (one step ahead is inside
        // the drift window) signs once, and the same code again is refused.
        var reusedConfirming = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(confirming));
        Assert.Equal(HttpStatusCode.BadRequest, reusedConfirming.StatusCode);
        Assert.Contains("Invalid OTP", await reusedConfirming.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var next = authenticator.ComputeTotp(now.AddSeconds(30));
        var authorized = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(next));
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        Assert.NotNull((await authorized.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("SAD").GetString());
        var replayed = await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(next));
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Contains("Invalid OTP", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var state = await official.GetFromJsonAsync<JsonElement>("/api/v1/me/signing-credential");
        Assert.Equal(0, state.GetProperty("failedAttempts").GetInt64());
        using var scope = _api.Services.CreateScope();
        var audit = scope.ServiceProvider.GetRequiredService<global::Signing.Storage.Audit.AuditLog>();
        var records = await audit.ReadAsync(_api.A.Agency.Id, 0, 1000, default);
        Assert.Equal(2, records.Count(record => record.Action == "credential.otp-reused"));
    }

    [Fact]
    public async Task ARememberedPin_AnswersOnlyItself_StillCountsWrongOnes_AndIsForgottenWhenThePinChanges()
    {
        var keyId = await _api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, _api.A.Official.Id);
        var oldPin = await _api.SetSigningPinAsync(_api.A.Official);
        using var official = await _api.SignedInAsync(_api.A.Official);
        object Authorize(string candidate) => new { credentialID = keyId, numSignatures = 1, hash = new[] { Convert.ToBase64String(new byte[32]) }, PIN = candidate };

        Assert.Equal(HttpStatusCode.OK, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(oldPin))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(oldPin + "x"))).StatusCode);
        var state = await official.GetFromJsonAsync<JsonElement>("/api/v1/me/signing-credential");
        Assert.Equal(1, state.GetProperty("failedAttempts").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(oldPin))).StatusCode);
        state = await official.GetFromJsonAsync<JsonElement>("/api/v1/me/signing-credential");
        Assert.Equal(0, state.GetProperty("failedAttempts").GetInt32());

        var newPin = await _api.SetSigningPinAsync(_api.A.Official);
        Assert.Equal(HttpStatusCode.BadRequest, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(oldPin))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(newPin))).StatusCode);
    }

    [Fact]
    public async Task FiveWrongPins_LockTheCredential_UntilAnAdminUnlocksIt_AndEveryFailureIsAudited()
    {
        var keyId = await _api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, _api.A.Official.Id);
        var pin = await _api.SetSigningPinAsync(_api.A.Official);
        using var official = await _api.SignedInAsync(_api.A.Official);
        object Authorize(string candidate) => new { credentialID = keyId, numSignatures = 1, hash = new[] { Convert.ToBase64String(new byte[32]) }, PIN = candidate };

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize("sai-" + attempt))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Locked, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize("sai-5"))).StatusCode);
        Assert.Equal(HttpStatusCode.Locked, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(pin))).StatusCode);
        var state = await official.GetFromJsonAsync<JsonElement>("/api/v1/me/signing-credential");
        Assert.True(state.GetProperty("locked").GetBoolean());

        using var admin = await _api.SignedInAsync(_api.A.Admin);
        var unlock = await admin.PostAsync($"/api/v1/agencies/{_api.A.Agency.Id}/users/{_api.A.Official.Id}/signing-credential/unlock", null);
        Assert.Equal(HttpStatusCode.NoContent, unlock.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await official.PostAsJsonAsync("/csc/v1/credentials/authorize", Authorize(pin))).StatusCode);

        var audit = await _api.Services.GetRequiredService<global::Signing.Storage.Audit.AuditLog>().ReadAsync(_api.A.Agency.Id, 0, 1000, default);
        Assert.Equal(5, audit.Count(record => record.Action == "credential.failure"));
        Assert.All(audit, record => Assert.DoesNotContain(pin, record.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ready_ChecksEveryConfiguredToken_AndNamesTheMissingOne()
    {
        using var anonymous = _api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        await using var missing = new SigningApiFactory(pki, new Dictionary<string, string?>
        {
            ["Pkcs11:Tokens:1:Label"] = "no-such-token",
            ["Pkcs11:Tokens:1:PinFile"] = pki.PinFile,
        });
        var ready = await missing.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("no-such-token", body, StringComparison.Ordinal);
        Assert.DoesNotContain(pki.Token.UserPin, body, StringComparison.Ordinal);
    }
}
