using System.Security.Cryptography;
using System.Text;

namespace Signing.Storage.Accounts;

/// <summary>
/// API keys look like <c>sk_{prefix}_{secret}</c>. The prefix finds the stored row; the SHA-256 of
/// the whole key is compared in constant time. 256 bits of randomness make a slow hash unnecessary.
/// </summary>
public static class ApiKeySecret
{
    private const string Scheme = "sk_";

    /// <summary>Makes a new key; returns the key to show once and the values to store.</summary>
    public static (string Key, string Prefix, string Hash) Generate()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"{Scheme}{prefix}_{secret}";
        return (key, prefix, Hash(key));
    }

    /// <summary>The prefix of a presented key, or null when the key is not in our format.</summary>
    public static string? PrefixOf(string presented)
    {
        if (!presented.StartsWith(Scheme, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var end = presented.IndexOf('_', Scheme.Length);
        return end == Scheme.Length + 12 ? presented[Scheme.Length..end] : null;
    }

    /// <summary>The stored hash of a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="storedHash"/>, in constant time.</summary>
    public static bool Matches(string presented, string storedHash)
    {
        var presentedHash = Encoding.ASCII.GetBytes(Hash(presented));
        var stored = Encoding.ASCII.GetBytes(storedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, stored);
    }

    private static string Base64Url(byte[] bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
