using Signing.Storage.Operations;
namespace Signing.Api.Features.Signing;

/// <summary>
/// Deletes two-step operations an hour after they expired, so prepared documents do not accumulate in the database.
/// Every node runs it; the DELETE is idempotent, so concurrent sweeps are harmless.
/// </summary>
public sealed partial class ExpiredOperationSweeper(PdfSignOperationStore operations, TimeProvider clock, ILogger<ExpiredOperationSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await operations.DeleteExpiredAsync((clock.GetUtcNow() - Grace).ToUnixTimeMilliseconds(), stoppingToken);
                if (deleted > 0)
                {
                    LogSwept(logger, deleted);
                }
            }
            catch (System.Data.Common.DbException exception)
            {
                // The database being briefly away is not a reason to stop sweeping.
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired two-step signing operations")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired two-step signing operations failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
