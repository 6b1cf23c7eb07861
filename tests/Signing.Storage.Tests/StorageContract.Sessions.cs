using Signing.Storage.Accounts;
using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>People's server-side sessions, failed-login counts, and the one spelling of a username.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task Sessions_ARevokedOrExpiredSessionIsKnownAsSuch()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var agency = await Accounts.CreateAgencyAsync("000.00.31.H42", "UBND xã Hòa Bình", null, default);
        var user = await Accounts.CreateUserAsync(agency.Id, "vanthu", "Trần Thị Bình", null, null, [Roles.Clerk], null, default);
        var sessions = new SessionStore(Db, clock);
        var first = await sessions.StartAsync(user.Id, TimeSpan.FromHours(12), default);
        var second = await sessions.StartAsync(user.Id, TimeSpan.FromHours(12), default);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(64, first.Id.Length);

        Assert.True(await sessions.RevokeAsync(first.Id, default));
        Assert.False(await sessions.RevokeAsync(first.Id, default));
        Assert.NotNull((await sessions.FindAsync(first.Id, default))!.RevokedAt);
        Assert.Null((await sessions.FindAsync(second.Id, default))!.RevokedAt);
        Assert.Equal(1, await sessions.RevokeAllAsync(user.Id, default));

        clock.Advance(TimeSpan.FromHours(13));
        Assert.Equal(2, await sessions.DeleteExpiredAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), default));
        Assert.Null(await sessions.FindAsync(second.Id, default));
    }

    [Fact]
    public async Task LoginFailures_CountPerAccountAndSource_AndAreForgottenAfterAWhile()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var failures = new LoginFailureStore(Db, clock);
        var memory = TimeSpan.FromHours(1);
        Func<long, TimeSpan> blockFor = count => TimeSpan.FromSeconds(count);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(i, (await failures.AddAsync("vanthu", "203.0.113.66", memory, blockFor, default)).Failures);
        }

        Assert.Equal(1, (await failures.AddAsync("vanthu", "198.51.100.7", memory, blockFor, default)).Failures);
        var record = await failures.FindAsync("vanthu", "203.0.113.66", default);
        Assert.Equal(3, record!.Failures);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() + 3000, record.BlockedUntil);

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, (await failures.AddAsync("vanthu", "203.0.113.66", memory, blockFor, default)).Failures);
        await failures.ClearAsync("vanthu", "203.0.113.66", default);
        Assert.Null(await failures.FindAsync("vanthu", "203.0.113.66", default));
        Assert.Equal(1, await failures.DeleteOlderThanAsync(clock.GetUtcNow().ToUnixTimeMilliseconds() - 1000, default));
    }

    [Fact]
    public async Task Usernames_AreStoredInOneSpelling_AndFoundInAny()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.31.H42", "UBND xã Hòa Bình", null, default);
        var user = await Accounts.CreateUserAsync(agency.Id, "  Nguye\u0302\u0303nVanAn ", "Nguyễn Văn An", null, null, [Roles.Official], null, default);
        Assert.Equal("nguyễnvanan", user.Username);
        Assert.Equal(user.Id, (await Accounts.FindUserByUsernameAsync("NGUYỄNVANAN", default))!.Id);
        Assert.Null(await Accounts.FindUserByUsernameAsync("nguyễn\u202Evanan", default));
        await Assert.ThrowsAsync<ArgumentException>(() => Accounts.CreateUserAsync(agency.Id, "van\u202Ethu", "X", null, null, [Roles.Clerk], null, default));
        await Assert.ThrowsAsync<ArgumentException>(() => Accounts.CreateUserAsync(agency.Id, "vanthu", "X", null, null, [], null, default));
        await Assert.ThrowsAsync<ArgumentException>(() => Accounts.CreateClientAsync(agency.Id, "qlvb", [], null, default));
    }
}
