using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Signatures;
using Signing.Pdf.Signatures.Internal;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Pdf.Tests.Pades;

/// <summary>
/// Incomplete chains (issue 15, item 6): a token key that holds only its leaf signs at B-LT without being handed its CA
/// certificates, because the issuers are fetched from the AIA caIssuers URLs of the dev PKI served over HTTP; the CMS
/// then embeds them, so openssl verifies it from the root alone. Online validation completes a short path the same way.
/// </summary>
[Collection(PadesCollection.Name)]
public class ChainCompletionTests(PadesEnvironment pki)
{
    [Fact]
    public async Task TokenKeyWithOnlyItsLeaf_SignsAtBaselineLt_AndOpensslVerifiesFromTheRootAlone()
    {
        using var directory = new TempDirectory();
        var path = directory.File("token-leaf-only.pdf");
        using var key = Signing.Pkcs11.Pkcs11SigningKey.Open(pki.Hsm.ModulePath, pki.TokenKeyUri, pki.Hsm.UserPin);
        await using (var output = File.Create(path))
        {
            var options = pki.Options(PadesLevel.BaselineLT, key.Certificate!) with { Chain = [], IssuerFetcher = new IssuerCertificateFetcher(pki.Http) };
            await PadesSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(1)), output, key.PrivateKey, options);
        }

        await using (var file = File.OpenRead(path))
        {
            var report = await new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = [pki.Authority.Root] }).ValidateAsync(file);
            Assert.Equal(Indication.TotalPassed, report.Indication);
            Assert.Equal(PadesLevel.BaselineLT, report.Signatures[0].Level);
        }

        var (cms, content) = SignatureAndContent(path);
        var embedded = PadesAssertCertificates(cms);
        Assert.Contains(embedded, c => c.RawData.AsSpan().SequenceEqual(pki.Authority.SubCa.RawData));

        var signatureFile = directory.File("signature.p7s");
        var contentFile = directory.File("signed-range.bin");
        File.WriteAllBytes(signatureFile, cms);
        File.WriteAllBytes(contentFile, content);
        var result = ExternalTool.Run("openssl", "cms", "-verify", "-inform", "DER", "-in", signatureFile, "-content", contentFile, "-binary",
            "-CAfile", pki.RootPem, "-purpose", "any", "-out", directory.File("out.bin"));
        Assert.True(result.ExitCode == 0 && result.Combined.Contains("Verification successful", StringComparison.Ordinal), $"openssl cms -verify (exit {result.ExitCode}):\n{result.Combined}");
    }

    [Fact]
    public async Task TokenKeyWithOnlyItsLeaf_WithoutFetcher_StillNamesTheMissingIssuer()
    {
        using var key = Signing.Pkcs11.Pkcs11SigningKey.Open(pki.Hsm.ModulePath, pki.TokenKeyUri, pki.Hsm.UserPin);
        var options = pki.Options(PadesLevel.BaselineLT, key.Certificate!) with { Chain = [] };

        var error = await Assert.ThrowsAsync<LtvDataUnavailableException>(() =>
            PadesSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(1)), new MemoryStream(), key.PrivateKey, options));

        Assert.Contains("complete the path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignatureEmbeddingOnlyItsLeaf_ValidatedOnline_CompletesThePathThroughAia()
    {
        var signed = new MemoryStream();
        var options = pki.Options(PadesLevel.BaselineB, pki.Official.Certificate) with { Chain = [] };
        await PadesSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(1)), signed, pki.Official.Key, options);

        var offline = await new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = [pki.Authority.Root] }).ValidateAsync(new MemoryStream(signed.ToArray()));
        var online = await new PdfSignatureValidator(new PdfValidationOptions
        {
            TrustAnchors = [pki.Authority.Root],
            OnlineRevocation = pki.Revocation,
            IssuerFetcher = new IssuerCertificateFetcher(pki.Http),
        }).ValidateAsync(new MemoryStream(signed.ToArray()));

        Assert.Equal(SubIndication.NoCertificateChainFound, offline.Signatures[0].SubIndication);
        Assert.Equal(Indication.TotalPassed, online.Indication);
        Assert.Contains(online.Signatures[0].Validation.Checks, c => c.Name == "certificate-fetch" && c.Detail.Contains(pki.Authority.SubCa.Subject, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetcher_WithNothingMissing_FetchesNothing_AndStopsAtTheRoot()
    {
        var fetcher = new IssuerCertificateFetcher(pki.Http);

        var nothing = await fetcher.CompleteAsync(pki.Official.Certificate, pki.Chain, CancellationToken.None);
        var both = await fetcher.CompleteAsync(pki.Official.Certificate, [], CancellationToken.None);

        Assert.Empty(nothing);
        Assert.Equal([pki.Authority.SubCa.Thumbprint, pki.Authority.Root.Thumbprint], both.Select(c => c.Thumbprint));
    }

    private static (byte[] Cms, byte[] Content) SignatureAndContent(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var reader = PdfReader.Open(new MemoryStream(bytes));
        var signature = SignatureFieldWalker.SignedFields(reader).First().Signature;
        var range = Assert.IsType<PdfArray>(signature["ByteRange"]).Items.Select(i => (int)((PdfInteger)i).Value).ToArray();
        return (PadesAssert.Der(signature), [.. bytes.AsSpan(range[0], range[1]), .. bytes.AsSpan(range[2], range[3])]);
    }

    private static X509Certificate2Collection PadesAssertCertificates(byte[] cms)
    {
        var signedCms = new System.Security.Cryptography.Pkcs.SignedCms();
        signedCms.Decode(cms);
        return signedCms.Certificates;
    }
}
