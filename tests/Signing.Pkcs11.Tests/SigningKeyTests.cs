using System.Security.Cryptography.Pkcs;
using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class SigningKeyTests(SoftHsmToken hsm)
{
    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, typeof(Pkcs11Rsa))]
    [InlineData(Pkcs11KeyAlgorithm.EcP384, typeof(Pkcs11ECDsa))]
    public void Open_ReturnsKeyAndCertificateWithSameId(Pkcs11KeyAlgorithm algorithm, Type expectedType)
    {
        var token = TestKeys.LoggedInToken(hsm);
        var generated = token.GenerateKeyPair(algorithm, $"seal-{algorithm}");
        var key = token.OpenPrivateKey(generated.Uri);
        using (var issuing = key.CreateAsymmetricAlgorithm())
        using (var certificate = BridgeTests.IssueSelfSigned(issuing, "CN=Con dấu, O=UBND Xã Hòa Bình, C=VN"))
        {
            var imported = token.ImportCertificate(certificate, key.Id, key.Label);
            Assert.Equal(Pkcs11ObjectClass.Certificate, imported.Class);
            Assert.Equal(generated.Id, imported.Id);
        }

        var uri = $"pkcs11:token={hsm.TokenLabel};object=seal-{algorithm};type=private";
        using var signingKey = Pkcs11SigningKey.Open(hsm.ModulePath, uri, hsm.UserPin);
        Assert.IsType(expectedType, signingKey.PrivateKey);
        Assert.NotNull(signingKey.Certificate);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), signingKey.Certificate!.PublicKey.ExportSubjectPublicKeyInfo());

        var cms = new SignedCms(new ContentInfo("x"u8.ToArray()), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signingKey.Certificate, signingKey.PrivateKey));
        cms.CheckSignature(verifySignatureOnly: true);
    }

    [Fact]
    public void Open_WithMissingKey_SaysWhichUriFailed()
    {
        var e = Assert.Throws<Pkcs11TokenException>(() =>
            Pkcs11SigningKey.Open(hsm.ModulePath, $"pkcs11:token={hsm.TokenLabel};object=absent", hsm.UserPin));
        Assert.Equal(Pkcs11ErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("object=absent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithUnknownToken_SaysTokenNotFound()
    {
        var e = Assert.Throws<Pkcs11TokenException>(() =>
            Pkcs11SigningKey.Open(hsm.ModulePath, "pkcs11:token=nowhere;object=x", hsm.UserPin));
        Assert.Equal(Pkcs11ErrorKind.TokenNotFound, e.Kind);
        Assert.Contains("'nowhere'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModuleInfoAndSlots_DescribeSoftHsm()
    {
        var info = hsm.Module.GetInfo();
        Assert.StartsWith("2.", info.CryptokiVersion, StringComparison.Ordinal);
        Assert.Contains("SoftHSM", info.Manufacturer, StringComparison.Ordinal);
        var slot = Assert.Single(hsm.Module.GetSlots(), s => s.Token?.Label == hsm.TokenLabel);
        Assert.True(slot.Token!.IsInitialized);
        Assert.Equal("SoftHSM project", slot.Token.Manufacturer);
        Assert.Equal(16, slot.Token.SerialNumber.Length);
        Assert.Same(hsm.Module.OpenToken(hsm.TokenLabel), hsm.Module.OpenToken(hsm.TokenLabel));
    }

    [Fact]
    public void MissingModule_GivesClearError()
    {
        var e = Assert.Throws<Pkcs11TokenException>(() => Pkcs11Module.Load("/nonexistent/libpkcs11.so"));
        Assert.Equal(Pkcs11ErrorKind.ModuleLoadFailed, e.Kind);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BySymlinkAndByTarget_SharesOneInitialisedInstance()
    {
        var target = new FileInfo(hsm.ModulePath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? hsm.ModulePath;
        using var again = Pkcs11Module.Load(target);
        Assert.Same(hsm.Module, again);
    }
}
