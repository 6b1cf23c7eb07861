using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Pki.Tests;

/// <summary>
/// CMS signatures with an Ed25519 or Ed448 key and no signed attributes (RFC 8419 3.1: PureEdDSA over the content
/// itself; Ed448 hashes with SHAKE256 inside), whose keys, certificates and signature values come from openssl: valid
/// detached and enveloping, and a changed content byte or signature bit is SIG_CRYPTO_FAILURE, never "unsupported".
/// </summary>
public sealed class EdDsaWithoutSignedAttributesTests
{
    private static readonly byte[] Content = "Quyết định số 15/QĐ-UBND về việc công nhận kết quả\n"u8.ToArray();

    [Theory]
    [InlineData("ED25519", true)]
    [InlineData("ED25519", false)]
    [InlineData("ED448", true)]
    [InlineData("ED448", false)]
    public async Task OpenSslPureEdDsa_WithoutSignedAttributes_IsTotalPassed(string algorithm, bool detached)
    {
        using var signer = new OpenSslEdDsaSigner(algorithm);
        var cms = signer.SignedData(signer.Sign(Content), detached ? null : Content);

        var report = await Verifier(signer).VerifyAsync(cms, detached ? Content : null, CancellationToken.None);

        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        var value = Assert.Single(report.Checks, c => c.Name == "signature-value");
        Assert.Contains("over the content (no signed attributes)", value.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ED25519")]
    [InlineData("ED448")]
    public async Task OneContentByteChanged_IsSigCryptoFailure(string algorithm)
    {
        using var signer = new OpenSslEdDsaSigner(algorithm);
        var cms = signer.SignedData(signer.Sign(Content));
        var changed = Content.ToArray();
        changed[7] ^= 0x01;

        var report = await Verifier(signer).VerifyAsync(cms, changed, CancellationToken.None);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.SigCryptoFailure, report.SubIndication);
    }

    [Fact]
    public async Task OneSignatureBitFlipped_InTheEnvelopingForm_IsSigCryptoFailure()
    {
        using var signer = new OpenSslEdDsaSigner("ED25519");
        var signature = signer.Sign(Content);
        signature[5] ^= 0x01;

        var report = await Verifier(signer).VerifyAsync(signer.SignedData(signature, Content), null, CancellationToken.None);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.SigCryptoFailure, report.SubIndication);
    }

    // Offline: these tests are about the signature value; the root is the anchor and nothing names revocation sources.
    private static CmsSignatureVerifier Verifier(OpenSslEdDsaSigner signer) => new(new CertificatePathValidator([signer.Root], null));
}
