using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Keys;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// The real service on real Kestrel for browser tests: plain HTTP and HTTPS (which accepts, but does not require, a
/// client certificate) on loopback ports, SQLite in a temp directory, the test token and dev PKI of
/// <see cref="TokenPki"/>, and two seeded agencies. The dev PKI's revocation URLs name <c>http://localhost/dev-pki</c>;
/// the service's own HTTP clients are connected to its own HTTP port, where it serves them (Development), as they
/// would be over the network.
/// </summary>
public sealed class WebAppFactory : ApiFactory
{
    private readonly Action<IServiceCollection>? _testServices;
    private int _httpPort;

    /// <summary>Creates the factory; call <see cref="StartAsync"/>.</summary>
    /// <param name="pki">The token and dev PKI.</param>
    /// <param name="clientCertificateAuthorities">A PEM file of CAs whose client certificates the service accepts.</param>
    /// <param name="settings">More configuration keys, e.g. <c>Web:DeskSignerUrl</c>.</param>
    /// <param name="testServices">Replaces services after the service has registered its own (e.g. one that fails on purpose).</param>
    public WebAppFactory(
        TokenPki pki, string clientCertificateAuthorities, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? testServices = null)
        : base(Settings(pki, clientCertificateAuthorities, settings))
        => _testServices = testServices;

    /// <summary>The plain HTTP address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>The HTTPS address, where a browser may present a client certificate.</summary>
    public Uri HttpsAddress { get; private set; } = null!;

    /// <summary>Starts Kestrel and seeds the agencies.</summary>
    public async Task<WebAppFactory> StartAsync()
    {
        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serverCertificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serverCertificate, https =>
            {
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate();
            }));
        });
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        HttpAddress = new Uri(addresses.Single(address => address.StartsWith("http://", StringComparison.Ordinal)) + "/");
        HttpsAddress = new Uri(addresses.Single(address => address.StartsWith("https://", StringComparison.Ordinal)) + "/");
        _httpPort = HttpAddress.Port;
        await SeedAsync();
        return this;
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpClient(KeyRevocationCache.HttpClientName).ConfigurePrimaryHttpMessageHandler(SelfConnectingHandler);
            services.AddHttpClient(nameof(global::Signing.Api.Features.Signing.PdfSignatureService)).ConfigurePrimaryHttpMessageHandler(SelfConnectingHandler);
        });
        if (_testServices is not null)
        {
            builder.ConfigureTestServices(_testServices);
        }
    }

    private SocketsHttpHandler SelfConnectingHandler() => new()
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, _httpPort, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static Dictionary<string, string?> Settings(TokenPki pki, string clientCertificateAuthorities, IReadOnlyDictionary<string, string?>? more)
    {
        var settings = pki.Settings();
        settings["Auth:ClientCertificateAuthorities:0"] = clientCertificateAuthorities;
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
