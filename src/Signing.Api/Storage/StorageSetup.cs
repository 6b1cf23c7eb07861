using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Accounts;
using Signing.Api.Features.Audit;
using Signing.Api.Hosting;

namespace Signing.Api.Storage;

/// <summary>Registers the database and the stores built on it.</summary>
public static class StorageSetup
{
    /// <summary>Adds the configured database, migrations and stores.</summary>
    public static IServiceCollection AddSigningStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new ProblemListValidator<StorageOptions>(options => options.Problems()));
        services.AddSingleton(provider => Database.Create(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ConfigurationAudit>();
        services.AddSingleton<Features.Keys.SigningKeyStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<Features.Signing.PdfSignOperationStore>();
        services.AddSingleton<Features.Csc.CscAuthorizationStore>();
        services.AddSingleton<Features.DeskSign.DeskSignSessionStore>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
