using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Signatures;
using Signing.Pki.DevPki;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Verification;

/// <summary><c>POST /api/v1/verify/pdf</c> through the real pipeline, with a live dev PKI answering OCSP.</summary>
public sealed class VerifyPdfTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-verify-pdf-").FullName;
    private DevCertificateAuthority _pki = null!;
    private DevPkiHttpServer _server = null!;
    private ApiFactory _api = null!;
    private byte[] _signed = [];

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _pki = DevCertificateAuthority.Initialize(Path.Combine(_directory, "pki"), DevPkiProfile.Default, new Uri($"http://127.0.0.1:{port}"));
        _server = DevPkiHttpServer.Start(new DevPkiResponder(_pki), port);
        _api = await new ApiFactory(new Dictionary<string, string?>
        {
            ["Verification:TrustAnchorsFile"] = Path.Combine(_directory, "pki", "root.pem"),
        }).SeedAsync();

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Nguyễn Văn An, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = _pki.IssueFromCsr(request.CreateSigningRequest());
        using var output = new MemoryStream();
        await PadesSigner.SignAsync(new MemoryStream(MinimalPdf()), output, key, new PadesSignOptions
        {
            Certificate = certificate,
            Chain = [_pki.SubCa],
        });
        _signed = output.ToArray();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _server.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SignedPdf_IsTotalPassed_AsMultipartAndRawBody()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(_signed), "file", "văn-bản.pdf" } };
        var multipart = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/pdf", form));
        Assert.Equal("TOTAL_PASSED", multipart.GetProperty("indication").GetString());
        var signature = Assert.Single(multipart.GetProperty("signatures").EnumerateArray());
        Assert.Equal("B-B", signature.GetProperty("level").GetString());
        Assert.Equal("ENTIRE_FILE", signature.GetProperty("coverage").GetString());

        var raw = new ByteArrayContent(_signed);
        raw.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var rawReport = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/pdf", raw));
        Assert.Equal("TOTAL_PASSED", rawReport.GetProperty("indication").GetString());
    }

    [Fact]
    public async Task OneFlippedByte_IsTotalFailed_AndMalformedIsReportedNot500()
    {
        var tampered = (byte[])_signed.Clone();
        tampered[tampered.Length / 3] ^= 0x01;
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var report = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/pdf", Pdf(tampered)));
        Assert.Equal("TOTAL_FAILED", report.GetProperty("indication").GetString());

        var malformed = await ReadReportAsync(await caller.PostAsync("/api/v1/verify/pdf", Pdf("%PDF-1.7\nnot a pdf"u8.ToArray())));
        Assert.Equal("TOTAL_FAILED", malformed.GetProperty("indication").GetString());
        Assert.False(string.IsNullOrEmpty(malformed.GetProperty("formatProblem").GetString()));
    }

    [Fact]
    public async Task FormatPdf_ReturnsAReadableVietnameseReport()
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var response = await caller.PostAsync("/api/v1/verify/pdf?format=pdf", Pdf(_signed));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(_directory, "report.pdf");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        var extracted = ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-");
        Assert.True(extracted.ExitCode == 0, extracted.Combined);
        var text = extracted.StandardOutput;
        Assert.Contains("BÁO CÁO KIỂM TRA CHỮ KÝ SỐ", text, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn An", text, StringComparison.Ordinal);
        Assert.Contains("TOTAL_PASSED", text, StringComparison.Ordinal);
        await (await caller.PostAsync("/api/v1/verify/pdf?format=docx", Pdf(_signed))).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Anonymous_Gets401_EmptyBody_Gets400()
    {
        using var anonymous = _api.CreateClient();
        await (await anonymous.PostAsync("/api/v1/verify/pdf", Pdf(_signed))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        await (await caller.PostAsync("/api/v1/verify/pdf", Pdf([]))).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static ByteArrayContent Pdf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }

    private static async Task<JsonElement> ReadReportAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static byte[] MinimalPdf()
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        };
        var pdf = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        offsets.ForEach(offset => pdf.Append($"{offset:D10} 00000 n \n"));
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
