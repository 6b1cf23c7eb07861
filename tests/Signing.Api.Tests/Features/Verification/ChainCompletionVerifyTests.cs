using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Signing;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Signatures;
using Signing.Pki.DevPki;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Verification;

/// <summary>
/// <c>POST /api/v1/verify/pdf</c> and <c>/verify/cms</c> on signatures that carry only their signer's certificate, with a
/// dev PKI served over HTTP on loopback: online (the default) the service reaches the intermediate through the AIA
/// caIssuers URL; offline (<c>Verification:CheckRevocation=false</c>) it sends no request there and reports the chain
/// missing. Each test has a PKI on a port of its own, so the fetcher's process-wide cache cannot answer for the network.
/// </summary>
public sealed class ChainCompletionVerifyTests : IAsyncLifetime
{
    private static readonly byte[] Content = "Tờ trình số 3/TTr-UBND"u8.ToArray();
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-verify-aia-").FullName;
    private readonly ConcurrentQueue<Uri> _caIssuerRequests = new();
    private DevCertificateAuthority _pki = null!;
    private DevPkiHttpServer _server = null!;
    private byte[] _leafOnlyPdf = [];
    private byte[] _leafOnlyCms = [];

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _pki = DevCertificateAuthority.Initialize(Path.Combine(_directory, "pki"), DevPkiProfile.Default, new Uri($"http://127.0.0.1:{port}"));
        _server = DevPkiHttpServer.Start(new DevPkiResponder(_pki), port);

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Trần Thị Bình, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = _pki.IssueFromCsr(request.CreateSigningRequest());
        using var output = new MemoryStream();
        await PadesSigner.SignAsync(new MemoryStream(ClassicPdfBuilder.SimpleDocument(1)), output, key, new PadesSignOptions
        {
            Certificate = certificate,
            Chain = [],
        });
        _leafOnlyPdf = output.ToArray();

        var cms = new SignedCms(new ContentInfo(Content), detached: true);
        cms.ComputeSignature(new CmsSigner(certificate.CopyWithPrivateKey(key)) { IncludeOption = X509IncludeOption.EndCertOnly });
        _leafOnlyCms = cms.Encode();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Online_VerifyPdf_ReachesTheIntermediateThroughAia()
    {
        await using var api = await StartAsync(online: true);
        using var caller = api.WithApiKey(api.A.CallerKey);

        var report = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/pdf", Pdf(_leafOnlyPdf)));

        Assert.True(report.GetProperty("indication").GetString() == "TOTAL_PASSED", report.ToString());
        var checks = Assert.Single(report.GetProperty("signatures").EnumerateArray()).GetProperty("validation").GetProperty("checks");
        var fetch = Assert.Single(checks.EnumerateArray(), c => c.GetProperty("name").GetString() == "certificate-fetch");
        Assert.Contains(_pki.SubCa.Subject, fetch.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(_caIssuerRequests, uri => uri.AbsolutePath == "/ca.cer");
    }

    [Fact]
    public async Task Online_VerifyCms_ReachesTheIntermediateThroughAia()
    {
        await using var api = await StartAsync(online: true);
        using var caller = api.WithApiKey(api.A.CallerKey);

        var report = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/cms", CmsForm(_leafOnlyCms, Content)));

        Assert.True(report.GetProperty("indication").GetString() == "TOTAL_PASSED", report.ToString());
        Assert.Contains(report.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "certificate-fetch");
        Assert.Contains(_caIssuerRequests, uri => uri.AbsolutePath == "/ca.cer");
    }

    [Fact]
    public async Task Offline_VerifyPdfAndCms_FetchNothing_AndReportTheChainMissing()
    {
        await using var api = await StartAsync(online: false);
        using var caller = api.WithApiKey(api.A.CallerKey);

        var pdfReport = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/pdf", Pdf(_leafOnlyPdf)));
        var cmsReport = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/cms", CmsForm(_leafOnlyCms, Content)));

        var signature = Assert.Single(pdfReport.GetProperty("signatures").EnumerateArray());
        Assert.Equal("NO_CERTIFICATE_CHAIN_FOUND", signature.GetProperty("subIndication").GetString());
        Assert.Equal("NO_CERTIFICATE_CHAIN_FOUND", cmsReport.GetProperty("subIndication").GetString());
        Assert.DoesNotContain("certificate-fetch", pdfReport.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("certificate-fetch", cmsReport.ToString(), StringComparison.Ordinal);
        Assert.Empty(_caIssuerRequests);
    }

    private async Task<ApiFactory> StartAsync(bool online)
    {
        var api = new CountingFactory(new Dictionary<string, string?>
        {
            ["Verification:TrustAnchorsFile"] = Path.Combine(_directory, "pki", "root.pem"),
            ["Verification:CheckRevocation"] = online ? "true" : "false",
        }, _caIssuerRequests);
        await api.SeedAsync();
        return api;
    }

    private static ByteArrayContent Pdf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }

    private static MultipartFormDataContent CmsForm(byte[] cms, byte[] content) => new()
    {
        { new ByteArrayContent(cms), "file", "signature.p7s" },
        { new ByteArrayContent(content), "content", "content.txt" },
    };

    private static async Task<JsonElement> ReadReportAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service with its caIssuers HTTP client noting each request it sends (then sending it on as usual).</summary>
    private sealed class CountingFactory(IDictionary<string, string?> settings, ConcurrentQueue<Uri> requests) : ApiFactory(settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
                services.AddHttpClient(SigningSetup.CaIssuersHttpClientName).AddHttpMessageHandler(() => new Counting(requests)));
        }
    }

    private sealed class Counting(ConcurrentQueue<Uri> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
