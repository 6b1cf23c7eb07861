using System.Security.Cryptography;
using Dapper;

namespace Signing.Storage.Accounts;

/// <summary>A person's session as the server knows it: the cookie names it, and only an unrevoked, unexpired row lets the cookie in.</summary>
/// <param name="Id">The random id carried in the cookie.</param>
/// <param name="UserId">Whose session it is.</param>
/// <param name="CreatedAt">When it started (Unix milliseconds).</param>
/// <param name="ExpiresAt">When it ends however active it is (Unix milliseconds).</param>
/// <param name="RevokedAt">When it was ended by signing out (Unix milliseconds), or null.</param>
public sealed record UserSession(string Id, string UserId, long CreatedAt, long ExpiresAt, long? RevokedAt);

/// <summary>
/// People's sessions. A cookie alone is not enough: signing out revokes the row, so a copy of the cookie taken before
/// (from a shared computer, a proxy log, a stolen backup) no longer opens anything, on any node.
/// </summary>
public sealed class SessionStore(Database database, TimeProvider clock)
{
    private const string Columns = "id AS Id, user_id AS UserId, created_at AS CreatedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt";

    /// <summary>Starts a session for <paramref name="userId"/> that ends at the latest after <paramref name="lifetime"/>.</summary>
    public async Task<UserSession> StartAsync(string userId, TimeSpan lifetime, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // 256 random bits: the id is a bearer secret inside the (encrypted) cookie.
        var session = new UserSession(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), userId, now, now + (long)lifetime.TotalMilliseconds, null);
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO user_sessions (id, user_id, created_at, expires_at) VALUES (@Id, @UserId, @CreatedAt, @ExpiresAt)",
            session, cancellationToken: ct));
        return session;
    }

    /// <summary>Finds a session by id.</summary>
    public async Task<UserSession?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserSession>(new CommandDefinition(
            $"SELECT {Columns} FROM user_sessions WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Ends a session; returns false when it was already ended or never existed.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE user_sessions SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL",
            new { id, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1;
    }

    /// <summary>Ends every open session of a person (their password changed, or they were disabled); returns how many.</summary>
    public async Task<int> RevokeAllAsync(string userId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE user_sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL",
            new { userId, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    /// <summary>Deletes sessions that expired before <paramref name="before"/> (Unix milliseconds); returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(long before, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM user_sessions WHERE expires_at < @before", new { before }, cancellationToken: ct));
    }
}
