using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Csc;
using Signing.Storage.DeskSign;
using Signing.Storage.Idempotency;
using Signing.Storage.Keys;
using Signing.Storage.Operations;

namespace Signing.Api.Hosting;

/// <summary>Registers the database and the stores of <c>Signing.Storage</c> with the service.</summary>
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
        services.AddSingleton<SessionStore>();
        services.AddSingleton<LoginFailureStore>();
        // Sealed with the key in Storage:AuditKeyFile (default {DataDirectory}/secrets/audit-key), created on first start.
        services.AddSingleton(provider => new AuditLog(provider.GetRequiredService<Database>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<ConfigurationAudit>();
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<Signing.Storage.Results.StoredResultStore>();
        services.AddSingleton<Signing.Storage.Nodes.NodeStore>();
        services.AddHostedService<NodeHeartbeat>();
        services.AddSingleton<PdfSignOperationStore>();
        services.AddSingleton<CscAuthorizationStore>();
        services.AddSingleton<DeskSignSessionStore>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
