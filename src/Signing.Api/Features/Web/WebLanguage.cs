using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Signing.Api.Features.Web;

/// <summary>The languages of the web app: Vietnamese first, English on request.</summary>
public enum WebLanguage
{
    /// <summary>Vietnamese, the default.</summary>
    Vietnamese,

    /// <summary>English.</summary>
    English,
}

/// <summary>How a page request's language is chosen and remembered: a cookie set by the header's language switch.</summary>
public static class WebLanguages
{
    /// <summary>The cookie that remembers the choice.</summary>
    public const string CookieName = "signing.lang";

    /// <summary>The culture of Vietnamese pages.</summary>
    public static readonly CultureInfo VietnameseCulture = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>The culture of English pages (day-month-year dates, as Vietnamese readers expect).</summary>
    public static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The language of the current request, from the UI culture the request-localization middleware set.</summary>
    public static WebLanguage Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en"
        ? WebLanguage.English
        : WebLanguage.Vietnamese;

    /// <summary>The BCP 47 tag for the <c>lang</c> attribute.</summary>
    public static string Tag(this WebLanguage language) => language == WebLanguage.English ? "en" : "vi";

    /// <summary>The culture that formats numbers and dates in <paramref name="language"/>.</summary>
    public static CultureInfo Culture(this WebLanguage language) => language == WebLanguage.English ? EnglishCulture : VietnameseCulture;

    /// <summary>The language a tag from the language switch names, or null for an unknown tag.</summary>
    public static WebLanguage? Parse(string? tag) => tag switch
    {
        "vi" => WebLanguage.Vietnamese,
        "en" => WebLanguage.English,
        _ => null,
    };

    /// <summary>Only the cookie decides: Vietnamese is the default whatever the browser's Accept-Language says.</summary>
    internal static void Configure(RequestLocalizationOptions options)
    {
        options.DefaultRequestCulture = new RequestCulture(VietnameseCulture);
        options.SupportedCultures = [VietnameseCulture, EnglishCulture];
        options.SupportedUICultures = [VietnameseCulture, EnglishCulture];
        options.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = CookieName }];
    }

    /// <summary>Remembers <paramref name="language"/> for a year.</summary>
    internal static void Remember(HttpResponse response, WebLanguage language)
    {
        var culture = language.Culture();
        response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)), new CookieOptions
        {
            Expires = DateTimeOffset.UtcNow.AddYears(1),
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
        });
    }
}
