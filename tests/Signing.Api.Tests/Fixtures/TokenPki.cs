using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pkcs11;
using Signing.Pki.DevPki;
using Signing.Testing;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// One SoftHSM2 token ("test", PIN in a file) with keys generated on it, and a dev PKI (served by the API under
/// /dev-pki in Development) that issued their certificates: "seal" (good), "revoked" (revoked at the sub-CA) and
/// "official" (for CSC). Shared by every test that signs, through <see cref="TokenCollection"/>.
/// </summary>
public sealed class TokenPki : IDisposable
{
    /// <summary>Where the dev PKI says it is served: the API under test, reached through the TestServer.</summary>
    public static readonly Uri PkiBaseUrl = new("http://localhost/dev-pki");

    public TokenPki()
        : this(new SoftHsmToken(), ownsToken: true, PkiBaseUrl, "")
    {
    }

    private TokenPki(SoftHsmToken token, bool ownsToken, Uri pkiBaseUrl, string labelSuffix)
    {
        Token = token;
        _ownsToken = ownsToken;
        var directory = Directory.CreateDirectory(Path.Combine(token.Directory, "pki" + labelSuffix)).FullName;
        PinFile = Path.Combine(directory, "token-pin");
        File.WriteAllText(PinFile, Token.UserPin + "\n");
        PkiDirectory = Path.Combine(directory, "ca");
        using var authority = DevCertificateAuthority.Initialize(PkiDirectory, DevPkiProfile.Default, pkiBaseUrl);
        RootPemFile = Path.Combine(directory, "root.pem");
        File.WriteAllText(RootPemFile, authority.Root.ExportCertificatePem());
        SubCaPem = authority.SubCa.ExportCertificatePem();
        Seal = Issue(authority, "seal" + labelSuffix, "CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, O=UBND TỈNH PHÚ THỌ, L=Tỉnh Phú Thọ, C=VN");
        Revoked = Issue(authority, "revoked" + labelSuffix, "CN=Văn phòng cũ, O=UBND TỈNH PHÚ THỌ, L=Tỉnh Phú Thọ, C=VN");
        authority.Revoke(Revoked.Certificate, X509RevocationReason.CessationOfOperation);
        Official = Issue(authority, "official" + labelSuffix, "CN=Nguyễn Văn An, OU=Lãnh đạo, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, L=Tỉnh Phú Thọ, C=VN");
        Deputy = Issue(authority, "deputy" + labelSuffix, "CN=Lê Thị Cúc, OU=Lãnh đạo, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, L=Tỉnh Phú Thọ, C=VN");
        AuditCheckpointKeyUri = Generate("audit-checkpoints" + labelSuffix, Pkcs11KeyAlgorithm.EcP256);
    }

    /// <summary>A key on the token with its issued certificate.</summary>
    public sealed record IssuedKey(string Uri, X509Certificate2 Certificate)
    {
        public string CertificatePem => Certificate.ExportCertificatePem();
    }

    private readonly bool _ownsToken;

    public SoftHsmToken Token { get; }

    public string PinFile { get; }

    public string PkiDirectory { get; }

    public string RootPemFile { get; }

    public string SubCaPem { get; }

    public IssuedKey Seal { get; }

    public IssuedKey Revoked { get; }

    public IssuedKey Official { get; }

    /// <summary>A key with no certificate that signs audit checkpoints (<c>Audit:CheckpointKey</c>).</summary>
    public string AuditCheckpointKeyUri { get; }

    /// <summary>A second official's key: the deputy (phó chủ tịch) who signs KT. on the chairman's behalf.</summary>
    public IssuedKey Deputy { get; }

    /// <summary>Configuration for an API that uses this token and serves this PKI.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Pkcs11:Module"] = Token.ModulePath,
        ["Pkcs11:Tokens:0:Label"] = Token.TokenLabel,
        ["Pkcs11:Tokens:0:PinFile"] = PinFile,
        ["DevPki:Directory"] = PkiDirectory,
        ["Verification:TrustAnchorsFile"] = RootPemFile,
    };

    /// <summary>Opens a token key as an external signer (a desk token, a CSC client's view) would use it.</summary>
    public Pkcs11SigningKey Open(IssuedKey key) => Pkcs11SigningKey.Open(Token.ModulePath, key.Uri, Token.UserPin);

    private string Generate(string label, Pkcs11KeyAlgorithm algorithm)
    {
        var pkcs11 = Token.Module.OpenToken(Token.TokenLabel);
        pkcs11.Login(Token.UserPin);
        pkcs11.GenerateKeyPair(algorithm, label, System.Text.Encoding.ASCII.GetBytes(label));
        return $"pkcs11:token={Token.TokenLabel};object={label};type=private";
    }

    private IssuedKey Issue(DevCertificateAuthority authority, string label, string subject)
    {
        var uri = Generate(label, Pkcs11KeyAlgorithm.Rsa2048);
        using var key = Pkcs11SigningKey.Open(Token.ModulePath, uri, Token.UserPin);
        var csr = new CertificateRequest(subject, (RSA)key.PrivateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        return new IssuedKey(uri, authority.IssueFromCsr(csr));
    }

    /// <summary>
    /// Another dev PKI with fresh keys on the same token, whose certificates point their OCSP and CRL URLs at
    /// <paramref name="pkiBaseUrl"/>: for a service running as its own process, which fetches them over the network.
    /// </summary>
    public TokenPki ServedAt(Uri pkiBaseUrl) => new(Token, ownsToken: false, pkiBaseUrl, "-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (_ownsToken)
        {
            Token.Dispose();
        }
    }
}

/// <summary>
/// Every test that uses the SoftHSM token (one per process): the token and dev PKI, PostgreSQL, and the browser the
/// web tests drive (started only when a browser test runs).
/// </summary>
[CollectionDefinition(Name)]
public sealed class TokenCollection : ICollectionFixture<TokenPki>, ICollectionFixture<PostgresCluster>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "softhsm-token";
}
