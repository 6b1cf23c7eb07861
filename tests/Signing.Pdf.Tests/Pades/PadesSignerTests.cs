using System.Security.Cryptography;
using Signing.Pdf.Signatures;
using Signing.Pdf.Signatures.Internal;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests.Pades;

[Collection(PadesCollection.Name)]
public sealed class PadesSignerTests(PadesEnvironment pki)
{
    public static TheoryData<string, PadesLevel> LevelsAndInputs()
    {
        var data = new TheoryData<string, PadesLevel>();
        foreach (var input in new[] { "cairo", "qpdf-object-streams", "libreoffice" })
        {
            foreach (var level in Enum.GetValues<PadesLevel>())
            {
                data.Add(input, level);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LevelsAndInputs))]
    public async Task Sign_EachLevel_PdfsigValid_QpdfClean(string input, PadesLevel level)
    {
        using var directory = new TempDirectory();
        var path = directory.File("signed.pdf");
        await using (var output = File.Create(path))
        {
            await PadesSigner.SignAsync(new MemoryStream(PdfIncrementalWriterTests.Input(input)), output, pki.Official.Key, pki.Options(level, pki.Official.Certificate));
        }

        SignedPdfAssert.AllSignaturesValid(path, 1, level == PadesLevel.BaselineLta ? 1 : 0);
        SignedPdfAssert.QpdfClean(path);
        var signature = SignatureFieldWalker.SignedFields(PdfReader.Open(File.OpenRead(path))).Single(f => f.Signature["Type"] is PdfName { Value: "Sig" }).Signature;
        Assert.Equal("ETSI.CAdES.detached", ((PdfName)signature["SubFilter"]!).Value);
        var cms = PadesAssert.Cms(signature);
        Assert.DoesNotContain(cms.SignerInfos[0].SignedAttributes.Cast<System.Security.Cryptography.CryptographicAttributeObject>(), a => a.Oid.Value == "1.2.840.113549.1.9.5");
        Assert.Equal(level >= PadesLevel.BaselineT, cms.SignerInfos[0].UnsignedAttributes.Cast<System.Security.Cryptography.CryptographicAttributeObject>().Any(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14"));
        if (level >= PadesLevel.BaselineLT)
        {
            PadesAssert.HasDssFor(path, signature, expectOcsp: true);
        }

        if (level == PadesLevel.BaselineLta)
        {
            PadesAssert.DocumentTimestampVerifiesWithOpenssl(path, directory, pki);
        }
    }

    [Fact]
    public async Task Sign_WithTokenKey_BB_PdfsigValid()
    {
        using var directory = new TempDirectory();
        var path = directory.File("token.pdf");
        using var key = Signing.Pkcs11.Pkcs11SigningKey.Open(pki.Hsm.ModulePath, pki.TokenKeyUri, pki.Hsm.UserPin);
        await using (var output = File.Create(path))
        {
            await PadesSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(2)), output, key.PrivateKey, pki.Options(PadesLevel.BaselineB, key.Certificate!));
        }

        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);
    }

    [Fact]
    public async Task TwoStep_PrepareJson_TokenSignsHash_Complete_PdfsigValid()
    {
        using var directory = new TempDirectory();
        var path = directory.File("two-step.pdf");
        string json;
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            var state = await PadesSigner.PrepareAsync(new MemoryStream(TestDocuments.FromCairo(1)), output, pki.Options(PadesLevel.BaselineT, pki.TokenCertificate));
            json = state.ToJson();
        }

        // As after a process restart: only the JSON and the prepared file survive; the token signs the hash it is given.
        var restored = PadesPreparedSignature.FromJson(json);
        var token = pki.Hsm.Module.OpenToken(pki.Hsm.TokenLabel);
        var tokenKey = token.OpenPrivateKey(Signing.Pkcs11.Pkcs11Uri.Parse(pki.TokenKeyUri));
        var signature = new byte[tokenKey.SignatureSize];
        tokenKey.SignRsaPkcs1(restored.DigestToSign, HashAlgorithmName.SHA256, signature);

        await using (var prepared = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var tampered = (byte[])signature.Clone();
            tampered[10] ^= 1;
            await Assert.ThrowsAsync<CryptographicException>(() => PadesSigner.CompleteAsync(prepared, restored, tampered, pki.TokenCertificate, pki.Tsa));
            var wrongCertificate = await Assert.ThrowsAsync<ArgumentException>(() => PadesSigner.CompleteAsync(prepared, restored, signature, pki.Official.Certificate, pki.Tsa));
            Assert.Contains("not the certificate this signature was prepared for", wrongCertificate.Message, StringComparison.Ordinal);

            await PadesSigner.CompleteAsync(prepared, restored, signature, pki.TokenCertificate, pki.Tsa);
        }

        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);
    }

    [Theory]
    [InlineData("pdfsig-valid.pdf", 1)]
    [InlineData("pdfbox-valid.pdf", 1)]
    [InlineData("pdfsig-two-signatures.pdf", 2)]
    [InlineData("pdfbox-after-openssl.pdf", 2)]
    public async Task SignedByAnotherTool_ThenPades_EverySignatureStaysValid(string corpusFile, int existing)
    {
        using var directory = new TempDirectory();
        var signed = directory.File("signed.pdf");
        await using (var input = File.OpenRead(Path.Combine(Validation.ValidationCorpus.Directory, corpusFile)))
        await using (var output = File.Create(signed))
        {
            await PadesSigner.SignAsync(input, output, pki.Seal.Key, pki.Options(PadesLevel.BaselineT, pki.Seal.Certificate));
        }

        SignedPdfAssert.AllSignaturesValid(signed, existing + 1);
        SignedPdfAssert.QpdfClean(signed);
    }

    [Fact]
    public async Task AlreadySignedElsewhere_ThenPades_ThenExtendToLta_AllValid()
    {
        using var directory = new TempDirectory();
        var first = directory.File("first.pdf");
        await using (var output = File.Create(first))
        {
            var options = new PdfSignatureOptions { ContentsCapacity = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain) };
            await PdfSigner.SignAsync(new MemoryStream(PdfIncrementalWriterTests.Input("qpdf-object-streams")), output, options, TestSigner.Shared.Producer);
        }

        var second = directory.File("second.pdf");
        await using (var input = File.OpenRead(first))
        await using (var output = File.Create(second))
        {
            await PadesSigner.SignAsync(input, output, pki.Seal.Key, pki.Options(PadesLevel.BaselineT, pki.Seal.Certificate));
        }

        SignedPdfAssert.AllSignaturesValid(second, 2);

        // The first signature's CA publishes no revocation data, so B-LT must refuse rather than write an incomplete DSS.
        await using (var input = File.OpenRead(second))
        {
            var refused = await Assert.ThrowsAsync<LtvDataUnavailableException>(() => PadesExtender.ExtendAsync(input, new MemoryStream(), pki.ExtendOptions(PadesLevel.BaselineLT)));
            Assert.Contains("Nguyễn Văn An", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Extend_ForeignCodePathSignature_ToLta_AllValid()
    {
        using var directory = new TempDirectory();
        var signed = directory.File("cms-path.pdf");
        await using (var output = File.Create(signed))
        {
            // A different code path: PdfSigner with a CMS from CadesSigner over the streamed byte range (signing-time included).
            var cades = new Signing.Pki.Cms.CadesSignOptions { Certificate = pki.Official.Certificate, Chain = pki.Chain, SigningTime = DateTimeOffset.UtcNow };
            var options = new PdfSignatureOptions { ContentsCapacity = 16 * 1024 };
            await PdfSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(1)), output, options, async (toSign, token) =>
            {
                await using var content = toSign.OpenContent();
                return await Signing.Pki.Cms.CadesSigner.SignDetachedAsync(content, pki.Official.Key, cades, token);
            });
        }

        var extended = directory.File("lta.pdf");
        await using (var input = File.OpenRead(signed))
        await using (var output = File.Create(extended))
        {
            await PadesExtender.ExtendAsync(input, output, pki.ExtendOptions(PadesLevel.BaselineLta));
        }

        SignedPdfAssert.AllSignaturesValid(extended, 1, documentTimestamps: 1);
        SignedPdfAssert.QpdfClean(extended);
        var signature = SignatureFieldWalker.SignedFields(PdfReader.Open(File.OpenRead(extended))).First().Signature;
        PadesAssert.HasDssFor(extended, signature, expectOcsp: true);
        PadesAssert.DocumentTimestampVerifiesWithOpenssl(extended, directory, pki);
    }

    [Fact]
    public async Task TwoStep_TamperedStateOrDocument_IsRejected()
    {
        using var directory = new TempDirectory();
        var path = directory.File("prepared.pdf");
        PadesPreparedSignature state;
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            state = await PadesSigner.PrepareAsync(new MemoryStream(TestDocuments.FromCairo(1)), output, pki.Options(PadesLevel.BaselineB, pki.Official.Certificate));
        }

        var signature = pki.Official.Key.SignHash(state.DigestToSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var otherAttributes = (byte[])state.SignedAttributes.Clone();
        otherAttributes[^1] ^= 1;
        await using (var prepared = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            await Assert.ThrowsAsync<ArgumentException>(() => PadesSigner.CompleteAsync(prepared, state with { SignedAttributes = otherAttributes }, signature, pki.Official.Certificate));

            // The prepared file changed inside the signed byte range after preparing.
            prepared.Position = 10;
            prepared.WriteByte((byte)'#');
            var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => PadesSigner.CompleteAsync(prepared, state, signature, pki.Official.Certificate));
            Assert.Contains("changed since it was prepared", changed.Message, StringComparison.Ordinal);
        }

        Assert.Throws<System.Text.Json.JsonException>(() => PadesPreparedSignature.FromJson("{}"));
    }

    [Fact]
    public async Task TwoStep_EcdsaRawRS_IsConvertedToDer_PdfsigValid()
    {
        using var directory = new TempDirectory();
        var path = directory.File("ecdsa.pdf");
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            var state = await PadesSigner.PrepareAsync(new MemoryStream(PdfIncrementalWriterTests.Input("qpdf-object-streams")), output, pki.Options(PadesLevel.BaselineB, pki.Seal.Certificate));

            // What CKM_ECDSA returns: r||s over the hash, not DER.
            var rawSignature = pki.Seal.Key.SignHash(state.DigestToSign, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            await PadesSigner.CompleteAsync(output, PadesPreparedSignature.FromJson(state.ToJson()), rawSignature, pki.Seal.Certificate);
        }

        SignedPdfAssert.AllSignaturesValid(path, 1);
        SignedPdfAssert.QpdfClean(path);
    }
}
