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
/// Expired certificates with and without proof of existence: a dev PKI created in 2020 (back-dated clock) issues a
/// one-year signer certificate; the dev TSA answers with a back-dated clock, so tokens say 2020 or 2022.
/// </summary>
public sealed class TimestampedValidationTests : IDisposable
{
    private static readonly DateTimeOffset PkiCreated = new(2020, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset BeforeExpiry = new(2020, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AfterExpiry = new(2022, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory directory = new();
    private readonly DevCertificateAuthority authority;
    private readonly RSA key = RSA.Create(2048);
    private readonly X509Certificate2 certificate;

    public TimestampedValidationTests()
    {
        var clock = new FixedClock(PkiCreated);
        authority = DevCertificateAuthority.Initialize(directory.File("pki"), DevPkiProfile.Default with { Examples = [], EndEntityValidityYears = 1 }, new Uri("http://127.0.0.1:9"), clock);
        var request = new CertificateRequest("CN=Phạm Hết Hạn, O=UBND tỉnh Lâm Đồng, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        certificate = authority.IssueFromCsr(request.CreateSigningRequest(), clock);
    }

    private PdfValidationOptions Options() => new() { TrustAnchors = [authority.Root] };

    private ITimestampClient TsaAt(DateTimeOffset time) => new InProcessTsa(new DevPkiResponder(authority, new FixedClock(time)));

    private async Task<byte[]> SignAsync(byte[] input, ITimestampClient? signatureTimestamp)
    {
        var cades = new CadesSignOptions { Certificate = certificate, Chain = [authority.SubCa, authority.Root], Timestamper = signatureTimestamp };
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(input), output, new PdfSignatureOptions { ContentsCapacity = 24 * 1024 },
            async (toSign, cancellationToken) => await CadesSigner.SignDetachedAsync(toSign.OpenContent(), key, cades, cancellationToken));
        return output.ToArray();
    }

    private static async Task<byte[]> AddDocumentTimestampAsync(byte[] input, ITimestampClient tsa)
    {
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(input), output, new PdfSignatureOptions { Format = PdfSignatureFormat.DocumentTimestamp, ContentsCapacity = 16 * 1024 },
            async (toSign, cancellationToken) => (await tsa.TimestampHashAsync(toSign.Digest, toSign.DigestAlgorithm, cancellationToken)).AsSignedCms().Encode());
        return output.ToArray();
    }

    private async Task<PdfValidationReport> ValidateAsync(byte[] pdf) => await new PdfSignatureValidator(Options()).ValidateAsync(new MemoryStream(pdf));

    [Fact]
    public async Task ExpiredCertificate_WithSignatureTimestampBeforeExpiry_IsTotalPassedAtBT()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1), TsaAt(BeforeExpiry));

        var report = await ValidateAsync(signed);

        var signature = Assert.Single(report.Signatures);
        Assert.True(signature.Indication == Indication.TotalPassed, report.ToJson());
        Assert.Equal(BeforeExpiry, signature.Validation.TimestampTime);
        Assert.Equal(PadesLevel.BaselineT, signature.Level);
        Assert.Contains(signature.Validation.Checks, c => c.Name == "validity-period" && c.Detail.Contains("expired now", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredCertificate_WithoutTimestamp_IsOutOfBoundsNoPoe()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1), null);

        var report = await ValidateAsync(signed);

        Assert.Equal(Indication.Indeterminate, report.Signatures[0].Indication);
        Assert.Equal(SubIndication.OutOfBoundsNoPoe, report.Signatures[0].SubIndication);
    }

    [Fact]
    public async Task ExpiredCertificate_WithTimestampAfterExpiry_IsOutOfBoundsNoPoe()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1), TsaAt(AfterExpiry));

        var report = await ValidateAsync(signed);

        Assert.Equal(SubIndication.OutOfBoundsNoPoe, report.Signatures[0].SubIndication);
    }

    [Fact]
    public async Task DocumentTimestampBeforeExpiry_IsProofOfExistence_AndIsValidatedItself()
    {
        var signed = await SignAsync(TestDocuments.FromCairo(1), null);
        var stamped = await AddDocumentTimestampAsync(signed, TsaAt(BeforeExpiry));

        var report = await ValidateAsync(stamped);

        Assert.Equal(2, report.Signatures.Count);
        Assert.True(report.Indication == Indication.TotalPassed, report.ToJson());
        var timestamp = report.Signatures[1];
        Assert.Equal(PdfSignatureKind.DocumentTimestamp, timestamp.Kind);
        Assert.Equal("ETSI.RFC3161", timestamp.SubFilter);
        Assert.Equal(BeforeExpiry, timestamp.Validation.TimestampTime);
        Assert.Equal(ByteRangeCoverage.EntireRevision, report.Signatures[0].Coverage);
        Assert.All(report.Signatures[0].Modifications, m => Assert.True(m.Allowed, m.Description));
        Assert.Equal(BeforeExpiry, report.Signatures[0].Validation.TimestampTime);
    }

    [Fact]
    public async Task DocumentTimestamp_OverTamperedRevision_IsHashFailure()
    {
        var stamped = await AddDocumentTimestampAsync(TestDocuments.FromCairo(1), TsaAt(BeforeExpiry));
        stamped[20] ^= 0x01;

        var report = await ValidateAsync(stamped);

        Assert.Equal(Indication.TotalFailed, report.Indication);
    }

    public void Dispose()
    {
        authority.Dispose();
        key.Dispose();
        certificate.Dispose();
        directory.Dispose();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>The dev TSA called in process: same bytes as over HTTP, without a listener.</summary>
    private sealed class InProcessTsa(DevPkiResponder responder) : ITimestampClient
    {
        public Task<Rfc3161TimestampToken> TimestampHashAsync(ReadOnlyMemory<byte> hash, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken)
        {
            var request = Rfc3161TimestampRequest.CreateFromHash(hash, hashAlgorithm, requestSignerCertificates: true, nonce: RandomNumberGenerator.GetBytes(8));
            return Task.FromResult(request.ProcessResponse(responder.RespondToTimestampQuery(request.Encode()), out _));
        }
    }
}
