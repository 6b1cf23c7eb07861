using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Signatures;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// Incomplete chains through the HTTP API (issue 15, item 6): a token key registered with its leaf certificate alone
/// signs at B-LT and B-LTA, its intermediate fetched from the AIA caIssuers URL of the dev PKI that this service serves
/// (reached through the TestServer as over the network) and embedded, so the result validates from the root alone;
/// CMS made with a key whose chain is registered carries that chain, so openssl verifies it from the root alone.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class ChainCompletionTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki, new Dictionary<string, string?>
    {
        ["Signing:TsaUrl"] = "http://localhost/dev-pki/tsa",
    }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData("B-LT")]
    [InlineData("B-LTA")]
    public async Task TokenKeyRegisteredWithOnlyItsLeaf_SignsLongTerm_WithTheIntermediateEmbedded_AndValidatesFromTheRoot(string level)
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal, withChain: false);
        using var caller = _api.WithApiKey(_api.A.CallerKey);

        var response = await caller.PostAsync("/api/v1/sign/pdf", TestPdfs.Form(TestPdfs.Simple(), ("keyId", keyId), ("level", level)));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var signed = await response.Content.ReadAsByteArrayAsync();
        var subCa = X509Certificate2.CreateFromPem(pki.SubCaPem);
        var (cms, content) = SignatureAndContent(signed);
        var decoded = new SignedCms();
        decoded.Decode(cms);
        Assert.Contains(decoded.Certificates, c => c.Thumbprint == subCa.Thumbprint);

        // Offline and with no fetcher: everything the path needs must be in the document itself.
        using var root = X509CertificateLoader.LoadCertificateFromFile(pki.RootPemFile);
        var report = await new PdfSignatureValidator(new PdfValidationOptions { TrustAnchors = [root] }).ValidateAsync(new MemoryStream(signed));
        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(level == "B-LT" ? PadesLevel.BaselineLT : PadesLevel.BaselineLta, report.Signatures[0].Level);
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        AssertOpensslVerifiesFromTheRootAlone(cms, content);
    }

    [Fact]
    public async Task SignCms_WithARegisteredChain_EmbedsIt_AndOpensslVerifiesFromTheRootAlone()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var document = "Công văn số 7/UBND-VP"u8.ToArray();

        var response = await caller.PostAsJsonAsync("/api/v1/sign/cms", new { keyId, data = Convert.ToBase64String(document) });

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var cms = await response.Content.ReadAsByteArrayAsync();
        AssertOpensslVerifiesFromTheRootAlone(cms, document);
    }

    private void AssertOpensslVerifiesFromTheRootAlone(byte[] cms, byte[] content)
    {
        var directory = Directory.CreateTempSubdirectory("signing-chain-").FullName;
        try
        {
            var signature = Path.Combine(directory, "signature.p7s");
            var data = Path.Combine(directory, "content.bin");
            File.WriteAllBytes(signature, cms);
            File.WriteAllBytes(data, content);
            var result = ExternalTool.Run("openssl", "cms", "-verify", "-inform", "DER", "-in", signature, "-content", data, "-binary",
                "-CAfile", pki.RootPemFile, "-purpose", "any", "-out", Path.Combine(directory, "out.bin"));
            Assert.True(result.ExitCode == 0 && result.Combined.Contains("Verification successful", StringComparison.Ordinal),
                $"openssl cms -verify (exit {result.ExitCode}):\n{result.Combined}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The first signature's CMS and the bytes its /ByteRange covers.</summary>
    private static (byte[] Cms, byte[] Content) SignatureAndContent(byte[] pdf)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var rangeStart = text.IndexOf("/ByteRange", StringComparison.Ordinal);
        var open = text.IndexOf('[', rangeStart) + 1;
        var range = text[open..text.IndexOf(']', open)].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var hex = text[(range[1] + 1)..(range[2] - 1)];
        var cms = Convert.FromHexString(hex);
        // /Contents is zero-padded after the DER: keep the DER SEQUENCE's own length.
        var reader = new System.Formats.Asn1.AsnReader(cms, System.Formats.Asn1.AsnEncodingRules.BER);
        var der = reader.PeekEncodedValue().ToArray();
        return (der, [.. pdf.AsSpan(range[0], range[1]), .. pdf.AsSpan(range[2], range[3])]);
    }
}
