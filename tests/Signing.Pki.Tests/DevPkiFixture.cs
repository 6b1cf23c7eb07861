using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Pki.Tests;

/// <summary>An ephemeral dev PKI in a temp directory, served over HTTP on a free port.</summary>
public sealed class DevPkiFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "signing-pki-tests-" + Guid.NewGuid().ToString("N"));

    public DevCertificateAuthority Authority { get; private set; } = null!;

    public DevPkiHttpServer Server { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public Uri BaseUrl => Server.BaseUrl;

    public string RootPem => Path.Combine(Directory, "root.pem");

    public string CaPem => Path.Combine(Directory, "ca.pem");

    public string ChainPem => Path.Combine(Directory, "chain.pem");

    public async Task InitializeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            try
            {
                if (System.IO.Directory.Exists(Directory))
                {
                    System.IO.Directory.Delete(Directory, true);
                }

                Authority = DevCertificateAuthority.Initialize(Directory, DevPkiProfile.Default, new Uri($"http://127.0.0.1:{port}"));
                Server = DevPkiHttpServer.Start(new DevPkiResponder(Authority), port);
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                Authority?.Dispose();
            }
        }

        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Authority.Dispose();
        Http.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>A port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Issues a fresh end-entity certificate through the CSR path and returns it with its key.</summary>
    public X509Certificate2 IssueFresh(string commonName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            DevPkiProfile.ParseSubject($"CN={commonName}, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ TÂN HIỆP, L=An Giang, C=VN, E=test@example.gov.vn"),
            key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = Authority.IssueFromCsr(request.CreateSigningRequest());
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <paramref name="certificate"/> (and its key, if any) to PEM files in a fresh temp subdirectory.</summary>
    public (string CertPath, string KeyPath) WritePem(X509Certificate2 certificate, string name)
    {
        var dir = Path.Combine(Directory, "work-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var certPath = Path.Combine(dir, name + ".pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        var keyPath = Path.Combine(dir, name + ".key.pem");
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is not null)
        {
            File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        }

        return (certPath, keyPath);
    }

    public string WorkFile(string name, byte[] content)
    {
        var dir = Path.Combine(Directory, "work-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public X509Certificate2Collection Anchors => [Authority.Root];

    /// <summary>A verifier with fresh (uncached) revocation clients against this PKI.</summary>
    public CmsSignatureVerifier Verifier(bool online = true) =>
        new(new CertificatePathValidator(Anchors, online ? RevocationChecker.Create(Http) : null));
}

[CollectionDefinition(Name)]
public sealed class DevPkiCollection : ICollectionFixture<DevPkiFixture>
{
    public const string Name = "dev PKI";
}
