using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Auth;
using Signing.Api.Tests.Fixtures;
using Signing.Pki;
using Signing.Pki.DevPki;
using Signing.Storage.Accounts;

namespace Signing.Api.Tests.Features.Auth;

/// <summary>
/// mTLS through real Kestrel: Microsoft.AspNetCore.Authentication.Certificate validates the client certificate chain,
/// our events map it to a principal and check revocation; every refusal is a 401 problem that says why.
/// </summary>
public sealed class ClientCertificateTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-mtls-").FullName;
    private X509Certificate2 _clientCa = null!;
    private DevCertificateAuthority _devPki = null!;
    private DevPkiHttpServer _devPkiServer = null!;
    private ApiFactory _api = null!;
    private Uri _baseAddress = null!;

    public async Task InitializeAsync()
    {
        // Certificates from the dev PKI carry CRL and OCSP pointers to a live responder; the plain test CA's carry none.
        var port = FreePort();
        _devPki = DevCertificateAuthority.Initialize(Path.Combine(_directory, "pki"), DevPkiProfile.Default, new Uri($"http://127.0.0.1:{port}"));
        _devPkiServer = DevPkiHttpServer.Start(new DevPkiResponder(_devPki), port);
        _clientCa = CreateCa("CN=Client CA (TEST), O=Ban Cơ yếu Chính phủ, C=VN");
        var caPath = Path.Combine(_directory, "client-ca.pem");
        await File.WriteAllTextAsync(caPath, string.Join("\n", _clientCa.ExportCertificatePem(), _devPki.Root.ExportCertificatePem(), _devPki.SubCa.ExportCertificatePem()));
        _api = new ApiFactory(new Dictionary<string, string?> { ["Auth:ClientCertificateAuthorities:0"] = caPath });
        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serverCertificate = serverRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serverCertificate, https =>
        {
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.AllowAnyClientCertificate();
        })));
        _api.StartServer();
        await _api.SeedAsync();
        var addresses = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        _baseAddress = new Uri(addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _devPkiServer.DisposeAsync();
        _devPki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RegisteredClientCertificate_Authenticates()
    {
        using var certificate = IssueFromDevPki("CN=portal-mtls, O=ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ, C=VN");
        await RegisterClientAsync(certificate);
        using var client = Client(certificate);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("portal-mtls", me.GetProperty("name").GetString());
        Assert.Equal("client", me.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task ExpiredCertificate_Gets401SayingExpired()
    {
        using var certificate = Issue(_clientCa, "CN=expired", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        await RegisterClientAsync(certificate);
        using var client = Client(certificate);
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UntrustedCertificate_Gets401SayingNotTrusted()
    {
        using var rogueCa = CreateCa("CN=Rogue CA");
        using var certificate = Issue(rogueCa, "CN=rogue", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await RegisterClientAsync(certificate);
        using var client = Client(certificate);
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("does not chain", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnregisteredCertificate_Gets401SayingNotRegistered()
    {
        using var certificate = Issue(_clientCa, "CN=stranger", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var client = Client(certificate);
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("not registered", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PersonCertificate_SignsInWithACookie()
    {
        using var certificate = IssueFromDevPki("CN=Trần Thị Bình, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        var accounts = _api.Services.GetRequiredService<AccountStore>();
        await accounts.CreateUserAsync(_api.A.Agency.Id, "tranthibinh", "Trần Thị Bình", "Phó Chủ tịch", null, ["official"],
            CertificateThumbprint.Sha256Hex(certificate), default);
        using var client = Client(certificate);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/login/certificate", null)).StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("tranthibinh", me.GetProperty("name").GetString());
    }

    [Fact]
    public async Task RevokedCertificate_Gets401SayingRevoked()
    {
        using var certificate = IssueFromDevPki("CN=retired-official, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        _devPki.Revoke(certificate, X509RevocationReason.CessationOfOperation);
        await RegisterClientAsync(certificate);
        using var client = Client(certificate);
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("was revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CertificateWithoutRevocationInformation_IsRefused()
    {
        using var certificate = Issue(_clientCa, "CN=no-pointers", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await RegisterClientAsync(certificate);
        using var client = Client(certificate);
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revocation status could not be determined", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PersonCertificate_AuthenticatesApiCallsDirectly()
    {
        using var certificate = IssueFromDevPki("CN=Lê Văn Cường, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        var accounts = _api.Services.GetRequiredService<AccountStore>();
        await accounts.CreateUserAsync(_api.A.Agency.Id, "levancuong", "Lê Văn Cường", "Chủ tịch", null, ["official"],
            CertificateThumbprint.Sha256Hex(certificate), default);
        using var client = Client(certificate);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("levancuong", me.GetProperty("name").GetString());
        Assert.Equal("user", me.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task SelfSignedCertificate_Gets401SayingNotTrusted()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=self-made", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await RegisterClientAsync(certificate);
        using var client = Client(certificate);
        var problem = await (await client.GetAsync("/api/v1/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("does not chain", problem.GetProperty("detail").GetString());
        Assert.Equal(ClientCertificateAuthentication.SchemeName, problem.GetProperty("scheme").GetString());
    }

    private X509Certificate2 IssueFromDevPki(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var issued = _devPki.IssueFromCsr(request.CreateSigningRequest());
        return issued.CopyWithPrivateKey(key);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RegisterClientAsync(X509Certificate2 certificate)
    {
        var accounts = _api.Services.GetRequiredService<AccountStore>();
        await accounts.CreateClientAsync(_api.A.Agency.Id, certificate.GetNameInfo(X509NameType.SimpleName, false),
            [Roles.Caller], CertificateThumbprint.Sha256Hex(certificate), default);
    }

    private HttpClient Client(X509Certificate2 certificate)
    {
        var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            // The test server's own certificate is self-signed; what is under test is the client side.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            UseCookies = true,
        };
        handler.ClientCertificates.Add(certificate);
        return new HttpClient(handler) { BaseAddress = _baseAddress };
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }
}
