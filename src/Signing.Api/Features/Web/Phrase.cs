using System.Globalization;

namespace Signing.Api.Features.Web;

/// <summary>
/// One visible text of the web app in both of its languages. A phrase cannot exist in one language only, so no screen
/// can show an untranslated string. Views print a phrase with <c>@</c>: its <see cref="ToString"/> is the text in the
/// request's language (<see cref="WebLanguages.Current"/>).
/// </summary>
public sealed record Phrase
{
    /// <summary>Creates a phrase; both texts are required.</summary>
    /// <param name="vi">The Vietnamese text.</param>
    /// <param name="en">The English text.</param>
    public Phrase(string vi, string en)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vi);
        ArgumentException.ThrowIfNullOrWhiteSpace(en);
        Vi = vi;
        En = en;
    }

    /// <summary>The Vietnamese text.</summary>
    public string Vi { get; }

    /// <summary>The English text.</summary>
    public string En { get; }

    /// <summary>The text in <paramref name="language"/>.</summary>
    public string In(WebLanguage language) => language == WebLanguage.English ? En : Vi;

    /// <summary>The text in the request's language, with <c>{0}</c>, <c>{1}</c>... filled in that language's culture.</summary>
    public string Format(params object?[] arguments) => string.Format(CultureInfo.CurrentCulture, ToString(), arguments);

    /// <summary>The text in the request's language.</summary>
    public override string ToString() => In(WebLanguages.Current);
}
