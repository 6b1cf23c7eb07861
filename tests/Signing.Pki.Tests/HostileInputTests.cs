using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class HostileInputTests(DevPkiFixture pki)
{
    public static TheoryData<string> Kinds => new() { "truncated", "nested", "huge-length", "trailing", "empty" };

    /// <summary>Bad variants of a valid DER blob.</summary>
    private static byte[] Corrupt(byte[] valid, string kind) => kind switch
    {
        "truncated" => valid[..(valid.Length / 2)],
        "nested" => DeepNesting(10_000),
        // SEQUENCE claiming 2^31-ish bytes, followed by a few real ones.
        "huge-length" => [0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xF0, 0x02, 0x01, 0x00],
        "trailing" => [.. valid, 0x00, 0x00],
        _ => [],
    };

    private static byte[] DeepNesting(int depth)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        for (var i = 0; i < depth; i++)
        {
            writer.PushSequence();
        }

        writer.WriteNull();
        for (var i = 0; i < depth; i++)
        {
            writer.PopSequence();
        }

        return writer.Encode();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void OcspResponse_Hostile_GivesMalformedPkiDataException(string kind)
    {
        var certificate = pki.IssueFresh("OCSP hostile " + kind);
        var certId = OcspCertificateId.For(pki.Authority.SubCa, certificate.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA1);
        var valid = new DevPkiResponder(pki.Authority).RespondToOcsp(new OcspRequestMessage([certId], null).Encode());

        var error = Assert.Throws<MalformedPkiDataException>(() =>
            new OcspClient(pki.Http).Interpret(Corrupt(valid, kind), certId, null, pki.Authority.SubCa, "test"));
        Assert.Equal("OCSPResponse", error.Structure);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TimestampResponse_Hostile_GivesMalformedPkiDataException(string kind)
    {
        var request = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("t"u8), HashAlgorithmName.SHA256, requestSignerCertificates: true);
        var valid = new DevPkiResponder(pki.Authority).RespondToTimestampQuery(request.Encode());

        var error = Assert.Throws<MalformedPkiDataException>(() => HttpTimestampClient.ReadResponse(request, Corrupt(valid, kind)));
        Assert.Equal("TimeStampResp", error.Structure);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Crl_Hostile_GivesMalformedPkiDataException(string kind)
    {
        var valid = pki.Authority.BuildCrl();
        var error = Assert.Throws<MalformedPkiDataException>(() => CertificateRevocationList.Decode(Corrupt(valid, kind)));
        Assert.Equal("CertificateList", error.Structure);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cms_Hostile_GivesFormatFailureReport(string kind)
    {
        var signer = pki.IssueFresh("CMS hostile");
        using var key = signer.GetRSAPrivateKey()!;
        var valid = await Cms.CadesSigner.SignAsync("x"u8.ToArray(), false, key, new Cms.CadesSignOptions { Certificate = signer }, CancellationToken.None);

        var report = await pki.Verifier(online: false).VerifyAsync(Corrupt(valid, kind), null, CancellationToken.None);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.FormatFailure, report.SubIndication);
        Assert.Contains("ContentInfo", report.Checks[0].Detail);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Responders_HostileRequests_AnswerWithProtocolErrors(string kind)
    {
        var responder = new DevPkiResponder(pki.Authority);
        var ocspValid = new OcspRequestMessage([OcspCertificateId.For(pki.Authority.SubCa, [1], HashAlgorithmName.SHA1)], null).Encode();
        var ocsp = new AsnReader(responder.RespondToOcsp(Corrupt(ocspValid, kind)), AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(OcspResponseStatus.MalformedRequest, ocsp.ReadEnumeratedValue<OcspResponseStatus>());

        var tsaValid = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("t"u8), HashAlgorithmName.SHA256).Encode();
        var tsa = TimestampReply.Decode(responder.RespondToTimestampQuery(Corrupt(tsaValid, kind)));
        Assert.Equal(TimestampReply.Rejection, tsa.Status);
        Assert.Equal(TimestampReply.BadDataFormat, tsa.FailureBit);
    }

    [Fact]
    public void DerInputGuard_ErrorMessages_NameProblemAndOffset()
    {
        var nested = Assert.Throws<MalformedPkiDataException>(() => DerInputGuard.Check(DeepNesting(100), "X"));
        Assert.Contains("nesting deeper than 64", nested.Message);
        var huge = Assert.Throws<MalformedPkiDataException>(() => DerInputGuard.Check(Corrupt([], "huge-length"), "X"));
        Assert.Contains("runs past the end", huge.Message);
        var indefinite = Assert.Throws<MalformedPkiDataException>(() => DerInputGuard.Check([0x30, 0x80, 0x05, 0x00, 0x00, 0x00], "X"));
        Assert.Contains("not DER", indefinite.Message);
        DerInputGuard.Check([0x30, 0x80, 0x05, 0x00, 0x00, 0x00], "X", allowIndefiniteLength: true);
        var tooBig = Assert.Throws<MalformedPkiDataException>(() => DerInputGuard.Check(new byte[200], "X", maxLength: 100));
        Assert.Contains("above the limit", tooBig.Message);
    }
}
