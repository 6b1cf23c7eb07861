using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The sign-in page, found by its labels and roles (which also proves its controls are named).</summary>
public sealed class SignInPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = SignInText.Title.In(language), Level = 1 });

    public ILocator Username => page.GetByLabel(FormText.UsernamePhrase.In(language), new() { Exact = true });

    public ILocator Password => page.GetByLabel(FormText.PasswordPhrase.In(language), new() { Exact = true });

    public ILocator Submit => page.GetByRole(AriaRole.Button, new() { Name = SignInText.Submit.In(language), Exact = true });

    public ILocator CertificateSubmit => page.GetByRole(AriaRole.Button, new() { Name = SignInText.CertificateSubmit.In(language) });

    public ILocator Alert => page.GetByRole(AriaRole.Alert);

    public async Task GotoAsync() => await page.GotoAsync("/signin");

    /// <summary>Fills the form and presses the button.</summary>
    public async Task SignInAsync(string username, string password)
    {
        await Username.FillAsync(username);
        await Password.FillAsync(password);
        await Submit.ClickAsync();
    }
}
