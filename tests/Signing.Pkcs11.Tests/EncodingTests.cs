using System.Formats.Asn1;
using System.Security.Cryptography;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11.Tests;

public sealed class EncodingTests
{
    // The DigestInfo prefixes of RFC 8017 section 9.2, note 1.
    [Theory]
    [InlineData("SHA256", "3031300d060960864801650304020105000420")]
    [InlineData("SHA384", "3041300d060960864801650304020205000430")]
    [InlineData("SHA512", "3051300d060960864801650304020305000440")]
    public void DigestInfo_MatchesRfc8017Prefix(string hashName, string prefixHex)
    {
        var hashAlgorithm = new HashAlgorithmName(hashName);
        var hash = CryptographicOperations.HashData(hashAlgorithm, "abc"u8);
        Span<byte> buffer = stackalloc byte[DigestInfoEncoder.MaxLength];
        var length = DigestInfoEncoder.Encode(hashAlgorithm, hash, buffer);
        Assert.Equal(prefixHex + Convert.ToHexStringLower(hash), Convert.ToHexStringLower(buffer[..length]));
    }

    [Fact]
    public void DigestInfo_RejectsWrongHashLength()
    {
        var buffer = new byte[DigestInfoEncoder.MaxLength];
        var e = Assert.Throws<CryptographicException>(() => DigestInfoEncoder.Encode(HashAlgorithmName.SHA256, new byte[20], buffer));
        Assert.Contains("32 bytes", e.Message, StringComparison.Ordinal);
        Assert.Throws<CryptographicException>(() => DigestInfoEncoder.Encode(HashAlgorithmName.MD5, new byte[16], buffer));
    }

    [Fact]
    public void EcdsaConverter_ProducesDerThatDotNetAccepts()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hash = SHA256.HashData("data"u8);
        var raw = ec.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var der = EcdsaSignatureConverter.RawToDer(raw);
        Assert.True(ec.VerifyHash(hash, der, DSASignatureFormat.Rfc3279DerSequence));

        var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(new System.Numerics.BigInteger(raw.AsSpan(0, 32), isUnsigned: true, isBigEndian: true), reader.ReadInteger());
    }

    [Fact]
    public void EcdsaConverter_HighBitAndLeadingZeros()
    {
        var raw = new byte[64];
        raw[0] = 0x80;  // r needs a 0x00 sign byte
        raw[63] = 0x01; // s is tiny: leading zeros vanish
        var der = EcdsaSignatureConverter.RawToDer(raw);
        Assert.Equal("3026" + "022100" + "80" + new string('0', 62) + "020101", Convert.ToHexStringLower(der));
        Assert.Throws<CryptographicException>(() => EcdsaSignatureConverter.RawToDer(new byte[63]));
    }
}
