using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages.Notifications;
using Signing.Api.Features.Web.Pages.Register;
using Signing.Api.Features.Web.Pages.Seal;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The clerks' seal queue.</summary>
public sealed class SealQueuePage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = SealText.Title.In(language), Level = 1 });

    public ILocator Row(string title) => page.GetByRole(AriaRole.Table).Locator("tbody").GetByRole(AriaRole.Row)
        .Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }) });

    public ILocator Open(string title) => page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link, new() { Name = title, Exact = true });
}

/// <summary>The register of outgoing documents: filters, exports, rows.</summary>
public sealed class RegisterPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = RegisterText.Title.In(language), Level = 1 });

    public ILocator Filters => page.GetByRole(AriaRole.Form, new() { Name = RegisterText.Filters.In(language) });

    public ILocator Search => Filters.GetByLabel(FormText.SearchPhrase.In(language), new() { Exact = true });

    public ILocator Series => Filters.GetByLabel(FormText.SeriesPhrase.In(language), new() { Exact = true });

    public ILocator Filter => Filters.GetByRole(AriaRole.Button, new() { Name = RegisterText.Filter.In(language), Exact = true });

    public ILocator Rows => page.GetByRole(AriaRole.Table).Locator("tbody").GetByRole(AriaRole.Row);

    public ILocator Csv => page.GetByRole(AriaRole.Link, new() { Name = RegisterText.Csv.In(language), Exact = true });

    public ILocator Pdf => page.GetByRole(AriaRole.Link, new() { Name = RegisterText.Pdf.In(language), Exact = true });
}

/// <summary>The notifications page.</summary>
public sealed class NotificationsPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = NotificationText.Title.In(language), Level = 1 });

    public ILocator Items => page.GetByRole(AriaRole.Article);

    public ILocator Unread => page.GetByText(NotificationText.UnreadCount.In(language).Split("{0}")[0]);

    public ILocator MarkRead(string title) => page.GetByRole(AriaRole.Button,
        new() { Name = NotificationText.MarkReadNamed.In(language).Replace("{0}", title, StringComparison.Ordinal), Exact = true });

    public ILocator MarkAllRead => page.GetByRole(AriaRole.Button, new() { Name = NotificationText.MarkAllRead.In(language), Exact = true });
}
