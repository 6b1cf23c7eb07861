using Microsoft.Playwright;
using Signing.Api.Features.Web;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The header every page shares: account, navigation, language switch, sign-out.</summary>
public sealed class SiteHeader(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Banner => page.GetByRole(AriaRole.Banner);

    public ILocator Account => page.GetByRole(AriaRole.Region, new() { Name = ShellText.Account.In(language), Exact = true });

    public ILocator Navigation => page.GetByRole(AriaRole.Navigation, new() { Name = ShellText.MainNavigation.In(language) });

    public ILocator NavigationLinks => Navigation.GetByRole(AriaRole.Link);

    public ILocator NavigationLink(Phrase name) => Navigation.GetByRole(AriaRole.Link, new() { Name = name.In(language), Exact = true });

    public ILocator SwitchLanguage => page.GetByRole(AriaRole.Button, new() { Name = ShellText.OtherLanguage.In(language), Exact = true });

    public ILocator SignOut => page.GetByRole(AriaRole.Button, new() { Name = ShellText.SignOut.In(language), Exact = true });

    public ILocator SkipLink => page.GetByRole(AriaRole.Link, new() { Name = ShellText.SkipToContent.In(language) });
}
