using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Keys;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// <see cref="ApiFactory"/> wired to the test token and dev PKI: revocation requests for the dev PKI's OCSP and CRL
/// URLs (http://localhost/dev-pki/…) go to this same service through the TestServer, as they would over the network.
/// </summary>
public sealed class SigningApiFactory(TokenPki pki, IDictionary<string, string?>? settings = null)
    : ApiFactory(Merge(pki.Settings(), settings))
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpClient(KeyRevocationCache.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new TestServerHandler(this));
            services.AddHttpClient(nameof(global::Signing.Api.Features.Signing.PdfSignatureService)).ConfigurePrimaryHttpMessageHandler(() => new TestServerHandler(this));
            services.AddHttpClient(global::Signing.Api.Features.Signing.SigningSetup.CaIssuersHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new TestServerHandler(this));
        });
    }

    /// <summary>Starts the service and seeds the two agencies.</summary>
    public new async Task<SigningApiFactory> SeedAsync()
    {
        await base.SeedAsync();
        return this;
    }

    /// <summary>
    /// Registers a key in agency A as its admin and returns its id; with <paramref name="withChain"/> false the key is
    /// registered with its certificate alone, as from a token that holds only its leaf.
    /// </summary>
    public async Task<string> RegisterAsync(string purpose, string location, string? uri, string certificatePem, string? ownerUserId = null, bool withChain = true)
    {
        using var admin = await SignedInAsync(A.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/keys", new
        {
            purpose,
            location,
            pkcs11Uri = uri,
            certificatePem,
            chainPem = withChain ? pki.SubCaPem : null,
            ownerUserId,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Registers a key in agency A and grants it to A's caller.</summary>
    public async Task<string> RegisterGrantedAsync(TokenPki.IssuedKey key, string purpose = "agency-seal", bool withChain = true)
    {
        var id = await RegisterAsync(purpose, "pkcs11", key.Uri, key.CertificatePem, withChain: withChain);
        await GrantAsync(id);
        return id;
    }

    /// <summary>Grants a key of agency A to A's caller.</summary>
    public async Task GrantAsync(string keyId)
    {
        using var admin = await SignedInAsync(A.Admin);
        (await admin.PostAsJsonAsync($"/api/v1/keys/{keyId}/grants", new { clientId = A.Caller.Id })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Sends through the TestServer, reaching for it only when a request is sent: services built while the host starts
    /// (the job runner's handlers) create their HTTP clients before the server exists, and asking for it then would
    /// start another host.
    /// </summary>
    private sealed class TestServerHandler(SigningApiFactory factory) : HttpMessageHandler
    {
        private HttpMessageInvoker? _invoker;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => (_invoker ??= new HttpMessageInvoker(factory.Server.CreateHandler())).SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            _invoker?.Dispose();
            base.Dispose(disposing);
        }
    }

    private static Dictionary<string, string?> Merge(Dictionary<string, string?> baseSettings, IDictionary<string, string?>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            baseSettings[key] = value;
        }

        return baseSettings;
    }
}
