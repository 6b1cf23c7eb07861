using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;

namespace Signing.Pki.Tests;

/// <summary>
/// Signature values made by OpenSSL (keys, certificates and signatures from the openssl tool, none from .NET) over the
/// bytes that stand for a SignerInfo's signed attributes, checked by <see cref="SignatureValueVerifier"/>: the EdDSA,
/// SHA-3, DSA and RSASSA-PSS variants found in PDFs from other tools, a flipped bit, and pairings that are refused.
/// </summary>
public sealed class SignatureValueVerifierTests : IDisposable
{
    private const string Sha512 = "2.16.840.1.101.3.4.2.3";
    private const string Shake256 = "2.16.840.1.101.3.4.2.12";
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("signature-value-");
    private readonly byte[] signedAttributes = "1\u0000stand-in for the DER SET OF signed attributes"u8.ToArray();

    public static TheoryData<string, string, string, string?, string[]> OpenSslSignatures() => new()
    {
        // key spec, digest OID, signature algorithm OID, DER parameters (hex), openssl dgst/pkeyutl arguments
        { "ed25519", Sha512, "1.3.101.112", null, ["pkeyutl", "-rawin"] },
        { "ed448", Shake256, "1.3.101.113", null, ["pkeyutl", "-rawin"] },
        { "rsa:2048", "2.16.840.1.101.3.4.2.8", "2.16.840.1.101.3.4.3.14", null, ["dgst", "-sha3-256"] },
        { "ec:P-384", "2.16.840.1.101.3.4.2.10", "2.16.840.1.101.3.4.3.12", null, ["dgst", "-sha3-512"] },
        { "dsa:2048", "2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.3.2", null, ["dgst", "-sha256"] },
        // RSASSA-PSS, SHA-256, MGF1 SHA-256, salt 222 (the maximum for RSA-2048): [0] sha256, [1] mgf1(sha256), [2] 222
        { "rsa:2048", "2.16.840.1.101.3.4.2.1", "1.2.840.113549.1.1.10", "3035a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a204020200de",
            ["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:222", "-sigopt", "rsa_mgf1_md:sha256"] },
        // RSASSA-PSS, SHA-384, MGF1 SHA-1, salt 0
        { "rsa:2048", "2.16.840.1.101.3.4.2.2", "1.2.840.113549.1.1.10", "3030a00f300d06096086480165030402020500a118301606092a864886f70d010108300906052b0e03021a0500a203020100",
            ["dgst", "-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:0", "-sigopt", "rsa_mgf1_md:sha1"] },
    };

    [Theory]
    [MemberData(nameof(OpenSslSignatures))]
    public void OpenSslSignature_Verifies_AndAFlippedBitDoesNot(string keySpec, string digestOid, string algorithmOid, string? parametersHex, string[] command)
    {
        var (certificate, signature) = SignWithOpenSsl(keySpec, command);
        var digest = CmsDigest.FromOid(digestOid) ?? throw new InvalidOperationException($"digest {digestOid} not offered by the platform");
        ReadOnlyMemory<byte>? parameters = parametersHex is null ? null : Convert.FromHexString(parametersHex);

        var good = SignatureValueVerifier.Verify(certificate, digest, algorithmOid, parameters, signedAttributes, [], signature);
        signature[signature.Length / 2] ^= 0x01;
        var bad = SignatureValueVerifier.Verify(certificate, digest, algorithmOid, parameters, signedAttributes, [], signature);

        Assert.True(good.Status == SignatureValueStatus.Valid, good.Detail);
        Assert.Equal(SignatureValueStatus.Invalid, bad.Status);
    }

    [Fact]
    public void Ed448WithSha512_IsAForbiddenPairing_NotAWrongSignature()
    {
        var (certificate, signature) = SignWithOpenSsl("ed448", ["pkeyutl", "-rawin"]);

        var result = SignatureValueVerifier.Verify(certificate, CmsDigest.FromOid(Sha512)!, "1.3.101.113", null, signedAttributes, [], signature);

        Assert.Equal(SignatureValueStatus.Unsupported, result.Status);
        Assert.Contains("forbidden", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownAlgorithm_IsUnsupported()
    {
        var (certificate, signature) = SignWithOpenSsl("rsa:2048", ["dgst", "-sha256"]);

        var result = SignatureValueVerifier.Verify(certificate, CmsDigest.FromOid("2.16.840.1.101.3.4.2.1")!, "1.2.156.10197.1.501", null, signedAttributes, [], signature);

        Assert.Equal(SignatureValueStatus.Unsupported, result.Status);
    }

    [Theory]
    [InlineData("2.16.840.1.101.3.4.2.4")] // SHA-224
    [InlineData("1.3.36.3.2.1")] // RIPEMD-160
    public void DigestsThePlatformLacks_AreNotOffered(string oid) => Assert.Null(CmsDigest.FromOid(oid));

    public void Dispose() => directory.Delete(recursive: true);

    /// <summary>DSA keys come from domain parameters made first (OpenSSL 3 cannot do both in one genpkey).</summary>
    private string[] DsaParameters(string bits)
    {
        var parameters = Path.Combine(directory.FullName, "dsa-parameters.pem");
        OpenSsl.MustSucceed("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:" + bits, "-out", parameters);
        return ["-paramfile", parameters];
    }

    private (X509Certificate2 Certificate, byte[] Signature) SignWithOpenSsl(string keySpec, string[] command)
    {
        var key = Path.Combine(directory.FullName, "key.pem");
        var cert = Path.Combine(directory.FullName, "cert.pem");
        var data = Path.Combine(directory.FullName, "attributes.der");
        var signature = Path.Combine(directory.FullName, "signature.bin");
        File.WriteAllBytes(data, signedAttributes);
        var (algorithm, option) = keySpec.Split(':') switch
        {
            ["ec", var curve] => ("EC", new[] { "-pkeyopt", "ec_paramgen_curve:" + curve }),
            ["rsa", var bits] => ("RSA", ["-pkeyopt", "rsa_keygen_bits:" + bits]),
            ["dsa", var bits] => ("DSA", DsaParameters(bits)),
            [var name] => (name.ToUpperInvariant(), Array.Empty<string>()),
            _ => throw new ArgumentException(keySpec, nameof(keySpec)),
        };
        OpenSsl.MustSucceed(algorithm == "DSA" ? ["genpkey", .. option, "-out", key] : ["genpkey", "-algorithm", algorithm, .. option, "-out", key]);
        OpenSsl.MustSucceed("req", "-x509", "-new", "-key", key, "-subj", "/CN=OpenSSL signer (test only)", "-days", "2", "-out", cert);
        OpenSsl.MustSucceed(command[0] == "pkeyutl"
            ? ["pkeyutl", "-sign", "-inkey", key, .. command[1..], "-in", data, "-out", signature]
            : [command[0], .. command[1..], "-sign", key, "-out", signature, data]);
        return (X509CertificateLoader.LoadCertificateFromFile(cert), File.ReadAllBytes(signature));
    }
}
