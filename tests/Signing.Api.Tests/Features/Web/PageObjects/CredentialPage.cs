using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages.Credential;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The signing-credential page: its state, the PIN form and the authenticator enrolment.</summary>
public sealed class CredentialPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator State => page.GetByRole(AriaRole.Region, new() { Name = CredentialText.StateHeading.In(language) });

    public ILocator PinForm => page.GetByRole(AriaRole.Region, new() { Name = CredentialText.PinHeading.In(language) });

    public ILocator Totp => page.GetByRole(AriaRole.Region, new() { Name = CredentialText.TotpHeading.In(language) });

    public ILocator QrCode => Totp.GetByRole(AriaRole.Img, new() { Name = CredentialText.QrCode.In(language) });

    public ILocator Done => page.GetByRole(AriaRole.Status);

    /// <summary>Sets the PIN with the account password.</summary>
    public async Task SetPinAsync(string password, string pin)
    {
        await PinForm.GetByLabel(FormText.AccountPasswordPhrase.In(language), new() { Exact = true }).FillAsync(password);
        await PinForm.GetByLabel(FormText.NewPinPhrase.In(language), new() { Exact = true }).FillAsync(pin);
        await PinForm.GetByLabel(FormText.RepeatPinPhrase.In(language), new() { Exact = true }).FillAsync(pin);
        await PinForm.GetByRole(AriaRole.Button, new() { Name = CredentialText.SavePin.In(language) }).ClickAsync();
    }

    /// <summary>Starts enrolling an authenticator and returns the secret the page shows.</summary>
    public async Task<string> StartTotpAsync(string password)
    {
        await Totp.GetByLabel(FormText.AccountPasswordPhrase.In(language), new() { Exact = true }).FillAsync(password);
        await Totp.GetByRole(AriaRole.Button, new() { Name = CredentialText.StartTotp.In(language) }).ClickAsync();
        await Assertions.Expect(QrCode).ToBeVisibleAsync();
        return (await Totp.GetByRole(AriaRole.Definition).InnerTextAsync()).Trim();
    }

    /// <summary>Confirms the enrolment with a code.</summary>
    public async Task ConfirmTotpAsync(string code)
    {
        await Totp.GetByLabel(FormText.AuthenticatorCodePhrase.In(language), new() { Exact = true }).FillAsync(code);
        await Totp.GetByRole(AriaRole.Button, new() { Name = CredentialText.ConfirmTotp.In(language) }).ClickAsync();
    }

    public async Task GotoAsync() => await page.GotoAsync("/signing-credential");
}
