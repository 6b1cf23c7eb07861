using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Signing.Storage;

namespace Signing.Api.Hosting;

/// <summary>Ready when the database answers and its schema is migrated.</summary>
public sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
            return version is null
                ? HealthCheckResult.Unhealthy("The database schema has not been migrated.")
                : HealthCheckResult.Healthy($"{database.Provider}, schema version {version}");
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException or TimeoutException or StorageBusyException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} database unreachable: {exception.Message}");
        }
    }
}
