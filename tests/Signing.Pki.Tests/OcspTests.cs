using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class OcspTests(DevPkiFixture pki)
{
    [Fact]
    public void OpenSslOcsp_GetsGood_ThenRevokedAfterRevoke()
    {
        var certificate = pki.IssueFresh("Kiểm tra OCSP");
        var (certPath, _) = pki.WritePem(certificate, "subject");
        var url = new Uri(pki.BaseUrl, "ocsp").ToString();

        var before = OpenSsl.MustSucceed("ocsp", "-issuer", pki.CaPem, "-cert", certPath, "-url", url, "-CAfile", pki.ChainPem);
        Assert.Contains(": good", before.StdOut);
        Assert.Contains("Response verify OK", before.All);
        Assert.DoesNotContain("nonce", before.All, StringComparison.OrdinalIgnoreCase);

        pki.Authority.Revoke(certificate, X509RevocationReason.AffiliationChanged);
        var after = OpenSsl.MustSucceed("ocsp", "-issuer", pki.CaPem, "-cert", certPath, "-url", url, "-CAfile", pki.ChainPem);
        Assert.Contains(": revoked", after.StdOut);
        Assert.Contains("affiliationChanged", after.StdOut);
    }

    [Fact]
    public async Task OcspClient_FollowsAia_GoodThenRevoked()
    {
        var certificate = pki.IssueFresh("OCSP client");
        var good = await new OcspClient(pki.Http).CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        Assert.Equal(RevocationStatus.Good, good.Status);
        Assert.NotNull(good.NextUpdate);

        var revokedAt = pki.Authority.Revoke(certificate, X509RevocationReason.CessationOfOperation);
        var revoked = await new OcspClient(pki.Http).CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        Assert.Equal(RevocationStatus.Revoked, revoked.Status);
        Assert.Equal(revokedAt, revoked.RevocationTime);
        Assert.Equal(X509RevocationReason.CessationOfOperation, revoked.Reason);
    }

    [Fact]
    public async Task OcspClient_SecondQuery_IsServedFromCacheUntilNextUpdate()
    {
        var certificate = pki.IssueFresh("OCSP cache");
        var client = new OcspClient(pki.Http);
        var first = await client.CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        pki.Authority.Revoke(certificate, X509RevocationReason.Superseded);
        var second = await client.CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        Assert.Same(first, second);

        var fresh = await new OcspClient(pki.Http).CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        Assert.Equal(RevocationStatus.Revoked, fresh.Status);
    }

    [Fact]
    public async Task OcspClient_SubCaCertificate_IsAnsweredByRoot()
    {
        var result = await new OcspClient(pki.Http).CheckAsync(pki.Authority.SubCa, pki.Authority.Root, CancellationToken.None);
        Assert.Equal(RevocationStatus.Good, result.Status);
    }

    [Fact]
    public void OcspGet_Base64Path_IsAnswered()
    {
        var certificate = pki.IssueFresh("OCSP GET");
        var request = new OcspRequestMessage([OcspCertificateId.For(pki.Authority.SubCa, certificate.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA256)], null).Encode();
        var answer = new DevPkiResponder(pki.Authority).Handle("GET", "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(request)), []);
        var (status, basic) = OcspBasicResponse.DecodeResponse(answer.Body);
        Assert.Equal(OcspResponseStatus.Successful, status);
        Assert.Equal(OcspCertStatus.Good, basic!.Responses.Single().Status);
    }

    [Fact]
    public void Interpret_ResponseSignedByUnauthorisedKey_IsNotTrusted()
    {
        var certificate = pki.IssueFresh("OCSP giả");
        var certId = OcspCertificateId.For(pki.Authority.SubCa, certificate.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA1);
        using var rogueKey = RSA.Create(2048);
        var rogue = new CertificateRequest(pki.Authority.Ocsp.SubjectName, rogueKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var now = DateTimeOffset.UtcNow;
        var data = OcspBasicResponse.EncodeResponseData(SHA1.HashData(OcspCertificateId.IssuerKeyBits(rogue)), now,
            [new OcspSingleResponse(certId, OcspCertStatus.Good, null, null, now, now.AddHours(1))], null);
        var response = OcspBasicResponse.EncodeSuccessfulResponse(data, SignatureAlgorithms.Sha256WithRsa,
            SignatureAlgorithms.Sign(rogueKey, HashAlgorithmName.SHA256, data), [rogue]);

        var result = new OcspClient(pki.Http).Interpret(response, certId, null, pki.Authority.SubCa, "test");
        Assert.Equal(RevocationStatus.Unknown, result.Status);
        Assert.Contains("not issued by it", result.Problem);
    }

    [Fact]
    public void Interpret_NonceMismatch_IsRejected()
    {
        var certificate = pki.IssueFresh("OCSP nonce");
        var certId = OcspCertificateId.For(pki.Authority.SubCa, certificate.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA1);
        var response = new DevPkiResponder(pki.Authority).RespondToOcsp(new OcspRequestMessage([certId], [1, 2, 3, 4]).Encode());

        var result = new OcspClient(pki.Http).Interpret(response, certId, [9, 9, 9, 9], pki.Authority.SubCa, "test");
        Assert.Equal(RevocationStatus.Unknown, result.Status);
        Assert.Contains("nonce", result.Problem);
    }

    [Fact]
    public void Interpret_StaleResponse_IsRejected()
    {
        var certificate = pki.IssueFresh("OCSP cũ");
        var certId = OcspCertificateId.For(pki.Authority.SubCa, certificate.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA1);
        var response = new DevPkiResponder(pki.Authority).RespondToOcsp(new OcspRequestMessage([certId], null).Encode());
        var later = new FixedTime(DateTimeOffset.UtcNow.AddHours(3));

        var result = new OcspClient(pki.Http, new RevocationClientOptions { Time = later }).Interpret(response, certId, null, pki.Authority.SubCa, "test");
        Assert.Equal(RevocationStatus.Unknown, result.Status);
        Assert.Contains("stale", result.Problem);
    }

    [Fact]
    public void Responder_GarbageRequest_GivesMalformedRequestStatus()
    {
        var response = new DevPkiResponder(pki.Authority).RespondToOcsp([0x30, 0x03, 0x02, 0x01]);
        var reader = new AsnReader(response, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(OcspResponseStatus.MalformedRequest, reader.ReadEnumeratedValue<OcspResponseStatus>());
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
