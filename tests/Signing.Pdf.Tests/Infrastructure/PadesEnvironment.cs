using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Signatures;
using Signing.Pkcs11;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Testing;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>All PAdES tests share one ephemeral dev PKI served over HTTP and one SoftHSM2 token (one per process).</summary>
[CollectionDefinition(Name)]
public sealed class PadesCollection : ICollectionFixture<PadesEnvironment>
{
    public const string Name = "PAdES";
}

/// <summary>
/// A dev PKI (root, sub-CA, TSA, OCSP) in a temp directory served by <see cref="DevPkiHttpServer"/> on a free port, software
/// signers issued by it (an RSA official, an ECDSA agency seal), and an RSA-2048 key on a throw-away SoftHSM2 token.
/// </summary>
public sealed class PadesEnvironment : IAsyncLifetime
{
    private readonly TempDirectory directory = new();
    private DevPkiHttpServer? server;

    public DevCertificateAuthority Authority { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public ITimestampClient Tsa { get; private set; } = null!;

    public RevocationChecker Revocation { get; private set; } = null!;

    public Uri TsaUrl { get; private set; } = null!;

    public (X509Certificate2 Certificate, RSA Key) Official { get; private set; }

    public (X509Certificate2 Certificate, ECDsa Key) Seal { get; private set; }

    public SoftHsmToken Hsm { get; private set; } = null!;

    public string TokenKeyUri { get; private set; } = "";

    public X509Certificate2 TokenCertificate { get; private set; } = null!;

    public X509Certificate2Collection Chain => [Authority.SubCa, Authority.Root];

    public string RootPem => directory.File("pki/root.pem");

    public async Task InitializeAsync()
    {
        var port = FreePort();
        Authority = DevCertificateAuthority.Initialize(directory.File("pki"), DevPkiProfile.Default, new Uri($"http://127.0.0.1:{port}"));
        server = DevPkiHttpServer.Start(new DevPkiResponder(Authority), port);
        TsaUrl = new Uri(server.BaseUrl, "tsa");
        Tsa = new HttpTimestampClient(Http, TsaUrl);
        Revocation = RevocationChecker.Create(Http);

        var officialKey = RSA.Create(2048);
        Official = (Issue(officialKey, "CN=Nguyễn Văn An, OU=Văn phòng, O=UBND xã Hòa Bình, L=Lâm Đồng, C=VN"), officialKey);
        var sealKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Seal = (Issue(sealKey, "CN=Ủy ban nhân dân xã Hòa Bình, O=UBND tỉnh Lâm Đồng, L=Lâm Đồng, C=VN"), sealKey);

        Hsm = new SoftHsmToken();
        var token = Hsm.Module.OpenToken(Hsm.TokenLabel);
        token.Login(Hsm.UserPin);
        var generated = token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, "pades-official");
        var tokenKey = token.OpenPrivateKey(generated.Uri);
        using (var bridge = tokenKey.CreateAsymmetricAlgorithm())
        {
            TokenCertificate = Issue(bridge, "CN=Trần Thị Bình, OU=Văn thư, O=UBND xã Hòa Bình, L=Lâm Đồng, C=VN");
        }

        token.ImportCertificate(TokenCertificate, tokenKey.Id, tokenKey.Label);
        TokenKeyUri = $"pkcs11:token={Hsm.TokenLabel};object=pades-official;type=private";
        await Task.CompletedTask;
    }

    public PadesSignOptions Options(PadesLevel level, X509Certificate2 certificate, PdfSignatureOptions? pdf = null) => new()
    {
        Certificate = certificate,
        Chain = Chain,
        Level = level,
        Timestamper = Tsa,
        Revocation = Revocation,
        Pdf = pdf ?? new PdfSignatureOptions { Reason = "Phê duyệt", Location = "Lâm Đồng" },
    };

    public PadesExtendOptions ExtendOptions(PadesLevel level) => new()
    {
        Level = level,
        Revocation = Revocation,
        Timestamper = Tsa,
        ExtraCertificates = Chain,
    };

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        Official.Key?.Dispose();
        Seal.Key?.Dispose();
        Hsm?.Dispose();
        Authority?.Dispose();
        Http.Dispose();
        directory.Dispose();
    }

    private X509Certificate2 Issue(AsymmetricAlgorithm key, string subject)
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDsa", nameof(key)),
        };
        return Authority.IssueFromCsr(request.CreateSigningRequest());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
