using System.Text.RegularExpressions;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>One attribute of a subject (<c>O=ỦY BAN NHÂN DÂN XÃ HÒA AN</c>) and whether a change gives it a new value.</summary>
/// <param name="Text">The attribute as written in the subject.</param>
/// <param name="Changed">Whether the subject before did not have it.</param>
public sealed record SubjectPart(string Text, bool Changed);

/// <summary>
/// A subject after a change, attribute by attribute, with the attributes the change gives a new value marked: in a
/// merger's plan the admin checks what changes (O, OU, e-mail) without comparing two long lines by eye.
/// </summary>
public static partial class SubjectChange
{
    /// <summary>The attributes of <paramref name="after"/>, each marked when <paramref name="before"/> lacks it.</summary>
    public static IReadOnlyList<SubjectPart> Parts(string? before, string after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var old = Split(before ?? "").ToHashSet(StringComparer.Ordinal);
        return [.. Split(after).Select(part => new SubjectPart(part, !old.Contains(part)))];
    }

    // Subjects are written "CN=…, OU=…, O=…"; a value may itself hold ", " so only a comma before the next "KEY=" splits.
    private static IEnumerable<string> Split(string subject)
        => Attribute().Split(subject).Select(part => part.Trim()).Where(part => part.Length > 0);

    [GeneratedRegex(@",\s*(?=[A-Za-z][A-Za-z0-9.]*=)")]
    private static partial Regex Attribute();
}
