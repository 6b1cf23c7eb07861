using System.Text;
using Signing.Pdf.Signatures;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Pdf.Tests.Validation;

/// <summary>
/// A PDF signed with an Ed25519 or Ed448 key whose SignerInfo has no signed attributes (adbe.pkcs7.detached): the value
/// is PureEdDSA over the /ByteRange bytes themselves (RFC 8419 3.1), made by <c>openssl pkeyutl -rawin</c> over exactly
/// those bytes and embedded into a prepared document, as an external signer's CMS is. Valid as signed; a changed
/// signed byte is SIG_CRYPTO_FAILURE.
/// </summary>
public class EdDsaWithoutSignedAttributesPdfTests
{
    [Theory]
    [InlineData("ED25519")]
    [InlineData("ED448")]
    public async Task ByteRangeSignedWithPureEdDsa_IsTotalPassed_AndAChangedByteIsSigCryptoFailure(string algorithm)
    {
        using var signer = new OpenSslEdDsaSigner(algorithm);
        var signed = await SignAsync(signer, ClassicPdfBuilder.SimpleDocument(2));
        var changed = signed.ToArray();
        changed[changed.AsSpan().IndexOf("(Page 1)"u8) + 6] = (byte)'7';

        var report = await ValidateAsync(signer, signed);
        var altered = await ValidateAsync(signer, changed);

        var signature = Assert.Single(report.Signatures);
        Assert.True(signature.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(ByteRangeCoverage.EntireFile, signature.Coverage);
        Assert.Contains(signature.Validation.Checks, c => c.Name == "signature-value" && c.Detail.Contains("over the content (no signed attributes)", StringComparison.Ordinal));
        Assert.Equal(Indication.TotalFailed, altered.Signatures[0].Indication);
        Assert.Equal(SubIndication.SigCryptoFailure, altered.Signatures[0].SubIndication);
    }

    private static Task<PdfValidationReport> ValidateAsync(OpenSslEdDsaSigner signer, byte[] pdf) =>
        new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = [signer.Root] }).ValidateAsync(new MemoryStream(pdf));

    /// <summary>Prepares the document, has openssl sign its byte range, and embeds the CMS around that value.</summary>
    private static async Task<byte[]> SignAsync(OpenSslEdDsaSigner signer, byte[] input)
    {
        using var prepared = new MemoryStream();
        var state = await PdfSigner.PrepareAsync(new MemoryStream(input), prepared, new PdfSignatureOptions
        {
            Format = new PdfSignatureFormat("Sig", "adbe.pkcs7.detached"),
            Reason = "Phê duyệt",
            ContentsCapacity = 4096,
        });
        var bytes = prepared.ToArray();
        var range = state.ByteRange;
        byte[] content = [.. bytes.AsSpan((int)range.FirstStart, (int)range.FirstLength), .. bytes.AsSpan((int)range.SecondStart, (int)range.SecondLength)];
        var cms = signer.SignedData(signer.Sign(content));
        await PdfSigner.EmbedAsync(prepared, state, cms);
        var signed = prepared.ToArray();
        Assert.Contains("/adbe.pkcs7.detached", Encoding.Latin1.GetString(signed), StringComparison.Ordinal);
        return signed;
    }
}
