using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages.Inbox;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The officials' inbox: its box tabs, its table, and the bulk-sign form with its progress.</summary>
public sealed class InboxPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = InboxText.Title.In(language), Level = 1 });

    public ILocator Tab(Phrase name) => page.GetByRole(AriaRole.Navigation, new() { Name = InboxText.Boxes.In(language) })
        .GetByRole(AriaRole.Link, new() { Name = name.In(language), Exact = true });

    public ILocator Table => page.GetByRole(AriaRole.Table);

    public ILocator Rows => Table.Locator("tbody").GetByRole(AriaRole.Row);

    public ILocator Row(string title) => Rows.Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }) });

    public ILocator Open(string title) => Table.GetByRole(AriaRole.Link, new() { Name = title, Exact = true });

    public ILocator SelectToSign(string title) => page.GetByRole(AriaRole.Checkbox, new() { Name = InboxText.SelectToSign.In(language).Replace("{0}", title, StringComparison.Ordinal), Exact = true });

    public ILocator Bulk => page.GetByRole(AriaRole.Region, new() { Name = InboxText.BulkHeading.In(language) });

    public ILocator Pin => Bulk.GetByLabel(FormText.SigningPinPhrase.In(language), new() { Exact = true });

    public ILocator BulkSign => Bulk.GetByRole(AriaRole.Button, new() { Name = InboxText.BulkSign.In(language), Exact = true });

    public ILocator Progress => page.GetByRole(AriaRole.Region, new() { Name = InboxText.ProgressHeading.In(language) }).GetByRole(AriaRole.Listitem);

    public async Task GotoAsync(string box = "todo") => await page.GotoAsync($"/inbox?box={box}");
}
