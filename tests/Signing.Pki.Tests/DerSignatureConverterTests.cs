using System.Formats.Asn1;
using System.Security.Cryptography;
using Signing.Pki.Cms;

namespace Signing.Pki.Tests;

public sealed class DerSignatureConverterTests
{
    private static readonly byte[] Digest = SHA256.HashData("Công văn số 12/UBND-VP"u8);

    [Fact]
    public void FieldsWithLeadingZeros_AreEncodedMinimally()
    {
        byte[] raw = [0x00, 0x00, 0x7F, 0x01, 0x00, 0x80, 0x00, 0x02];

        var reader = new AsnReader(DerSignatureConverter.IeeeP1363ToDer(raw), AsnEncodingRules.DER).ReadSequence();

        Assert.Equal([0x7F, 0x01], reader.ReadIntegerBytes().ToArray());
        Assert.Equal([0x00, 0x80, 0x00, 0x02], reader.ReadIntegerBytes().ToArray());
        Assert.False(reader.HasData);
    }

    [Fact]
    public void AllZeroField_IsTheIntegerZero()
    {
        var reader = new AsnReader(DerSignatureConverter.IeeeP1363ToDer([0x00, 0x00, 0x00, 0x05]), AsnEncodingRules.DER).ReadSequence();

        Assert.Equal([0x00], reader.ReadIntegerBytes().ToArray());
        Assert.Equal([0x05], reader.ReadIntegerBytes().ToArray());
    }

    /// <summary>
    /// About one P-256 signature in 256 has an r or s whose fixed-width field starts with a zero byte that DER must drop;
    /// CI once drew one at random. Here the test signs until it has one for r and one for s, then checks that .NET accepts
    /// the conversion as a DER signature.
    /// </summary>
    [Fact]
    public void RealSignaturesWithShortRAndS_VerifyAfterConversion()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        bool shortR = false, shortS = false;
        for (var attempt = 0; attempt < 20_000 && !(shortR && shortS); attempt++)
        {
            var raw = key.SignHash(Digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var rIsShort = raw[0] == 0 && raw[1] < 0x80;
            var sIsShort = raw[32] == 0 && raw[33] < 0x80;
            if ((rIsShort && !shortR) || (sIsShort && !shortS))
            {
                Assert.True(key.VerifyHash(Digest, DerSignatureConverter.IeeeP1363ToDer(raw), DSASignatureFormat.Rfc3279DerSequence));
                shortR |= rIsShort;
                shortS |= sIsShort;
            }
        }

        Assert.True(shortR && shortS, "20,000 signatures should include a short r and a short s");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(266)]
    public void MalformedLengths_AreRefused(int length) =>
        Assert.Throws<ArgumentException>(() => DerSignatureConverter.IeeeP1363ToDer(new byte[length]));
}
