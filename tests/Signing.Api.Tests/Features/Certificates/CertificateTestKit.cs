using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;
using Signing.Pkcs11;
using Signing.Pki.DevPki;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Certificates;

/// <summary>
/// What the certificate tests share: factories on SQLite or PostgreSQL wired to the test token and dev PKI, people and
/// certificates issued by the dev CA (software keys for people's USB tokens, token keys for the agency's HSM), and the
/// multipart forms of the import endpoints.
/// </summary>
internal static class CertificateTestKit
{
    public const string Issuer = "CN=CA phục vụ các cơ quan Nhà nước G2, O=Ban Cơ yếu Chính phủ, C=VN";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A started, seeded service on <paramref name="provider"/> (sqlite or postgres).</summary>
    public static async Task<SigningApiFactory> StartAsync(TokenPki pki, PostgresCluster cluster, string provider, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (provider == "postgres")
        {
            all["Storage:Provider"] = "postgres";
            all["Storage:ConnectionString"] = await cluster.CreateDatabaseAsync();
        }

        return await new SigningApiFactory(pki, all).SeedAsync();
    }

    /// <summary>The dev CA of the test PKI.</summary>
    public static DevCertificateAuthority Authority(TokenPki pki) => DevCertificateAuthority.Open(pki.PkiDirectory);

    /// <summary>A certificate for a fresh software EC key (a person's USB token), with the key.</summary>
    public static (X509Certificate2 Certificate, ECDsa Key) IssuePersonal(DevCertificateAuthority authority, string subject, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        var certificate = notAfter is null
            ? authority.IssueFromCsr(request.CreateSigningRequest())
            : authority.IssueFor(request.PublicKey, request.SubjectName, notAfter);
        return (certificate, key);
    }

    /// <summary>A certificate whose subject is written with UTF-8 Vietnamese (as the GCC writes it).</summary>
    public static (X509Certificate2 Certificate, ECDsa Key) IssuePersonal(DevCertificateAuthority authority, Pki.Names.SubjectName subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.ToX500(), key, HashAlgorithmName.SHA256);
        return (authority.IssueFromCsr(request.CreateSigningRequest()), key);
    }

    /// <summary>Generates a key on the shared test token and has the dev CA certify it.</summary>
    public static TokenPki.IssuedKey IssueOnToken(TokenPki pki, string label, string subject)
    {
        var token = pki.Token.Module.OpenToken(pki.Token.TokenLabel);
        token.Login(pki.Token.UserPin);
        token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, label, System.Text.Encoding.ASCII.GetBytes(label));
        var uri = $"pkcs11:token={pki.Token.TokenLabel};object={label};type=private";
        using var key = Pkcs11SigningKey.Open(pki.Token.ModulePath, uri, pki.Token.UserPin);
        var csr = new CertificateRequest(subject, (RSA)key.PrivateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        using var authority = Authority(pki);
        return new TokenPki.IssuedKey(uri, authority.IssueFromCsr(csr));
    }

    /// <summary>A multipart form with <paramref name="content"/> as 'file' and the given fields.</summary>
    public static MultipartFormDataContent FileForm(byte[] content, string fileName, string mediaType, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(file, "file", fileName);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    /// <summary>
    /// Posts JSON (or the given content; nothing when <paramref name="body"/> is null, as operations without a body
    /// refuse any) and returns the reply's JSON, failing with the body when the status is not 2xx.
    /// </summary>
    public static async Task<JsonElement> PostOkAsync(this HttpClient client, string url, object? body = null)
    {
        using var response = body switch
        {
            null => await client.PostAsync(url, null),
            HttpContent content => await client.PostAsync(url, content),
            _ => await client.PostAsJsonAsync(url, body),
        };
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Gets JSON, failing with the body when the status is not 2xx.</summary>
    public static async Task<JsonElement> GetOkAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a person of agency A through the API (as its admin) and returns them.</summary>
    public static async Task<Storage.Accounts.User> CreatePersonAsync(ApiFactory api, string username, string displayName, string roles, string? title = null)
    {
        using var admin = await api.SignedInAsync(api.A.Admin);
        await admin.PostOkAsync($"/api/v1/agencies/{api.A.Agency.Id}/users",
            new { username, displayName, title, password = ApiFactory.Password, roles });
        var accounts = (Storage.Accounts.AccountStore)api.Services.GetService(typeof(Storage.Accounts.AccountStore))!;
        return (await accounts.FindUserByUsernameAsync(username, default))!;
    }
}
