using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Signing.Api.Features.Web.Pages;

/// <summary>What the header shows: the person and their agency, their navigation, and where the switches return to.</summary>
/// <param name="Person">The signed-in person, or null on the sign-in and error pages of an anonymous visitor.</param>
/// <param name="Navigation">The entries the person may follow.</param>
/// <param name="CurrentPage">The page being shown, marked <c>aria-current</c> in the navigation.</param>
/// <param name="OtherLanguage">The language the switch offers.</param>
/// <param name="ReturnUrl">Where the language switch comes back to.</param>
public sealed record SiteHeaderModel(
    SignedInPerson? Person, IReadOnlyList<NavLink> Navigation, string? CurrentPage, WebLanguage OtherLanguage, string ReturnUrl);

/// <summary>The header of every page, as a view component because it reads the person from the account store.</summary>
public sealed class SiteHeaderViewComponent(SignedInPeople people, LinkGenerator links) : ViewComponent
{
    /// <summary>Builds the header.</summary>
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var person = await people.FindAsync(UserClaimsPrincipal, HttpContext.RequestAborted);
        IReadOnlyList<NavLink> navigation = person is null ? [] : WebNavigation.For(UserClaimsPrincipal, links);
        // On a status page the switch returns to the page that failed, not to the error page itself.
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        var returnUrl = original is null
            ? $"{Request.PathBase}{Request.Path}{Request.QueryString}"
            : $"{original.OriginalPathBase}{original.OriginalPath}{original.OriginalQueryString}";
        var other = WebLanguages.Current == WebLanguage.English ? WebLanguage.Vietnamese : WebLanguage.English;
        return View(new SiteHeaderModel(person, navigation, ViewContext.RouteData.Values["page"] as string, other, returnUrl));
    }
}
