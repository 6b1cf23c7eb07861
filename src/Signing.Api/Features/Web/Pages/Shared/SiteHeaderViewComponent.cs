using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Signing.Api.Features.Auth;
using Signing.Api.Features.SignatureRequests;
using Signing.Storage.Accounts;
using Signing.Storage.Notifications;

namespace Signing.Api.Features.Web.Pages;

/// <summary>What the header shows: the person and their agency, their navigation, and where the switches return to.</summary>
/// <param name="Person">The signed-in person, or null on the sign-in and error pages of an anonymous visitor.</param>
/// <param name="Navigation">The entries the person may follow.</param>
/// <param name="CurrentPage">The page being shown, marked <c>aria-current</c> in the navigation.</param>
/// <param name="OtherLanguage">The language the switch offers.</param>
/// <param name="ReturnUrl">Where the language switch comes back to.</param>
/// <param name="Counters">What waits for the person, for the header's counters; null for anonymous visitors.</param>
public sealed record SiteHeaderModel(
    SignedInPerson? Person, IReadOnlyList<NavLink> Navigation, string? CurrentPage, WebLanguage OtherLanguage, string ReturnUrl, HeaderCounters? Counters);

/// <summary>The header's counters: the documents waiting for the person and their unread notifications, with links.</summary>
/// <param name="Todo">Documents whose active step waits for the person; null for people with no workflow role.</param>
/// <param name="TodoHref">Where the to-do counter leads (the inbox, or the seal queue for clerks).</param>
/// <param name="Unread">Unread notifications, counted up to 1,000.</param>
/// <param name="UnreadLabel">The count as shown: "999+" from 1,000 on.</param>
/// <param name="NotificationsHref">The notifications page.</param>
public sealed record HeaderCounters(int? Todo, string? TodoHref, int Unread, string UnreadLabel, string? NotificationsHref);

/// <summary>The header of every page, as a view component because it reads the person from the account store.</summary>
public sealed class SiteHeaderViewComponent(
    SignedInPeople people, LinkGenerator links, SignatureRequestService requests, NotificationStore notifications) : ViewComponent
{
    // The to-do list is counted up to this many; the inbox shows the rest.
    private const int CountLimit = 200;

    // Unread notifications are counted up to this many on every page and shown as "999+" beyond.
    private const int UnreadLimit = 1000;

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
        var counters = person is null ? null : await CountersAsync(person);
        return View(new SiteHeaderModel(person, navigation, ViewContext.RouteData.Values["page"] as string, other, returnUrl, counters));
    }

    private async Task<HeaderCounters> CountersAsync(SignedInPerson person)
    {
        var ct = HttpContext.RequestAborted;
        var actor = UserClaimsPrincipal.ToActor();
        int? todo = null;
        string? todoHref = null;
        if (actor.Holds(Roles.Official) || actor.Holds(Roles.Clerk))
        {
            todo = (await requests.ListAsync(actor, "todo", null, null, null, null, CountLimit, ct)).Value?.Count ?? 0;
            todoHref = actor.Holds(Roles.Official) ? links.GetPathByPage("/Inbox/Index") : links.GetPathByPage("/Seal/Index");
        }

        var unread = await notifications.UnreadCountAsync(person.User.Id, ct, UnreadLimit);
        var unreadLabel = unread >= UnreadLimit ? $"{UnreadLimit - 1}+" : unread.ToString(CultureInfo.InvariantCulture);
        return new HeaderCounters(todo, todoHref, unread, unreadLabel, links.GetPathByPage(WebNavigation.Notifications.Page));
    }
}
