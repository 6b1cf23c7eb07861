using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Revocation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class RevocationSourcesTests(DevPkiFixture pki)
{
    [Fact]
    public void AreNamedBy_DevLeafNamesOcspAndCrl_SelfSignedNamesNothing()
    {
        var leaf = pki.IssueFresh("Nguồn thu hồi");
        using var key = RSA.Create(2048);
        using var selfSigned = new CertificateRequest("CN=Tự ký", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.True(RevocationSources.AreNamedBy(leaf));
        Assert.False(RevocationSources.AreNamedBy(selfSigned));
    }

    [Fact]
    public void FindIssuer_PicksTheCaThatSigned_NotAnImpostorWithTheSameName()
    {
        var leaf = pki.IssueFresh("Tìm CA cấp");
        using var impostorKey = RSA.Create(2048);
        var impostorRequest = new CertificateRequest(pki.Authority.SubCa.SubjectName, impostorKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        impostorRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var impostor = impostorRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        Assert.Same(pki.Authority.SubCa, RevocationSources.FindIssuer(leaf, [impostor, pki.Authority.Root, pki.Authority.SubCa]));
        Assert.Null(RevocationSources.FindIssuer(leaf, [impostor, pki.Authority.Root]));
    }
}
