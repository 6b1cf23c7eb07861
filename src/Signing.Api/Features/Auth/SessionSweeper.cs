using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Deletes session rows a day after they expired and failed-login counts once they are forgotten, so neither table
/// grows with every sign-in or every guess. Every node runs it; the DELETEs are idempotent.
/// </summary>
public sealed partial class SessionSweeper(
    SessionStore sessions, LoginFailureStore failures, IOptions<AuthOptions> options, TimeProvider clock, ILogger<SessionSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    // Expired rows stay a day: enough to explain a refused cookie, too short to matter.
    private static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = clock.GetUtcNow();
                var expired = await sessions.DeleteExpiredAsync((now - Grace).ToUnixTimeMilliseconds(), stoppingToken);
                var forgotten = await failures.DeleteOlderThanAsync((now - options.Value.LoginFailureMemory).ToUnixTimeMilliseconds(), stoppingToken);
                if (expired + forgotten > 0)
                {
                    LogSwept(logger, expired, forgotten);
                }
            }
            catch (System.Data.Common.DbException exception)
            {
                // The database being briefly away is not a reason to stop sweeping.
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Sessions} expired sessions and {Failures} forgotten login-failure counts")]
    private static partial void LogSwept(ILogger logger, int sessions, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired sessions and login failures failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
