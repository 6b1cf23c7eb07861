using Microsoft.Extensions.Options;
using Signing.Api.Features.Keys;

namespace Signing.Api.Features.Signing;

/// <summary>Registers the signing options, key access checks and the PAdES signing service.</summary>
public static class SigningSetup
{
    /// <summary>Adds <see cref="SigningService"/>, <see cref="PdfSignatureService"/> and the HTTP clients they use.</summary>
    public static IServiceCollection AddSigningServices(this IServiceCollection services)
    {
        services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SigningOptions>>(new Hosting.ProblemListValidator<SigningOptions>(options => options.Problems()));
        services.AddHttpClient(KeyRevocationCache.HttpClientName);
        services.AddHttpClient(nameof(PdfSignatureService));
        services.AddSingleton<KeyRevocationCache>();
        services.AddSingleton<SigningService>();
        services.AddSingleton<PdfSignatureService>();
        services.AddHostedService<ExpiredOperationSweeper>();
        return services;
    }
}
