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
    // Per address: the minute the count belongs to and the failures in it. Entries of past minutes are swept as new
    // ones arrive, so a flood of addresses cannot grow this without bound for long.
    private readonly ConcurrentDictionary<string, (long Minute, int Failures)> _addresses = new(StringComparer.Ordinal);
    private long _sweptMinute;

    /// <summary>How long the caller must wait before this attempt is checked, or null when it may go ahead.</summary>
    /// <param name="account">The normalised username as typed (it need not exist).</param>
    /// <param name="address">The client's address.</param>
    /// <param name="ct">Cancels the look-up.</param>
    public async Task<TimeSpan?> WaitBeforeAsync(string account, IPAddress? address, CancellationToken ct)
    {
        var source = Source(address);
        var minute = Minute();
        if (_addresses.TryGetValue(source, out var window) && window.Minute == minute
            && window.Failures >= options.Value.LoginFailuresPerAddressPerMinute)
        {
            return TimeSpan.FromSeconds(60 - (clock.GetUtcNow().ToUnixTimeSeconds() % 60));
        }

        var record = await failures.FindAsync(account, source, ct);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return record is not null && record.BlockedUntil > now
            ? TimeSpan.FromMilliseconds(record.BlockedUntil - now)
            : null;
    }

    /// <summary>Counts a failed attempt on <paramref name="account"/> from <paramref name="address"/>.</summary>
    public async Task RecordFailureAsync(string account, IPAddress? address, CancellationToken ct)
    {
        var source = Source(address);
        var minute = Minute();
        _addresses.AddOrUpdate(source, (minute, 1), (_, window) => window.Minute == minute ? (minute, window.Failures + 1) : (minute, 1));
        Sweep(minute);
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

    private long Minute() => clock.GetUtcNow().ToUnixTimeSeconds() / 60;

    private void Sweep(long minute)
    {
        if (Interlocked.Exchange(ref _sweptMinute, minute) == minute)
        {
            return;
        }

        foreach (var (source, window) in _addresses)
        {
            if (window.Minute < minute)
            {
                _addresses.TryRemove(new KeyValuePair<string, (long, int)>(source, window));
            }
        }
    }
}
