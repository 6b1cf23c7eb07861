using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Signing.Pdf.Signatures.Internal;
using Signing.Testing;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>Checks on PAdES structures: the CMS in /Contents, the /DSS and /VRI, and document timestamps through openssl.</summary>
internal static class PadesAssert
{
    public static byte[] Der(PdfDictionary signature)
    {
        var contents = Assert.IsType<PdfString>(signature["Contents"]).Bytes;
        AsnDecoder.ReadEncodedValue(contents, AsnEncodingRules.BER, out _, out _, out var consumed);
        return contents[..consumed];
    }

    public static SignedCms Cms(PdfDictionary signature)
    {
        var cms = new SignedCms();
        cms.Decode(Der(signature));
        return cms;
    }

    public static void HasDssFor(string path, PdfDictionary signature, bool expectOcsp)
    {
        using var file = File.OpenRead(path);
        var reader = PdfReader.Open(file);
        var dss = Assert.IsType<PdfDictionary>(reader.Resolve(reader.Catalog["DSS"]));
        Assert.NotEmpty(Assert.IsType<PdfArray>(reader.Resolve(dss["Certs"])).Items);
        if (expectOcsp)
        {
            var ocsps = Assert.IsType<PdfArray>(reader.Resolve(dss["OCSPs"]));
            var first = reader.DecodeStream(Assert.IsType<PdfStream>(reader.Resolve(ocsps[0])));

            // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ... }
            var sequence = new AsnReader(first, AsnEncodingRules.DER).ReadSequence();
            Assert.Equal(0, (int)sequence.ReadEnumeratedValue<OcspStatus>());
        }

        var vri = Assert.IsType<PdfDictionary>(reader.Resolve(dss["VRI"]));
        var key = Convert.ToHexString(SHA1.HashData(Assert.IsType<PdfString>(signature["Contents"]).Bytes));
        Assert.True(vri.ContainsKey(key), $"/VRI has no entry {key}; it has {string.Join(", ", vri.Entries.Select(e => e.Key.Value))}");
    }

    public static void DocumentTimestampVerifiesWithOpenssl(string path, TempDirectory directory, PadesEnvironment pki)
    {
        byte[] token;
        long[] byteRange;
        using (var file = File.OpenRead(path))
        {
            var reader = PdfReader.Open(file);
            var timestamp = SignatureFieldWalker.SignedFields(reader).Last(f => f.Signature["Type"] is PdfName { Value: "DocTimeStamp" }).Signature;
            Assert.Equal("ETSI.RFC3161", Assert.IsType<PdfName>(timestamp["SubFilter"]).Value);
            token = Der(timestamp);
            byteRange = [.. Assert.IsType<PdfArray>(timestamp["ByteRange"]).Items.Select(i => ((PdfInteger)i).Value)];
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(bytes.Length, byteRange[2] + byteRange[3]);
        var data = directory.File("timestamped-range.bin");
        File.WriteAllBytes(data, [.. bytes.AsSpan((int)byteRange[0], (int)byteRange[1]), .. bytes.AsSpan((int)byteRange[2], (int)byteRange[3])]);
        var tokenFile = directory.File("doc-timestamp.tst");
        File.WriteAllBytes(tokenFile, token);
        var untrusted = directory.File("tsa-chain.pem");
        File.WriteAllText(untrusted, pki.Authority.Tsa.ExportCertificatePem() + "\n" + pki.Authority.SubCa.ExportCertificatePem() + "\n");
        var result = ExternalTool.Run("openssl", "ts", "-verify", "-data", data, "-in", tokenFile, "-token_in", "-CAfile", pki.RootPem, "-untrusted", untrusted);
        Assert.True(result.ExitCode == 0 && result.Combined.Contains("Verification: OK", StringComparison.Ordinal), $"openssl ts -verify (exit {result.ExitCode}):\n{result.Combined}");
    }

    private enum OcspStatus
    {
        Successful = 0,
    }
}
