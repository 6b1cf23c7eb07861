using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Signing.Storage.Accounts;

/// <summary>What checking a password against a stored hash found.</summary>
public enum PasswordCheck
{
    /// <summary>The password is wrong, or the hash is not in a format we read.</summary>
    Failed,

    /// <summary>The password is right.</summary>
    Success,

    /// <summary>The password is right, but the hash uses weaker parameters than today's: store a new one.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// PBKDF2 password hashes in the ASP.NET Core Identity "v3" layout, so that the hashes already stored by earlier
/// versions (which used <c>PasswordHasher&lt;T&gt;</c>) keep working, while the CLI and the storage library need no
/// ASP.NET reference: <c>0x01 | prf (u32 BE) | iterations (u32 BE) | salt length (u32 BE) | salt | subkey</c>, base64.
/// </summary>
public static class PasswordHashing
{
    private const byte FormatMarker = 0x01;
    private const uint PrfHmacSha1 = 0;
    private const uint PrfHmacSha256 = 1;
    private const uint PrfHmacSha512 = 2;
    private const int Iterations = 100_000;
    private const int SaltBytes = 16;
    private const int SubkeyBytes = 32;
    private const int HeaderBytes = 13;

    // A stored hash is ours, but a bound keeps a corrupted row from asking for billions of iterations.
    private const int MaxIterations = 10_000_000;

    private static readonly string DummyHash = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    /// <summary>Hashes <paramref name="password"/> with a fresh salt: PBKDF2-HMAC-SHA512, 100,000 iterations.</summary>
    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var output = new byte[HeaderBytes + SaltBytes + SubkeyBytes];
        output[0] = FormatMarker;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(1), PrfHmacSha512);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(5), Iterations);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(9), SaltBytes);
        var salt = output.AsSpan(HeaderBytes, SaltBytes);
        RandomNumberGenerator.Fill(salt);
        Rfc2898DeriveBytes.Pbkdf2(password, salt, output.AsSpan(HeaderBytes + SaltBytes), Iterations, HashAlgorithmName.SHA512);
        return Convert.ToBase64String(output);
    }

    /// <summary>Checks <paramref name="password"/> against <paramref name="storedHash"/> in constant time.</summary>
    public static PasswordCheck Verify(string storedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(storedHash ?? "");
        }
        catch (FormatException)
        {
            return PasswordCheck.Failed;
        }

        if (decoded.Length < HeaderBytes || decoded[0] != FormatMarker)
        {
            return PasswordCheck.Failed;
        }

        var prf = BinaryPrimitives.ReadUInt32BigEndian(decoded.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(decoded.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(decoded.AsSpan(9));
        HashAlgorithmName? algorithm = prf switch
        {
            PrfHmacSha1 => HashAlgorithmName.SHA1,
            PrfHmacSha256 => HashAlgorithmName.SHA256,
            PrfHmacSha512 => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null || iterations is 0 or > MaxIterations || saltLength < 8 || saltLength > decoded.Length - HeaderBytes - 16)
        {
            return PasswordCheck.Failed;
        }

        var salt = decoded.AsSpan(HeaderBytes, (int)saltLength);
        var expected = decoded.AsSpan(HeaderBytes + (int)saltLength);
        var actual = new byte[expected.Length];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, actual, (int)iterations, algorithm.Value);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordCheck.Failed;
        }

        return prf == PrfHmacSha512 && iterations >= Iterations ? PasswordCheck.Success : PasswordCheck.SuccessRehashNeeded;
    }

    /// <summary>
    /// Spends the time of one real check on a throw-away hash, so that a sign-in for a username that does not exist
    /// answers as slowly as one with a wrong password.
    /// </summary>
    public static void VerifyAgainstNothing(string password) => Verify(DummyHash, password ?? "");
}
