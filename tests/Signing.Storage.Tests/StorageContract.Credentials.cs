using Signing.Storage.Accounts;
using Signing.Storage.Credentials;

namespace Signing.Storage.Tests;

/// <summary>People's signing credentials: a one-time code's time step is taken once.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task TotpSteps_AreTakenOnce_InOrder_AndTheConfirmingStepCountsAsTaken()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.32.H42", "UBND xã Hòa Bình", null, default);
        var user = await Accounts.CreateUserAsync(agency.Id, "lanhdao", "Nguyễn Văn An", "Chủ tịch", null, [Roles.Official], null, default);
        var credentials = new SigningCredentialStore(Db, TimeProvider.System);
        Assert.False(await credentials.TryUseTotpStepAsync(user.Id, 100, default));

        await credentials.SetTotpAsync(user.Id, "protected-secret", 100, default);
        Assert.False(await credentials.TryUseTotpStepAsync(user.Id, 100, default));
        Assert.False(await credentials.TryUseTotpStepAsync(user.Id, 99, default));
        Assert.True(await credentials.TryUseTotpStepAsync(user.Id, 101, default));
        Assert.False(await credentials.TryUseTotpStepAsync(user.Id, 101, default));

        // Two nodes given the same fresh code: exactly one takes it.
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => credentials.TryUseTotpStepAsync(user.Id, 102, default)));
        Assert.Single(racing, taken => taken);

        // A new secret starts from the step of its own confirming code.
        await credentials.SetTotpAsync(user.Id, "another-secret", 90, default);
        Assert.True(await credentials.TryUseTotpStepAsync(user.Id, 91, default));
        Assert.Equal("another-secret", (await credentials.FindAsync(user.Id, default))!.TotpSecret);
    }
}
