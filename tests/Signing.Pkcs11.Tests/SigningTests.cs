using System.Security.Cryptography;
using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class SigningTests(SoftHsmToken hsm)
{
    private static readonly byte[] Data = "Văn bản đi số 12/UBND — ký số"u8.ToArray();

    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, "SHA256")]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, "SHA384")]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, "SHA512")]
    [InlineData(Pkcs11KeyAlgorithm.Rsa3072, "SHA256")]
    public void RsaPkcs1_VerifiesWithDotNet(Pkcs11KeyAlgorithm algorithm, string hashName)
    {
        var key = TestKeys.Get(hsm, algorithm);
        var hashAlgorithm = new HashAlgorithmName(hashName);
        var hash = CryptographicOperations.HashData(hashAlgorithm, Data);
        var signature = new byte[key.SignatureSize];
        Assert.Equal(key.SignatureSize, key.SignRsaPkcs1(hash, hashAlgorithm, signature));

        using var publicKey = RSA.Create(key.ExportRsaPublicParameters());
        Assert.True(publicKey.VerifyData(Data, signature, hashAlgorithm, RSASignaturePadding.Pkcs1));
        signature[10] ^= 1;
        Assert.False(publicKey.VerifyData(Data, signature, hashAlgorithm, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public void RsaPss_VerifiesWithDotNet(string hashName)
    {
        var key = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.Rsa2048);
        var hashAlgorithm = new HashAlgorithmName(hashName);
        var hash = CryptographicOperations.HashData(hashAlgorithm, Data);
        var signature = new byte[key.SignatureSize];
        key.SignRsaPss(hash, hashAlgorithm, signature);

        using var publicKey = RSA.Create(key.ExportRsaPublicParameters());
        Assert.True(publicKey.VerifyHash(hash, signature, hashAlgorithm, RSASignaturePadding.Pss));
    }

    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.EcP256, "SHA256", 64)]
    [InlineData(Pkcs11KeyAlgorithm.EcP384, "SHA384", 96)]
    public void Ecdsa_VerifiesWithDotNet_RawAndDer(Pkcs11KeyAlgorithm algorithm, string hashName, int rawLength)
    {
        var key = TestKeys.Get(hsm, algorithm);
        var hashAlgorithm = new HashAlgorithmName(hashName);
        var hash = CryptographicOperations.HashData(hashAlgorithm, Data);
        var raw = new byte[key.SignatureSize];
        Assert.Equal(rawLength, key.SignEcdsa(hash, raw));

        using var publicKey = ECDsa.Create(key.ExportEcPublicParameters());
        Assert.True(publicKey.VerifyHash(hash, raw, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(publicKey.VerifyHash(hash, key.SignEcdsaDer(hash), DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void WrongMechanismForKey_GivesClearError()
    {
        var key = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.EcP256);
        var e = Assert.Throws<CryptographicException>(() => key.SignRsaPkcs1(new byte[32], HashAlgorithmName.SHA256, new byte[256]));
        Assert.Contains("needs a Rsa key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DestinationTooSmall_IsReportedWithRequiredSize()
    {
        var key = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.Rsa2048);
        var e = Assert.Throws<ArgumentException>(() => key.SignRsaPkcs1(new byte[32], HashAlgorithmName.SHA256, new byte[100]));
        Assert.Contains("needs 256 bytes", e.Message, StringComparison.Ordinal);
        // The session that saw the failure was closed, not reused: the next call works.
        Assert.Equal(256, key.SignRsaPkcs1(new byte[32], HashAlgorithmName.SHA256, new byte[256]));
    }

    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, "pkcs1")]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, "pss")]
    [InlineData(Pkcs11KeyAlgorithm.EcP256, "ecdsa")]
    public void Signature_VerifiesWithOpenSsl(Pkcs11KeyAlgorithm algorithm, string scheme)
    {
        var key = TestKeys.Get(hsm, algorithm);
        var hash = SHA256.HashData(Data);
        byte[] signature = scheme switch
        {
            "pkcs1" => Sign(s => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, s)),
            "pss" => Sign(s => key.SignRsaPss(hash, HashAlgorithmName.SHA256, s)),
            _ => key.SignEcdsaDer(hash),
        };

        var dir = Directory.CreateTempSubdirectory("openssl-verify-").FullName;
        try
        {
            using var publicKey = key.CreatePublicKey();
            File.WriteAllText(Path.Combine(dir, "pub.pem"), publicKey.ExportSubjectPublicKeyInfoPem());
            File.WriteAllBytes(Path.Combine(dir, "data"), Data);
            File.WriteAllBytes(Path.Combine(dir, "sig"), signature);
            List<string> args = ["dgst", "-sha256", "-verify", Path.Combine(dir, "pub.pem"), "-signature", Path.Combine(dir, "sig")];
            if (scheme == "pss")
            {
                args.AddRange(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]);
            }

            args.Add(Path.Combine(dir, "data"));
            var (exit, stdout, stderr) = ExternalTool.Run("openssl", args, null);
            Assert.True(exit == 0, $"openssl rejected the signature: {stdout} {stderr}");
            Assert.Contains("Verified OK", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        byte[] Sign(Func<byte[], int> sign)
        {
            var buffer = new byte[key.SignatureSize];
            return buffer[..sign(buffer)];
        }
    }
}
