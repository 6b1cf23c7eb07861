using System.Globalization;
using System.Text;

namespace Signing.Storage.Certificates;

/// <summary>
/// Folds Vietnamese text for search: lower case, without tone marks and vowel marks, đ as d. Neither SQLite's LIKE
/// (ASCII-only case folding) nor a default PostgreSQL collation matches "nguyen" with "Nguyễn", so the inventory keeps
/// a folded copy of what people search by and folds the query the same way.
/// </summary>
public static class TextFolding
{
    /// <summary>The folded form of <paramref name="text"/>.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            folded.Append(c switch
            {
                'đ' or 'Đ' => 'd',
                _ => char.ToLowerInvariant(c),
            });
        }

        return folded.ToString();
    }

    /// <summary>A LIKE pattern that finds <paramref name="query"/> anywhere (folded, with % _ and \ escaped for <c>ESCAPE '\'</c>).</summary>
    public static string ContainsPattern(string query)
    {
        var folded = Fold(query).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
        return $"%{folded}%";
    }
}
