namespace Signing.Pkcs11.Tests;

public sealed class Pkcs11UriTests
{
    [Fact]
    public void Parse_ReadsPathAttributes()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=dev;object=seal;type=private");
        Assert.Equal("dev", uri.Token);
        Assert.Equal("seal", uri.Object);
        Assert.Equal("private", uri.Type);
        Assert.Null(uri.Id);
    }

    [Fact]
    public void Parse_DecodesPercentEncodingAndId()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=Ban%20C%C6%A1%20y%E1%BA%BFu;id=%01%02%a0;serial=3a2c");
        Assert.Equal("Ban Cơ yếu", uri.Token);
        Assert.Equal(new byte[] { 1, 2, 0xa0 }, uri.Id);
        Assert.Equal("3a2c", uri.Serial);
    }

    [Fact]
    public void ToString_RoundTrips()
    {
        var uri = new Pkcs11Uri { Token = "Văn thư;1", Object = "con dấu", Id = [0, 255], Type = "private" };
        var text = uri.ToString();
        Assert.Equal("pkcs11:token=V%C4%83n%20th%C6%B0%3B1;object=con%20d%E1%BA%A5u;id=%00%FF;type=private", text);
        Assert.Equal(uri, Pkcs11Uri.Parse(text));
    }

    [Fact]
    public void Parse_AcceptsUnencodedDiacritics()
    {
        Assert.Equal("Hòa Bình", Pkcs11Uri.Parse("pkcs11:token=Hòa%20Bình").Token);
    }

    [Theory]
    [InlineData("pkcs:token=a", "must start with 'pkcs11:'")]
    [InlineData("pkcs11:token=a;token=b", "appears twice")]
    [InlineData("pkcs11:token=a%2", "two hex digits")]
    [InlineData("pkcs11:token", "not name=value")]
    [InlineData("pkcs11:colour=blue", "unknown path attribute 'colour'")]
    [InlineData("pkcs11:type=key", "type 'key'")]
    [InlineData("pkcs11:object=a b", "must be percent-encoded")]
    [InlineData("pkcs11:token=a?pin-value=1234", "PINs are never taken from URIs")]
    public void Parse_RejectsMalformedInputWithReason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(Pkcs11Uri.TryParse(text, out _));
    }

    [Fact]
    public void Parse_BoundsLength()
    {
        var e = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse("pkcs11:object=" + new string('a', 5000)));
        Assert.Contains("at most 4096", e.Message, StringComparison.Ordinal);
    }
}
