using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class KeyGenerationTests(SoftHsmToken hsm)
{
    [Theory]
    [InlineData(Pkcs11KeyAlgorithm.Rsa2048, Pkcs11KeyType.Rsa, 2048)]
    [InlineData(Pkcs11KeyAlgorithm.Rsa3072, Pkcs11KeyType.Rsa, 3072)]
    [InlineData(Pkcs11KeyAlgorithm.Rsa4096, Pkcs11KeyType.Rsa, 4096)]
    [InlineData(Pkcs11KeyAlgorithm.EcP256, Pkcs11KeyType.Ec, 256)]
    [InlineData(Pkcs11KeyAlgorithm.EcP384, Pkcs11KeyType.Ec, 384)]
    public void GenerateKeyPair_MakesSensitiveNonExtractableTokenKey(Pkcs11KeyAlgorithm algorithm, Pkcs11KeyType type, int bits)
    {
        var token = TestKeys.LoggedInToken(hsm);
        var label = $"gen-{algorithm}";
        var info = token.GenerateKeyPair(algorithm, label);

        Assert.Equal(Pkcs11ObjectClass.PrivateKey, info.Class);
        Assert.Equal(label, info.Label);
        Assert.Equal(16, info.Id.Length);
        Assert.Equal(type, info.KeyType);
        Assert.Equal(bits, info.KeySizeInBits);
        Assert.True(info.IsSensitive);
        Assert.False(info.IsExtractable);
        Assert.Equal($"pkcs11:token={hsm.TokenLabel};object={label};id=%{Convert.ToHexString(info.Id).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + "%" + b)};type=private", info.Uri.ToString());

        var objects = token.ListObjects().Where(o => o.Label == label).ToList();
        Assert.Contains(objects, o => o.Class == Pkcs11ObjectClass.PublicKey && o.Id.SequenceEqual(info.Id));

        var key = token.OpenPrivateKey(info.Uri);
        Assert.Equal(bits, key.KeySizeInBits);
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() =>
        {
            using var algorithmObject = key.CreateAsymmetricAlgorithm();
            return algorithmObject.ExportPkcs8PrivateKey();
        });
    }

    [Fact]
    public void Pkcs11Tool_ListsOurKeysAsSensitiveAndNotExtractable()
    {
        var token = TestKeys.LoggedInToken(hsm);
        var rsa = token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, "xcheck-rsa");
        var ec = token.GenerateKeyPair(Pkcs11KeyAlgorithm.EcP256, "xcheck-ec");

        var (exit, stdout, stderr) = ExternalTool.Run("pkcs11-tool",
            ["--module", hsm.ModulePath, "--token-label", hsm.TokenLabel, "--login", "--pin", hsm.UserPin, "--list-objects", "--type", "privkey"],
            hsm.ChildEnvironment);
        Assert.True(exit == 0, $"pkcs11-tool failed: {stderr}");

        var blocks = ParseObjects(stdout);
        foreach (var (generated, kind) in new[] { (rsa, "RSA"), (ec, "EC") })
        {
            var block = Assert.Single(blocks, b => b.Label == generated.Label);
            Assert.StartsWith($"Private Key Object; {kind}", block.Header, StringComparison.Ordinal);
            Assert.Equal(Convert.ToHexStringLower(generated.Id), block.Fields["ID"]);
            var access = block.Fields["Access"].Split(',', StringSplitOptions.TrimEntries);
            Assert.Contains("sensitive", access);
            Assert.Contains("never extractable", access);
            Assert.DoesNotContain("extractable", access);
            Assert.Contains("sign", block.Fields["Usage"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DeleteObjects_RemovesKeyPair()
    {
        var token = TestKeys.LoggedInToken(hsm);
        var info = token.GenerateKeyPair(Pkcs11KeyAlgorithm.EcP256, "to-delete");
        Assert.Equal(2, token.DeleteObjects(new Pkcs11Uri { Object = "to-delete" }));
        Assert.DoesNotContain(token.ListObjects(), o => o.Label == "to-delete");
        var e = Assert.Throws<Pkcs11TokenException>(() => token.OpenPrivateKey(info.Uri));
        Assert.Equal(Pkcs11ErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("No private key pkcs11:", e.Message, StringComparison.Ordinal);
    }

    private static List<(string Header, string Label, Dictionary<string, string> Fields)> ParseObjects(string output)
    {
        var result = new List<(string, string, Dictionary<string, string>)>();
        string? header = null;
        var fields = new Dictionary<string, string>();
        foreach (var line in output.Split('\n').Append("END"))
        {
            if (!line.StartsWith(' ') && line.Length > 0)
            {
                if (header is not null)
                {
                    result.Add((header, fields.GetValueOrDefault("label", ""), fields));
                }

                header = line.Trim();
                fields = [];
            }
            else if (line.IndexOf(':') is var colon and > 0)
            {
                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return result;
    }
}
