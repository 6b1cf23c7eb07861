using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests.Pades;

[Collection(PadesCollection.Name)]
public sealed class CertificationTests(PadesEnvironment pki)
{
    [Theory]
    [InlineData(CertificationPermissions.FormFillingAndSigning)]
    [InlineData(CertificationPermissions.FormFillingAnnotationsAndSigning)]
    public async Task Certify_ThenApprove_BothValid_PermsInCatalog(CertificationPermissions permissions)
    {
        using var directory = new TempDirectory();
        var certified = await SignAsync(directory, "certified.pdf", TestDocuments.FromCairo(1), permissions);
        using (var file = File.OpenRead(certified))
        {
            var reader = PdfReader.Open(file);
            var perms = Assert.IsType<PdfDictionary>(reader.Resolve(reader.Catalog["Perms"]));
            var signature = Assert.IsType<PdfDictionary>(reader.Resolve(perms["DocMDP"]));
            var reference = Assert.IsType<PdfDictionary>(Assert.IsType<PdfArray>(signature["Reference"])[0]);
            Assert.Equal("DocMDP", Assert.IsType<PdfName>(reference["TransformMethod"]).Value);
            Assert.Equal((long)permissions, Assert.IsType<PdfInteger>(Assert.IsType<PdfDictionary>(reference["TransformParams"])["P"]).Value);
        }

        var approved = await SignAsync(directory, "approved.pdf", File.ReadAllBytes(certified), null);
        SignedPdfAssert.AllSignaturesValid(approved, 2);
        SignedPdfAssert.QpdfClean(approved);
    }

    [Fact]
    public async Task CertifiedNoChanges_RefusesFurtherSignature_ButAllowsLtv()
    {
        using var directory = new TempDirectory();
        var certified = await SignAsync(directory, "p1.pdf", TestDocuments.FromCairo(1), CertificationPermissions.NoChanges);

        var refused = await Assert.ThrowsAsync<SignatureNotPermittedException>(() => SignAsync(directory, "refused.pdf", File.ReadAllBytes(certified), null));
        Assert.Contains("/P 1", refused.Message, StringComparison.Ordinal);

        var lta = directory.File("p1-lta.pdf");
        await using (var input = File.OpenRead(certified))
        await using (var output = File.Create(lta))
        {
            await PadesExtender.ExtendAsync(input, output, pki.ExtendOptions(PadesLevel.BaselineLta));
        }

        SignedPdfAssert.AllSignaturesValid(lta, 1, documentTimestamps: 1);
    }

    [Fact]
    public async Task Certify_AlreadySignedDocument_IsRefused()
    {
        using var directory = new TempDirectory();
        var signed = await SignAsync(directory, "approval.pdf", TestDocuments.FromCairo(1), null);
        var refused = await Assert.ThrowsAsync<SignatureNotPermittedException>(
            () => SignAsync(directory, "late-certification.pdf", File.ReadAllBytes(signed), CertificationPermissions.FormFillingAndSigning));
        Assert.Contains("first signature", refused.Message, StringComparison.Ordinal);
    }

    private async Task<string> SignAsync(TempDirectory directory, string name, byte[] input, CertificationPermissions? certification)
    {
        var path = directory.File(name);
        await using var output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        var options = pki.Options(PadesLevel.BaselineB, pki.Official.Certificate, new PdfSignatureOptions { Certification = certification });
        await PadesSigner.SignAsync(new MemoryStream(input), output, pki.Official.Key, options);
        return path;
    }
}
