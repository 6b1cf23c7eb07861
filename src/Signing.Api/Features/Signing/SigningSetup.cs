using Microsoft.Extensions.Options;
using Signing.Api.Features.Keys;
using Signing.Pki.Validation;

namespace Signing.Api.Features.Signing;

/// <summary>Registers the signing options, key access checks and the PAdES signing service.</summary>
public static class SigningSetup
{
    /// <summary>The named HTTP client that fetches issuer certificates from AIA caIssuers URLs.</summary>
    public const string CaIssuersHttpClientName = "ca-issuers";

    /// <summary>How long one caIssuers request may take before the path is left incomplete.</summary>
    public static readonly TimeSpan CaIssuersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds <see cref="SigningService"/>, <see cref="PdfSignatureService"/>, the HTTP clients they use, and the one
    /// <see cref="IssuerCertificateFetcher"/> that completes a key's or a signer's path through AIA caIssuers for B-LT/B-LTA
    /// signing, the keys' revocation check and online verification.
    /// </summary>
    public static IServiceCollection AddSigningServices(this IServiceCollection services)
    {
        services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SigningOptions>>(new Hosting.ProblemListValidator<SigningOptions>(options => options.Problems()));
        services.AddHttpClient(KeyRevocationCache.HttpClientName);
        services.AddHttpClient(nameof(PdfSignatureService));

        // caIssuers URLs come from certificates anyone can present: a timeout per request (the fetcher's own, and the
        // client's as a backstop), and at most 3 redirects, which .NET follows only to http(s) URLs and never from
        // https down to http, so a redirect cannot lead to a file: or other scheme.
        services.AddHttpClient(CaIssuersHttpClientName, client => client.Timeout = CaIssuersTimeout + TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3 });
        services.AddSingleton(provider => new IssuerCertificateFetcher(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(CaIssuersHttpClientName), CaIssuersTimeout));
        services.AddSingleton<KeyRevocationCache>();
        services.AddSingleton<SigningService>();
        services.AddSingleton<PdfSignatureService>();
        services.AddHostedService<ExpiredOperationSweeper>();
        return services;
    }
}
