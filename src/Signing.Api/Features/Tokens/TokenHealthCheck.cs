using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Signing.Api.Features.Tokens;

/// <summary>Ready when every configured token is present and logged in.</summary>
public sealed class TokenHealthCheck(TokenKeys keys, IOptions<TokenOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var tokens = options.Value.Tokens;
        if (tokens.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No PKCS#11 tokens configured."));
        }

        var problems = tokens.Select(keys.CheckToken).OfType<string>().ToList();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"Tokens logged in: {string.Join(", ", tokens.Select(token => token.Label))}.")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}

/// <summary>Registers the token options, key cache and readiness check.</summary>
public static class TokenSetup
{
    /// <summary>Adds <see cref="TokenKeys"/> and its readiness check.</summary>
    public static IServiceCollection AddSigningTokens(this IServiceCollection services)
    {
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenOptions>>(new Hosting.ProblemListValidator<TokenOptions>(options => options.Problems()));
        services.AddSingleton<TokenKeys>();
        services.AddHealthChecks().AddCheck<TokenHealthCheck>("tokens", tags: [Hosting.ServiceHosting.ReadyTag]);
        return services;
    }
}
