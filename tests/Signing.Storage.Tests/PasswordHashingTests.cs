using System.Buffers.Binary;
using System.Security.Cryptography;
using Signing.Storage.Accounts;

namespace Signing.Storage.Tests;

public sealed class PasswordHashingTests
{
    private static readonly string Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));

    [Fact]
    public void Hash_VerifiesWithTheSamePassword_AndFailsWithAnother()
    {
        var hash = PasswordHashing.Hash(Password);

        Assert.Equal(PasswordCheck.Success, PasswordHashing.Verify(hash, Password));
        Assert.Equal(PasswordCheck.Failed, PasswordHashing.Verify(hash, Password + "x"));
        Assert.NotEqual(hash, PasswordHashing.Hash(Password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("AQ==")]
    public void Verify_UnreadableHash_Fails(string stored)
        => Assert.Equal(PasswordCheck.Failed, PasswordHashing.Verify(stored, Password));

    [Fact]
    public void Verify_HashWithWeakerParameters_AsksForARehash()
    {
        // The v3 layout with PBKDF2-HMAC-SHA256 and 10,000 iterations: what ASP.NET Identity wrote before .NET 7.
        var salt = RandomNumberGenerator.GetBytes(16);
        var subkey = Rfc2898DeriveBytes.Pbkdf2(Password, salt, 10_000, HashAlgorithmName.SHA256, 32);
        var stored = new byte[13 + salt.Length + subkey.Length];
        stored[0] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(stored.AsSpan(1), 1);
        BinaryPrimitives.WriteUInt32BigEndian(stored.AsSpan(5), 10_000);
        BinaryPrimitives.WriteUInt32BigEndian(stored.AsSpan(9), (uint)salt.Length);
        salt.CopyTo(stored, 13);
        subkey.CopyTo(stored, 13 + salt.Length);

        Assert.Equal(PasswordCheck.SuccessRehashNeeded, PasswordHashing.Verify(Convert.ToBase64String(stored), Password));
        Assert.Equal(PasswordCheck.Failed, PasswordHashing.Verify(Convert.ToBase64String(stored), "other"));
    }

    [Fact]
    public void Verify_HashAskingForAbsurdIterations_FailsWithoutWorking()
    {
        var stored = Convert.FromBase64String(PasswordHashing.Hash(Password));
        BinaryPrimitives.WriteUInt32BigEndian(stored.AsSpan(5), uint.MaxValue);

        Assert.Equal(PasswordCheck.Failed, PasswordHashing.Verify(Convert.ToBase64String(stored), Password));
    }
}
