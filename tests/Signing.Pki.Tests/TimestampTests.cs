using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class TimestampTests(DevPkiFixture pki)
{
    private HttpTimestampClient Client() => new(pki.Http, new Uri(pki.BaseUrl, "tsa"),
        new CertificatePathValidator(pki.Anchors, RevocationChecker.Create(pki.Http)));

    [Fact]
    public async Task OpenSslTsVerify_AcceptsTokenFromOurTsa()
    {
        var data = pki.WorkFile("data.txt", "Công văn số 123/UBND-VP"u8.ToArray());
        var dir = Path.GetDirectoryName(data)!;
        var query = Path.Combine(dir, "q.tsq");
        OpenSsl.MustSucceed("ts", "-query", "-data", data, "-sha256", "-cert", "-out", query);

        using var content = new ByteArrayContent(File.ReadAllBytes(query));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await pki.Http.PostAsync(new Uri(pki.BaseUrl, "tsa"), content);
        Assert.Equal("application/timestamp-reply", response.Content.Headers.ContentType?.MediaType);
        var reply = Path.Combine(dir, "r.tsr");
        File.WriteAllBytes(reply, await response.Content.ReadAsByteArrayAsync());

        var untrusted = Path.Combine(dir, "untrusted.pem");
        File.WriteAllText(untrusted, File.ReadAllText(pki.CaPem) + File.ReadAllText(Path.Combine(pki.Directory, "tsa.pem")));
        var verify = OpenSsl.MustSucceed("ts", "-verify", "-in", reply, "-queryfile", query, "-CAfile", pki.RootPem, "-untrusted", untrusted);
        Assert.Contains("Verification: OK", verify.All);

        var text = OpenSsl.MustSucceed("ts", "-reply", "-in", reply, "-text").StdOut;
        Assert.Contains("Accuracy: 0x01 seconds", text);
        Assert.Contains("Nonce: 0x", text);
        Assert.Contains("Policy OID: 0.4.0.2023.1.1", text);
    }

    [Fact]
    public async Task HttpTimestampClient_ReturnsCheckedTokenForHash()
    {
        var hash = SHA256.HashData("nội dung"u8);
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        var token = await Client().TimestampHashAsync(hash, HashAlgorithmName.SHA256, CancellationToken.None);

        Assert.True(token.TokenInfo.GetMessageHash().Span.SequenceEqual(hash));
        Assert.NotNull(token.TokenInfo.GetNonce());
        Assert.InRange(token.TokenInfo.Timestamp, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal(1_000_000, token.TokenInfo.AccuracyInMicroseconds);
    }

    [Fact]
    public void ReadResponse_ImprintForOtherData_IsRejected()
    {
        var responder = new DevPkiResponder(pki.Authority);
        var asked = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("a"u8), HashAlgorithmName.SHA256, nonce: new byte[] { 1, 2, 3 }, requestSignerCertificates: true);
        var other = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("b"u8), HashAlgorithmName.SHA256, nonce: new byte[] { 1, 2, 3 }, requestSignerCertificates: true);
        var response = responder.RespondToTimestampQuery(other.Encode());

        Assert.Throws<TimestampAuthorityException>(() => HttpTimestampClient.ReadResponse(asked, response));
    }

    [Fact]
    public void ReadResponse_NonceMismatch_IsRejected()
    {
        var responder = new DevPkiResponder(pki.Authority);
        var hash = SHA256.HashData("a"u8);
        var asked = Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA256, nonce: new byte[] { 1, 2, 3 }, requestSignerCertificates: true);
        var other = Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA256, nonce: new byte[] { 7, 7, 7 }, requestSignerCertificates: true);

        Assert.Throws<TimestampAuthorityException>(() => HttpTimestampClient.ReadResponse(asked, responder.RespondToTimestampQuery(other.Encode())));
    }

    [Fact]
    public void Tsa_Sha1Imprint_IsRefusedWithBadAlg()
    {
        var request = Rfc3161TimestampRequest.CreateFromHash(SHA1.HashData("a"u8), HashAlgorithmName.SHA1, requestSignerCertificates: true);
        var response = TimestampReply.Decode(new DevPkiResponder(pki.Authority).RespondToTimestampQuery(request.Encode()));
        Assert.Equal(TimestampReply.Rejection, response.Status);
        Assert.Equal(TimestampReply.BadAlg, response.FailureBit);

        var error = Assert.Throws<TimestampAuthorityException>(() => HttpTimestampClient.ReadResponse(request, response.Encode()));
        Assert.Contains("refused", error.Message);
    }

    [Fact]
    public async Task Validator_TokenFromUntrustedTsa_FailsPath()
    {
        var hash = SHA256.HashData("x"u8);
        var token = await new HttpTimestampClient(pki.Http, new Uri(pki.BaseUrl, "tsa")).TimestampHashAsync(hash, HashAlgorithmName.SHA256, CancellationToken.None);
        using var otherRoot = RSA.Create(2048);
        var stranger = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Lạ, C=VN", otherRoot, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        var result = await TimestampTokenValidator.ValidateAsync(token, hash, HashAlgorithmName.SHA256, new CertificatePathValidator([stranger], null), CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Contains("no chain", result.Detail);
    }
}
