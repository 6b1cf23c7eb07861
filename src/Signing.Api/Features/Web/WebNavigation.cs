using System.Security.Claims;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web;

/// <summary>One entry of the main navigation: a Razor page, its name, what it is for, and who may use it.</summary>
/// <param name="Page">The page's path, e.g. <c>/Verify</c> or <c>/Inbox/Index</c>.</param>
/// <param name="Label">The name in the navigation.</param>
/// <param name="Description">What a person does there, shown on the home page.</param>
/// <param name="Roles">The roles that see it; empty for every person.</param>
public sealed record NavItem(string Page, Phrase Label, Phrase Description, IReadOnlyList<string> Roles);

/// <summary>A navigation entry a person may follow, with its link.</summary>
/// <param name="Item">The entry.</param>
/// <param name="Href">The page's URL.</param>
public sealed record NavLink(NavItem Item, string Href);

/// <summary>
/// The main navigation, in order. Entries name the pages that the signature-request and certificate issues add; an
/// entry shows only once its page exists (the link generator finds it) and only to the roles it names, so a new
/// screen appears in the header and on the home page by adding its page, and no link ever leads to a missing page.
/// </summary>
public static class WebNavigation
{
    /// <summary>The home page.</summary>
    public static readonly NavItem Home = new("/Index", ShellText.NavHome, ShellText.NavHomeDescription, []);

    /// <summary>The notifications page, which the header's counter links to as well.</summary>
    public static readonly NavItem Notifications = new("/Notifications/Index", ShellText.NavNotifications, ShellText.NavNotificationsDescription, []);

    /// <summary>Every entry, in the order the header shows them.</summary>
    public static readonly IReadOnlyList<NavItem> Items =
    [
        Home,
        new("/Inbox/Index", ShellText.NavInbox, ShellText.NavInboxDescription, [Roles.Official]),
        new("/Seal/Index", ShellText.NavSealQueue, ShellText.NavSealQueueDescription, [Roles.Clerk]),
        new("/Register/Index", ShellText.NavRegister, ShellText.NavRegisterDescription, [Roles.Clerk]),
        new("/Certificates/Index", ShellText.NavCertificates, ShellText.NavCertificatesDescription, [Roles.CertAdmin, Roles.Admin]),
        new("/Verify", ShellText.NavVerify, ShellText.NavVerifyDescription, []),
        Notifications,
        new("/Credential/Index", ShellText.NavCredential, ShellText.NavCredentialDescription, [Roles.Official, Roles.Clerk]),
    ];

    /// <summary>The entries <paramref name="person"/> may follow whose pages exist, with their links.</summary>
    public static IReadOnlyList<NavLink> For(ClaimsPrincipal person, LinkGenerator links)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(links);
        var visible = new List<NavLink>();
        foreach (var item in Items)
        {
            if ((item.Roles.Count == 0 || item.Roles.Any(person.IsInRole)) && links.GetPathByPage(item.Page) is { } href)
            {
                visible.Add(new NavLink(item, href));
            }
        }

        return visible;
    }
}
