using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Signing.Storage.Accounts;

namespace Signing.Api.Tests.Features.Accounts;

/// <summary>
/// Hashes stored by earlier versions came from ASP.NET Identity's <c>PasswordHasher</c>; the storage library's own
/// hasher must read them, and Identity must read ours, so that no one's password stops working.
/// </summary>
public sealed class PasswordHashCompatibilityTests
{
    private static readonly string Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));

    [Fact]
    public void IdentityHash_VerifiesWithPasswordHashing()
    {
        var identityHash = new PasswordHasher<object>().HashPassword(new object(), Password);

        Assert.Equal(PasswordCheck.Success, PasswordHashing.Verify(identityHash, Password));
        Assert.Equal(PasswordCheck.Failed, PasswordHashing.Verify(identityHash, Password + "!"));
    }

    [Fact]
    public void PasswordHashingHash_VerifiesWithIdentity()
    {
        var ours = PasswordHashing.Hash(Password);

        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<object>().VerifyHashedPassword(new object(), ours, Password));
    }
}
