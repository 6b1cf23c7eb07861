using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Keys;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Csc;

/// <summary>
/// <c>signing sign pdf --csc</c> as a child process against the real service on a loopback port (Kestrel): the official
/// signs in, the CLI prepares the PDF, the service signs the hash on SoftHSM2 through CSC, and pdfsig, qpdf and our
/// own verifier check the result; a wrong PIN or password ends with exit 1 and one clear line.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class CscCliTests(TokenPki pki) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private KestrelSigningApi _api = null!;
    private Uri _service = null!;
    private string _credentialId = null!;
    private string _pin = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _service = new Uri($"http://127.0.0.1:{port}");
        _api = new KestrelSigningApi(pki, port);
        _api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        _api.StartServer();
        await _api.SeedAsync();

        using var admin = await SignInAsync(_api.A.Admin.Username);
        var registered = await admin.PostAsJsonAsync("/api/v1/keys", new
        {
            purpose = "official",
            location = "pkcs11",
            pkcs11Uri = pki.Official.Uri,
            certificatePem = pki.Official.CertificatePem,
            chainPem = pki.SubCaPem,
            ownerUserId = _api.A.Official.Id,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        _credentialId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        _pin = ApiFactory.RandomPassword(10);
        using var official = await SignInAsync(_api.A.Official.Username);
        (await official.PutAsJsonAsync("/api/v1/me/signing-credential/pin", new { password = ApiFactory.Password, pin = _pin })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task SignPdfViaCsc_BT_Visible_PdfsigValid_QpdfClean_OurVerifierPasses()
    {
        var input = _directory.File("công-văn.pdf");
        await File.WriteAllBytesAsync(input, TestPdfs.Simple());
        var output = _directory.File("signed.pdf");

        var run = RunCli(ApiFactory.Password, _pin,
            "sign", "pdf", input, output, "--csc", _service.ToString(), "--credential", _credentialId, "--user", _api.A.Official.Username,
            "--level", "B-T", "--tsa", new Uri(_service, "/dev-pki/tsa").ToString(),
            "--rect", "300,100,200,80", "--line", "Nguyễn Văn An", "--line", "Chủ tịch", "--reason", "Phê duyệt", "--location", "Phú Thọ");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains("via CSC", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("at B-T", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn An", run.Stdout, StringComparison.Ordinal);
        var pdfsig = ExternalTool.Pdfsig(output).Combined;
        Assert.True(pdfsig.Contains("Signature Validation: Signature is Valid.", StringComparison.Ordinal)
            && pdfsig.Contains("Signer Certificate Common Name: Nguyễn Văn An", StringComparison.Ordinal), pdfsig);
        Assert.Contains("No syntax or stream encoding errors found", ExternalTool.QpdfCheck(output).Combined, StringComparison.Ordinal);

        using var caller = new HttpClient { BaseAddress = _service };
        caller.DefaultRequestHeaders.Add("X-Api-Key", _api.A.CallerKey);
        var report = await (await caller.PostAsync("/api/v1/verify/pdf", TestPdfs.Raw(await File.ReadAllBytesAsync(output)))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(report.GetProperty("indication").GetString() == "TOTAL_PASSED", report.ToString());
    }

    [Fact]
    public async Task SignPdfViaCsc_BLta_AddsDssAndDocumentTimestampLocally_PdfsigValid_OurVerifierPasses()
    {
        var input = _directory.File("lta-input.pdf");
        await File.WriteAllBytesAsync(input, TestPdfs.Simple());
        var output = _directory.File("signed-lta.pdf");

        // The dev PKI's certificates point at http://localhost/dev-pki (port 80): the CLI reaches them, and the service,
        // through the service itself as its HTTP proxy, which serves absolute-form requests like any other.
        var run = RunCli(ApiFactory.Password, _pin, ThroughService(),
            "sign", "pdf", input, output, "--csc", _service.ToString(), "--credential", _credentialId, "--user", _api.A.Official.Username,
            "--level", "B-LTA", "--tsa", "http://localhost/dev-pki/tsa", "--chain", pki.RootPemFile);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains("at B-LTA via CSC", run.Stdout, StringComparison.Ordinal);
        var pdfsig = ExternalTool.Pdfsig(output).Combined;
        Assert.True(pdfsig.Contains("Signature Validation: Signature is Valid.", StringComparison.Ordinal), pdfsig);
        Assert.Contains("No syntax or stream encoding errors found", ExternalTool.QpdfCheck(output).Combined, StringComparison.Ordinal);
        var bytes = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(output));
        Assert.Contains("/DSS", bytes, StringComparison.Ordinal);
        Assert.Contains("/ETSI.RFC3161", bytes, StringComparison.Ordinal);

        using var caller = new HttpClient { BaseAddress = _service };
        caller.DefaultRequestHeaders.Add("X-Api-Key", _api.A.CallerKey);
        var report = await (await caller.PostAsync("/api/v1/verify/pdf", TestPdfs.Raw(await File.ReadAllBytesAsync(output)))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(report.GetProperty("indication").GetString() == "TOTAL_PASSED", report.ToString());
    }

    [Fact]
    public void WrongPin_Exit1_NamesAuthorizeAndInvalidPin_LeavesNoOutput_NeverEchoesThePin()
    {
        var output = _directory.File("wrong-pin.pdf");
        var wrongPin = "0000" + _pin;
        var run = RunCli(ApiFactory.Password, wrongPin, SignArguments(output));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("signing sign pdf: credentials/authorize refused: invalid_request: Invalid PIN", run.Stderr.Trim());
        Assert.DoesNotContain(wrongPin, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "a refused signature must not leave the prepared placeholder as OUT");
    }

    [Fact]
    public void WrongPassword_Exit1_NamesLogin401_NeverEchoesThePassword()
    {
        var wrongPassword = "not-" + ApiFactory.Password;
        var run = RunCli(wrongPassword, _pin, SignArguments(_directory.File("wrong-password.pdf")));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("signing sign pdf: auth/login refused: 401 Unauthorized: ", line, StringComparison.Ordinal);
        Assert.Contains("password is incorrect", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCredential_Exit1_NamesCredentialsInfo()
    {
        var arguments = SignArguments(_directory.File("unknown.pdf"));
        arguments[Array.IndexOf(arguments, _credentialId)] = "no-such-key";
        var run = RunCli(ApiFactory.Password, _pin, arguments);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("signing sign pdf: credentials/info refused: invalid_request: Invalid parameter credentialID", run.Stderr.Trim());
    }

    [Fact]
    public void ServiceNotListening_Exit1_NamesLoginAndTheAddress()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePort()}");
        var arguments = SignArguments(_directory.File("offline.pdf"));
        arguments[Array.IndexOf(arguments, _service.ToString())] = closed.ToString();
        var run = RunCli(ApiFactory.Password, _pin, arguments);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"signing sign pdf: auth/login failed: {closed}api/v1/auth/login: ", line, StringComparison.Ordinal);
        Assert.Contains("refused", line, StringComparison.OrdinalIgnoreCase);
    }

    private string[] SignArguments(string output)
    {
        var input = _directory.File("input.pdf");
        File.WriteAllBytes(input, TestPdfs.Simple());
        return ["sign", "pdf", input, output, "--csc", _service.ToString(), "--credential", _credentialId, "--user", _api.A.Official.Username];
    }

    private async Task<HttpClient> SignInAsync(string username)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = _service };
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = ApiFactory.Password })).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>.NET reads the lower-case variables first, so both spellings are set over whatever the test runner has.</summary>
    private Dictionary<string, string> ThroughService() => new()
    {
        ["http_proxy"] = _service.ToString(),
        ["HTTP_PROXY"] = _service.ToString(),
        ["no_proxy"] = "",
        ["NO_PROXY"] = "",
    };

    private static (int ExitCode, string Stdout, string Stderr) RunCli(string password, string pin, params string[] arguments)
        => RunCli(password, pin, new Dictionary<string, string>(), arguments);

    private static (int ExitCode, string Stdout, string Stderr) RunCli(
        string password, string pin, Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "signing.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SIGNING_PASSWORD"] = password;
        start.Environment["SIGNING_PIN"] = pin;
        foreach (var proxy in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            start.Environment.Remove(proxy);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet signing.dll'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"signing {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The service on the test token and dev PKI, served by Kestrel on <paramref name="port"/>. The dev PKI's certificates point
    /// at http://localhost/dev-pki (port 80), so the service's own revocation requests are connected to this port instead.
    /// </summary>
    private sealed class KestrelSigningApi(TokenPki pki, int port) : ApiFactory(pki.Settings())
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddHttpClient(KeyRevocationCache.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            }));
        }
    }
}
