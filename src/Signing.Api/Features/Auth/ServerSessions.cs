using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>
/// The session rows behind people's cookies, read through a short per-node cache: every request is checked against
/// the table, but a node asks the database about one session at most once per <see cref="AuthOptions.SessionCheckInterval"/>.
/// Revoking on this node also forgets the cached row, so a copied cookie stops working here at once and on other
/// nodes within the interval.
/// </summary>
public sealed class ServerSessions(SessionStore store, IMemoryCache cache, IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>The claim in the cookie that names the session row.</summary>
    public const string SessionIdClaim = "sid";

    /// <summary>Starts a session row for <paramref name="user"/>; its id goes into the cookie.</summary>
    public async Task<UserSession> StartAsync(User user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await store.StartAsync(user.Id, options.Value.SessionAbsoluteLifetime, ct);
    }

    /// <summary>Whether session <paramref name="sessionId"/> of <paramref name="userId"/> exists, is not revoked and has not expired.</summary>
    public async Task<bool> IsCurrentAsync(string sessionId, string userId, CancellationToken ct)
    {
        var key = CacheKey(sessionId);
        if (!cache.TryGetValue(key, out UserSession? session))
        {
            session = await store.FindAsync(sessionId, ct);
            var interval = options.Value.SessionCheckInterval;
            if (interval > TimeSpan.Zero)
            {
                cache.Set(key, session, interval);
            }
        }

        return session is not null
            && session.RevokedAt is null
            && string.Equals(session.UserId, userId, StringComparison.Ordinal)
            && session.ExpiresAt > clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>Ends session <paramref name="sessionId"/> for good.</summary>
    public async Task RevokeAsync(string sessionId, CancellationToken ct)
    {
        // Forget first and again after: a concurrent request must not put the unrevoked row back in the cache.
        cache.Remove(CacheKey(sessionId));
        await store.RevokeAsync(sessionId, ct);
        cache.Remove(CacheKey(sessionId));
    }

    private static string CacheKey(string sessionId) => "session:" + sessionId;
}
