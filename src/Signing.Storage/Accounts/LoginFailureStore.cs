using Dapper;

namespace Signing.Storage.Accounts;

/// <summary>The failed password attempts on one account from one source address, and until when further attempts wait.</summary>
/// <param name="Failures">Failed attempts in a row.</param>
/// <param name="BlockedUntil">Unix milliseconds before which the next attempt is refused unchecked; 0 when none is.</param>
public sealed record LoginFailures(long Failures, long BlockedUntil);

/// <summary>
/// Counts failed password attempts per account and source address in the database, so every node applies the same
/// back-off. The account is the normalised username as typed, whether or not it exists, so the answer does not
/// reveal which usernames do.
/// </summary>
public sealed class LoginFailureStore(Database database, TimeProvider clock)
{
    /// <summary>The failures recorded for <paramref name="account"/> from <paramref name="source"/>, or null when there are none.</summary>
    public async Task<LoginFailures?> FindAsync(string account, string source, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // The count is INTEGER: 64-bit on SQLite, 32-bit on PostgreSQL; the record takes one type from both.
        return await connection.QuerySingleOrDefaultAsync<LoginFailures>(new CommandDefinition(
            "SELECT CAST(failures AS BIGINT) AS Failures, blocked_until AS BlockedUntil FROM login_failures WHERE account = @account AND source = @source",
            new { account, source }, cancellationToken: ct));
    }

    /// <summary>
    /// Adds one failure and sets the next block from the new count through <paramref name="blockFor"/>; returns the new
    /// record. The count is raised in the database, so attempts racing on several nodes all count. A count whose last
    /// failure is older than <paramref name="forgetAfter"/> starts again at one.
    /// </summary>
    public async Task<LoginFailures> AddAsync(string account, string source, TimeSpan forgetAfter, Func<long, TimeSpan> blockFor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blockFor);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var forgetBefore = now - (long)forgetAfter.TotalMilliseconds;
        await using var connection = await database.OpenAsync(ct);
        var failures = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO login_failures (account, source, failures, last_failure_at, blocked_until) VALUES (@account, @source, 1, @now, 0) " +
            "ON CONFLICT (account, source) DO UPDATE SET last_failure_at = @now, failures = " +
            "CASE WHEN login_failures.last_failure_at < @forgetBefore THEN 1 ELSE login_failures.failures + 1 END " +
            "RETURNING failures",
            new { account, source, now, forgetBefore }, cancellationToken: ct));
        var blockedUntil = now + (long)blockFor(failures).TotalMilliseconds;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE login_failures SET blocked_until = @blockedUntil WHERE account = @account AND source = @source",
            new { account, source, blockedUntil }, cancellationToken: ct));
        return new LoginFailures(failures, blockedUntil);
    }

    /// <summary>Forgets the failures on <paramref name="account"/> from <paramref name="source"/> (the right password was given).</summary>
    public async Task ClearAsync(string account, string source, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM login_failures WHERE account = @account AND source = @source", new { account, source }, cancellationToken: ct));
    }

    /// <summary>Deletes records whose last failure is older than <paramref name="before"/> (Unix milliseconds); returns how many.</summary>
    public async Task<int> DeleteOlderThanAsync(long before, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM login_failures WHERE last_failure_at < @before", new { before }, cancellationToken: ct));
    }
}
