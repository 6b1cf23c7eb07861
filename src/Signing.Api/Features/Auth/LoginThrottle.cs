using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Slows password guessing without locking anyone else out. Two limits apply, both counting failures only, so people
/// who type their password right are never held up by someone else's guesses:
/// <list type="bullet">
/// <item>per account and client address (in the database, shared by every node): after
/// <see cref="AuthOptions.LoginFreeFailures"/> failures each attempt must wait <see cref="AuthOptions.LoginBackoffBase"/>,
/// doubling per failure up to <see cref="AuthOptions.LoginBackoffMax"/>. The guesser waits; the account's owner at
/// another address does not.</item>
/// <item>per client address, over all accounts (on this node): <see cref="AuthOptions.LoginFailuresPerAddressPerMinute"/>,
/// so one address cannot try a few passwords on every account of the agency.</item>
/// </list>
/// The address is the client's own: behind a reverse proxy, the one the configured known proxy forwards.
/// </summary>
public sealed class LoginThrottle(LoginFailureStore failures, IOptions<AuthOptions> options, TimeProvider clock)
{
    // Per address: when its window opened (at its first failure, in Unix milliseconds) and the failures in it. A window
    // lasts a minute from that failure, not to the next wall-clock minute: with calendar minutes a guesser who starts
    // just before one turns gets twice the allowance in a few seconds. Ended windows are swept as new failures
    // arrive, so a flood of addresses cannot grow this without bound for long.
    private static readonly long WindowMilliseconds = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private readonly ConcurrentDictionary<string, (long OpenedAt, int Failures)> _addresses = new(StringComparer.Ordinal);
    private long _sweptAt;

    /// <summary>How long the caller must wait before this attempt is checked, or null when it may go ahead.</summary>
    /// <param name="account">The normalised username as typed (it need not exist).</param>
    /// <param name="address">The client's address.</param>
    /// <param name="ct">Cancels the look-up.</param>
    public async Task<TimeSpan?> WaitBeforeAsync(string account, IPAddress? address, CancellationToken ct)
    {
        var source = Source(address);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (_addresses.TryGetValue(source, out var window) && now < window.OpenedAt + WindowMilliseconds
            && window.Failures >= options.Value.LoginFailuresPerAddressPerMinute)
        {
            return TimeSpan.FromMilliseconds(window.OpenedAt + WindowMilliseconds - now);
        }

        var record = await failures.FindAsync(account, source, ct);
        return record is not null && record.BlockedUntil > now
            ? TimeSpan.FromMilliseconds(record.BlockedUntil - now)
            : null;
    }

    /// <summary>Counts a failed attempt on <paramref name="account"/> from <paramref name="address"/>.</summary>
    public async Task RecordFailureAsync(string account, IPAddress? address, CancellationToken ct)
    {
        var source = Source(address);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _addresses.AddOrUpdate(
            source,
            (now, 1),
            (_, window) => now < window.OpenedAt + WindowMilliseconds ? (window.OpenedAt, window.Failures + 1) : (now, 1));
        Sweep(now);
        var settings = options.Value;
        await failures.AddAsync(account, source, settings.LoginFailureMemory, BlockFor, ct);
    }

    /// <summary>Forgets the failures on <paramref name="account"/> from <paramref name="address"/> after the right password.</summary>
    public Task RecordSuccessAsync(string account, IPAddress? address, CancellationToken ct)
        => failures.ClearAsync(account, Source(address), ct);

    /// <summary>The wait after the <paramref name="failureCount"/>-th failure in a row.</summary>
    public TimeSpan BlockFor(long failureCount)
    {
        var settings = options.Value;
        var beyond = failureCount - settings.LoginFreeFailures;
        if (beyond < 0)
        {
            return TimeSpan.Zero;
        }

        // 2^beyond overflows long before it matters; the cap is reached within a few dozen failures.
        var factor = Math.Pow(2, Math.Min(beyond, 40));
        var wait = settings.LoginBackoffBase.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(wait, settings.LoginBackoffMax.TotalMilliseconds));
    }

    private static string Source(IPAddress? address)
        => address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private void Sweep(long now)
    {
        // At most one sweep a minute, by whichever failure first sees the last one a minute old.
        var last = Interlocked.Read(ref _sweptAt);
        if (now - last < WindowMilliseconds || Interlocked.CompareExchange(ref _sweptAt, now, last) != last)
        {
            return;
        }

        foreach (var (source, window) in _addresses)
        {
            if (window.OpenedAt + WindowMilliseconds <= now)
            {
                _addresses.TryRemove(new KeyValuePair<string, (long, int)>(source, window));
            }
        }
    }
}
