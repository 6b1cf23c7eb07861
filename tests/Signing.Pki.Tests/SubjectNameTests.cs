using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Signing.Pki.Names;
using Signing.Pki.Requests;

namespace Signing.Pki.Tests;

public sealed class SubjectNameTests
{
    private const string Official =
        "CN=Nguyễn Văn An, OU=Văn phòng, O=Ủy ban nhân dân xã Hòa Bình, L=Phú Thọ, C=VN, UID=CCCD:025099001234, E=an.nv@phutho.gov.vn";

    [Fact]
    public void Parse_VietnameseIndividual_ReadsEveryAttribute()
    {
        var name = SubjectName.Parse(Official);

        Assert.Equal("Nguyễn Văn An", name.CommonName);
        Assert.Equal("Văn phòng", name.OrganizationalUnit);
        Assert.Equal("Ủy ban nhân dân xã Hòa Bình", name.Organization);
        Assert.Equal("Phú Thọ", name.Locality);
        Assert.Equal("VN", name.Country);
        Assert.Equal("an.nv@phutho.gov.vn", name.Email);
        Assert.Equal("025099001234", name.CitizenIdNumber);
    }

    [Fact]
    public void Parse_DecomposedInput_IsStoredComposed_AndQuotedCommasStayInTheValue()
    {
        var decomposed = "CN=Trần Thị Bình".Normalize(NormalizationForm.FormD) + ", O=\"Sở Nội vụ, tỉnh Phú Thọ\"; C=VN";
        var name = SubjectName.Parse(decomposed);

        Assert.Equal("Trần Thị Bình".Normalize(NormalizationForm.FormC), name.CommonName);
        Assert.True(name.CommonName.IsNormalized(NormalizationForm.FormC));
        Assert.Equal("Sở Nội vụ, tỉnh Phú Thọ", name.Organization);
        Assert.Equal(name, SubjectName.Parse(name.ToString()));
    }

    [Theory]
    [InlineData("O=No common name, C=VN")]
    [InlineData("CN=A, XYZ=unknown")]
    [InlineData("CN=A, C=Vietnam")]
    [InlineData("CN=A, CN=B")]
    [InlineData("CN=\"unclosed")]
    [InlineData("just text")]
    public void Parse_BadText_IsAFormatException(string text) => Assert.Throws<FormatException>(() => SubjectName.Parse(text));

    [Fact]
    public void ToX500_EncodesUtf8Strings_MostGeneralFirst_AndRoundTrips()
    {
        var name = SubjectName.Parse(Official);
        var der = name.ToX500();

        var rdns = new AsnReader(der.RawData, AsnEncodingRules.DER).ReadSequence();
        var first = rdns.ReadSetOf().ReadSequence();
        Assert.Equal("2.5.4.6", first.ReadObjectIdentifier());
        Assert.Equal(UniversalTagNumber.PrintableString, (UniversalTagNumber)first.PeekTag().TagValue);
        var cn = der.EnumerateRelativeDistinguishedNames().Single(rdn => rdn.GetSingleElementType().Value == "2.5.4.3");
        Assert.Equal("Nguyễn Văn An", cn.GetSingleElementValue());
        Assert.Equal(name, SubjectName.FromX500(der));
    }

    [Fact]
    public void SigningRequest_OpenSslVerifiesIt_AndReadsTheVietnameseSubject()
    {
        using var key = RSA.Create(2048);
        var pem = SigningRequests.CreatePem(SubjectName.Parse(Official), key);
        var path = Path.Combine(Path.GetTempPath(), $"csr-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, pem);
        try
        {
            var result = OpenSsl.Run("req", "-in", path, "-noout", "-verify", "-subject", "-nameopt", "utf8,sep_comma_plus_space,sname");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("verify OK", result.All, StringComparison.Ordinal);
            Assert.Contains("CN=Nguyễn Văn An", result.StdOut, StringComparison.Ordinal);
            Assert.Contains("O=Ủy ban nhân dân xã Hòa Bình", result.StdOut, StringComparison.Ordinal);
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), SigningRequests.Load(Encoding.ASCII.GetBytes(pem)).PublicKey.ExportSubjectPublicKeyInfo());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
