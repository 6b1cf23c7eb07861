using System.Collections.Frozen;
using System.Text;

namespace Signing.Storage.Accounts;

/// <summary>
/// What a password set for a person must be: at least <see cref="MinLength"/> characters, not one of the commonly used
/// passwords (a short list shipped with the service, compared ignoring case and the digits and symbols people add at
/// the ends), and not the username.
/// </summary>
public static class PasswordPolicy
{
    /// <summary>The fewest characters.</summary>
    public const int MinLength = 12;

    /// <summary>The most characters (hashing a megabyte-long "password" is a denial of service).</summary>
    public const int MaxLength = 1024;

    private static readonly FrozenSet<string> Common = Load();

    /// <summary>Why <paramref name="password"/> may not be set for <paramref name="username"/>, or null when it may.</summary>
    public static string? Problem(string? password, string? username)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
        {
            return $"A password must have at least {MinLength} characters.";
        }

        if (password.Length > MaxLength)
        {
            return $"A password has at most {MaxLength} characters.";
        }

        var lowered = password.ToLowerInvariant();
        var core = lowered.Trim("0123456789!@#$%^&*()_-+=.,?~ ".ToCharArray());
        if (Common.Contains(lowered) || Common.Contains(core) || password.Distinct().Count() < 4)
        {
            return "This password is too common or too easy to guess; choose another.";
        }

        if (Usernames.Normalize(username).Username is { Length: >= 3 } name && lowered.Contains(name, StringComparison.Ordinal))
        {
            return "A password must not contain the username.";
        }

        return null;
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("accounts/common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded in Signing.Storage.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                words.Add(line.Trim().ToLowerInvariant());
            }
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
