using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Pdf.Tests.Pades;

/// <summary>What our signer produces at every level, our validator passes at that level, and pdfsig agrees.</summary>
[Collection(PadesCollection.Name)]
public sealed class PadesValidationTests(PadesEnvironment pki)
{
    public static TheoryData<PadesLevel> Levels() => [.. Enum.GetValues<PadesLevel>()];

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task EachLevel_IsTotalPassed_AtThatLevel_AndPdfsigAgrees(PadesLevel level)
    {
        using var directory = new TempDirectory();
        var path = directory.File("signed.pdf");
        await using (var output = File.Create(path))
        {
            await PadesSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(2)), output, pki.Official.Key, pki.Options(level, pki.Official.Certificate));
        }

        var report = await Validator(online: true).ValidateAsync(new MemoryStream(await File.ReadAllBytesAsync(path)));

        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        var signature = report.Signatures.First(s => s.Kind == PdfSignatureKind.Signature);
        Assert.Equal(level, signature.Level);
        SignedPdfAssert.AllSignaturesValid(path, 1, documentTimestamps: level == PadesLevel.BaselineLta ? 1 : 0);
    }

    [Fact]
    public async Task LongTerm_ValidatesOffline_FromTheDss()
    {
        var pdf = TestDocuments.FromCairo(10);
        using var signed = new MemoryStream();
        await PadesSigner.SignAsync(new MemoryStream(pdf), signed, pki.Official.Key, pki.Options(PadesLevel.BaselineLT, pki.Official.Certificate));
        var validator = Validator(online: false);

        var report = await validator.ValidateAsync(new MemoryStream(signed.ToArray()));
        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(PadesLevel.BaselineLT, report.Signatures[0].Level);

    }

    private PdfSignatureValidator Validator(bool online) => new(new PdfValidationOptions
    {
        TrustAnchors = [pki.Authority.Root],
        OnlineRevocation = online ? pki.Revocation : null,
    });
}
