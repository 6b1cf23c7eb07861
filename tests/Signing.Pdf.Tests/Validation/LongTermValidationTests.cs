using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Pdf.Validation;
using Signing.Pki.Cms;
using Signing.Pki.DevPki;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;
using Signing.Testing;

namespace Signing.Pdf.Tests.Validation;

/// <summary>
/// B-LT and B-LTA: revocation data embedded in a DSS (written here with the incremental writer, as the signing side's
/// DSS support is not on this branch) is used offline, and a later document timestamp archives it.
/// Set SIGNING_PDF_VALIDATION_SAMPLES=DIR to keep the 10-page B-LT sample for `signing verify pdf --repeat`.
/// </summary>
public sealed class LongTermValidationTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly DevCertificateAuthority authority;
    private readonly RSA key = RSA.Create(2048);
    private readonly X509Certificate2 certificate;
    private readonly ITimestampClient tsa;

    public LongTermValidationTests()
    {
        authority = DevCertificateAuthority.Initialize(directory.File("pki"), DevPkiProfile.Default with { Examples = [] }, new Uri("http://127.0.0.1:9"));
        var request = new CertificateRequest("CN=Nguyễn Văn An, O=UBND tỉnh Lâm Đồng, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        certificate = authority.IssueFromCsr(request.CreateSigningRequest());
        tsa = new InProcessTsa(new DevPkiResponder(authority));
    }

    private PdfValidationOptions Offline() => new() { TrustAnchors = [authority.Root] };

    private async Task<byte[]> SignAsync(byte[] input, bool timestamp)
    {
        var cades = new CadesSignOptions { Certificate = certificate, Chain = [authority.SubCa, authority.Root], Timestamper = timestamp ? tsa : null };
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(input), output, new PdfSignatureOptions { ContentsCapacity = 24 * 1024 },
            async (toSign, cancellationToken) => await CadesSigner.SignDetachedAsync(toSign.OpenContent(), key, cades, cancellationToken));
        return output.ToArray();
    }

    private async Task<byte[]> AddDssAsync(byte[] input, bool ocspForSigner = false)
    {
        var reader = PdfReader.Open(new MemoryStream(input));
        var writer = new PdfIncrementalWriter(reader);
        PdfReference Embed(byte[] data) => writer.AddObject(new PdfStream(new PdfDictionary { ["Length"] = new PdfInteger(data.Length) }, data));
        var certs = new PdfArray(new[] { authority.SubCa, authority.Root, authority.Tsa }.Select(c => (PdfObject)Embed(c.RawData)));
        var crls = new PdfArray(Embed(authority.BuildCrl()), Embed(authority.BuildCrl(rootCrl: true)));
        var dssDictionary = new PdfDictionary { ["Type"] = new PdfName("DSS"), ["Certs"] = certs, ["CRLs"] = crls };
        if (ocspForSigner)
        {
            // Only the root's CRL stays, so the signer's status can come from nowhere but the OCSP response.
            dssDictionary["CRLs"] = new PdfArray(Embed(authority.BuildCrl(rootCrl: true)));
            var response = new DevPkiResponder(authority).RespondToOcsp(OcspRequest(certificate, authority.SubCa));
            dssDictionary["OCSPs"] = new PdfArray(Embed(response));
        }

        var dss = writer.AddObject(dssDictionary);
        var catalog = reader.Catalog.Clone();
        catalog["DSS"] = dss;
        writer.SetObject(reader.CatalogReference, catalog);
        using var output = new MemoryStream();
        await writer.WriteToAsync(output);
        return output.ToArray();
    }

    private async Task<byte[]> AddDocumentTimestampAsync(byte[] input)
    {
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(input), output, new PdfSignatureOptions { Format = PdfSignatureFormat.DocumentTimestamp, ContentsCapacity = 16 * 1024 },
            async (toSign, cancellationToken) => (await tsa.TimestampHashAsync(toSign.Digest, toSign.DigestAlgorithm, cancellationToken)).AsSignedCms().Encode());
        return output.ToArray();
    }

    [Fact]
    public async Task TenPages_BT_PlusDss_IsBLT_ValidatedOfflineFromTheDss()
    {
        var document = await AddDssAsync(await SignAsync(TestDocuments.FromCairo(10), timestamp: true));
        if (Environment.GetEnvironmentVariable("SIGNING_PDF_VALIDATION_SAMPLES") is { Length: > 0 } samples)
        {
            await File.WriteAllBytesAsync(Path.Combine(samples, "ten-pages-b-lt.pdf"), document);
            await File.WriteAllTextAsync(Path.Combine(samples, "ten-pages-b-lt-root.pem"), authority.Root.ExportCertificatePem());
        }

        var report = await new PdfSignatureValidator(Offline()).ValidateAsync(new MemoryStream(document));

        var signature = Assert.Single(report.Signatures);
        Assert.True(signature.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(PadesLevel.BaselineLT, signature.Level);
        Assert.Contains(signature.Validation.Checks, c => c.Name.StartsWith("revocation", StringComparison.Ordinal) && c.Outcome == CheckOutcome.Passed && c.Detail.Contains("CRL in the DSS", StringComparison.Ordinal));
        var path = directory.File("b-lt.pdf");
        await File.WriteAllBytesAsync(path, document);
        SignedPdfAssert.AllSignaturesValid(path, 1);
        Assert.Contains(signature.Modifications, m => m.Allowed && m.Description.Contains("/DSS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DocumentTimestampOverDss_IsBLTA()
    {
        var document = await AddDocumentTimestampAsync(await AddDssAsync(await SignAsync(TestDocuments.FromCairo(1), timestamp: true)));

        var report = await new PdfSignatureValidator(Offline()).ValidateAsync(new MemoryStream(document));

        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(PadesLevel.BaselineLta, report.Signatures[0].Level);
        Assert.Equal(PdfSignatureKind.DocumentTimestamp, report.Signatures[1].Kind);
    }

    [Fact]
    public async Task SignerRevokedPerDss_WithoutTimestamp_IsRevokedNoPoe()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1), timestamp: false);
        authority.Revoke(certificate, X509RevocationReason.KeyCompromise);
        var document = await AddDssAsync(signed);

        var report = await new PdfSignatureValidator(Offline()).ValidateAsync(new MemoryStream(document));

        Assert.Equal(Indication.Indeterminate, report.Signatures[0].Indication);
        Assert.Equal(SubIndication.RevokedNoPoe, report.Signatures[0].SubIndication);
    }

    [Fact]
    public async Task PageContentChangedAfterDss_IsTotalFailedWithThePageNamed()
    {
        var document = await AddDssAsync(await SignAsync(TestDocuments.FromCairo(2), timestamp: false));
        var reader = PdfReader.Open(new MemoryStream(document));
        var writer = new PdfIncrementalWriter(reader);
        var page = reader.GetPageReferences()[1];
        var replaced = reader.ResolveDictionary(page, "page").Clone();
        var text = "BT /F1 12 Tf 72 72 Td (Sua sau khi ky) Tj ET"u8.ToArray();
        replaced["Contents"] = writer.AddObject(new PdfStream(new PdfDictionary { ["Length"] = new PdfInteger(text.Length) }, text));
        writer.SetObject(page, replaced);
        using var output = new MemoryStream();
        await writer.WriteToAsync(output);

        var report = await new PdfSignatureValidator(Offline()).ValidateAsync(new MemoryStream(output.ToArray()));

        var signature = Assert.Single(report.Signatures);
        Assert.Equal(Indication.TotalFailed, signature.Indication);
        var change = Assert.Single(signature.Modifications, m => !m.Allowed);
        Assert.Equal(page.ObjectNumber, change.ObjectNumber);
        Assert.Equal(2, change.Page);
        Assert.Contains("/Contents", change.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OcspResponseInDss_IsUsedOfflineForTheSigner()
    {
        var document = await AddDssAsync(await SignAsync(TestDocuments.FromCairo(1), timestamp: true), ocspForSigner: true);

        var report = await new PdfSignatureValidator(Offline()).ValidateAsync(new MemoryStream(document));

        var signature = Assert.Single(report.Signatures);
        Assert.True(signature.Indication == Indication.TotalPassed, report.ToJson());
        Assert.True(signature.Level == PadesLevel.BaselineLT, report.ToJson());
        Assert.Contains(signature.Validation.Checks, c => c.Outcome == CheckOutcome.Passed && c.Detail.Contains("good per OCSP response in the DSS", StringComparison.Ordinal));
        Assert.Contains(signature.Modifications, m => m.Description.Contains("validation data in the DSS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutDss_OnlineOcspOfTheDevPki_IsAsked()
    {
        var port = FreePort();
        using var online = DevCertificateAuthority.Initialize(directory.File("online-pki"), DevPkiProfile.Default with { Examples = [] }, new Uri($"http://127.0.0.1:{port}"));
        using var signerKey = RSA.Create(2048);
        using var signer = online.IssueFromCsr(new CertificateRequest("CN=Trần Thị Bình, C=VN", signerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest());
        await using var server = DevPkiHttpServer.Start(new DevPkiResponder(online), port);
        var cades = new CadesSignOptions { Certificate = signer, Chain = [online.SubCa, online.Root] };
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(TestDocuments.FromCairo(1)), output, new PdfSignatureOptions { ContentsCapacity = 16 * 1024 },
            async (toSign, cancellationToken) => await CadesSigner.SignDetachedAsync(toSign.OpenContent(), signerKey, cades, cancellationToken));
        using var http = new HttpClient();

        // A fresh checker each time: the OCSP client caches answers until their nextUpdate.
        PdfValidationOptions Options() => new() { TrustAnchors = [online.Root], OnlineRevocation = Signing.Pki.Revocation.RevocationChecker.Create(http) };

        var good = await new PdfSignatureValidator(Options()).ValidateAsync(new MemoryStream(output.ToArray()));
        online.Revoke(signer, X509RevocationReason.KeyCompromise);
        var revoked = await new PdfSignatureValidator(Options()).ValidateAsync(new MemoryStream(output.ToArray()));

        Assert.True(good.Indication == Indication.TotalPassed, good.ToJson());
        Assert.Contains(good.Signatures[0].Validation.Checks, c => c.Outcome == CheckOutcome.Passed && c.Detail.Contains("OCSP", StringComparison.Ordinal));
        Assert.Equal(SubIndication.RevokedNoPoe, revoked.Signatures[0].SubIndication);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
    /// TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
    ///                           requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
    /// Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
    /// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
    ///                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }   -- RFC 6960
    /// </summary>
    private static byte[] OcspRequest(X509Certificate2 subject, X509Certificate2 issuer)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.14.3.2.26");
                writer.WriteNull();
            }

            writer.WriteOctetString(SHA1.HashData(issuer.SubjectName.RawData));
            writer.WriteOctetString(SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData));
            writer.WriteInteger(subject.SerialNumberBytes.Span);
        }

        return writer.Encode();
    }

    public void Dispose()
    {
        authority.Dispose();
        key.Dispose();
        certificate.Dispose();
        directory.Dispose();
    }

    private sealed class InProcessTsa(DevPkiResponder responder) : ITimestampClient
    {
        public Task<Rfc3161TimestampToken> TimestampHashAsync(ReadOnlyMemory<byte> hash, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken)
        {
            var request = Rfc3161TimestampRequest.CreateFromHash(hash, hashAlgorithm, requestSignerCertificates: true, nonce: RandomNumberGenerator.GetBytes(8));
            return Task.FromResult(request.ProcessResponse(responder.RespondToTimestampQuery(request.Encode()), out _));
        }
    }
}
