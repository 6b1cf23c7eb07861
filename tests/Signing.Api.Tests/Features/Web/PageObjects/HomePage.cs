using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The home page: the greeting, the account facts and the links to what the person can do.</summary>
public sealed class HomePage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Greeting(string displayName) => page.GetByRole(AriaRole.Heading, new() { Name = HomeText.Greeting.In(language).Replace("{0}", displayName, StringComparison.Ordinal), Level = 1 });

    public ILocator Account => page.GetByRole(AriaRole.Region, new() { Name = HomeText.AccountHeading.In(language) });

    public ILocator Destinations => page.GetByRole(AriaRole.Region, new() { Name = HomeText.WhatYouCanDo.In(language) }).GetByRole(AriaRole.Link);
}
