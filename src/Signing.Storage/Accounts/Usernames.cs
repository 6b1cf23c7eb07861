using System.Globalization;
using System.Text;

namespace Signing.Storage.Accounts;

/// <summary>
/// One spelling per username: trimmed, Unicode NFC, lower case (so "NguyenVanAn", "nguyenvanan " and a decomposed
/// "nguyễn" are the same person), and free of control characters and bidirectional overrides, which make one name look
/// like another in logs and lists.
/// </summary>
public static class Usernames
{
    /// <summary>The longest username, in UTF-16 code units after normalisation.</summary>
    public const int MaxLength = 100;

    /// <summary>The normalised username, or null with the reason it is refused.</summary>
    public static (string? Username, string? Problem) Normalize(string? input)
    {
        var trimmed = (input ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return (null, "A username is required.");
        }

        if (!trimmed.IsNormalized(NormalizationForm.FormC) && !IsWellFormed(trimmed))
        {
            return (null, "The username is not valid Unicode text.");
        }

        var folded = trimmed.Normalize(NormalizationForm.FormC).ToLowerInvariant().Normalize(NormalizationForm.FormC);
        foreach (var rune in folded.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                // Format (Cf) holds the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), the marks and
                // the zero-width characters.
                return (null, $"The username contains the invisible or control character U+{rune.Value:X4}.");
            }
        }

        return folded.Length > MaxLength
            ? (null, $"A username has at most {MaxLength} characters.")
            : (folded, null);
    }

    private static bool IsWellFormed(string text)
    {
        try
        {
            _ = text.Normalize(NormalizationForm.FormC);
            return true;
        }
        catch (ArgumentException)
        {
            // Unpaired surrogates cannot be normalised.
            return false;
        }
    }
}
