using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages;
using Signing.Api.Tests.Features.Web.PageObjects;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Signing.Api.Tests.Features.Web;

/// <summary>Signing in and out, the language switch and the antiforgery token, in Chromium against the real service.</summary>
[Collection(TokenCollection.Name)]
public sealed class SignInTests(WebAppFixture web, BrowserFixture browsers, ITestOutputHelper output)
    : IClassFixture<WebAppFixture>, IAsyncLifetime
{
    private BrowserSession _session = null!;

    private User Official => web.App.A.Official;

    public async Task InitializeAsync() => _session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public Task WrongPassword_ShowsAnAlert_RightPassword_LandsOnHome() => _session.RunAsync(async page =>
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await signIn.SignInAsync(Official.Username, ApiFactory.RandomPassword(12));
        await Expect(signIn.Alert).ToContainTextAsync(SignInText.Refused.Vi);
        await Expect(signIn.Username).ToHaveValueAsync(Official.Username);
        await Expect(signIn.Password).ToHaveValueAsync("");
        await _session.ScreenshotAsync("sign-in-refused");

        await signIn.SignInAsync(Official.Username, ApiFactory.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(new HomePage(page).Greeting(Official.DisplayName)).ToBeVisibleAsync();
        var header = new SiteHeader(page);
        await Expect(header.Banner).ToContainTextAsync(web.App.A.Agency.Name);
        await Expect(header.Account).ToContainTextAsync(Official.DisplayName);
        await Expect(header.Account).ToContainTextAsync(ShellText.Role(Roles.Official).Vi);
        // Only pages that exist and the person's roles use are offered: an official has no seal queue, register or certificates.
        await Expect(header.NavigationLinks).ToHaveTextAsync(
            [ShellText.NavHome.Vi, ShellText.NavInbox.Vi, ShellText.NavVerify.Vi, ShellText.NavNotifications.Vi, ShellText.NavCredential.Vi]);
        await Expect(header.NavigationLink(ShellText.NavHome)).ToHaveAttributeAsync("aria-current", "page");
        await Expect(new HomePage(page).Destinations).ToHaveTextAsync(
            [ShellText.NavInbox.Vi, ShellText.NavVerify.Vi, ShellText.NavNotifications.Vi, ShellText.NavCredential.Vi]);
        await _session.ScreenshotAsync("home");
    });

    [Fact]
    public Task AnonymousVisitor_IsSentToSignIn_AndBackToThePageAsked_WhileTheApiStillAnswers401() => _session.RunAsync(async page =>
    {
        await page.GotoAsync("/verify");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fverify$"));
        await new SignInPage(page).SignInAsync(Official.Username, ApiFactory.Password);
        await Expect(new VerifyPage(page).Heading).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/verify$"));

        // Machines asking the API without credentials still get a 401 problem, never the sign-in page.
        using var anonymous = new HttpClient { BaseAddress = web.App.HttpAddress };
        var api = await anonymous.GetAsync(new Uri("api/v1/keys", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    });

    [Fact]
    public Task LanguageSwitch_TurnsThePagesEnglish_AndIsRemembered() => _session.RunAsync(async page =>
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await new SiteHeader(page).SwitchLanguage.ClickAsync();
        var english = new SignInPage(page, WebLanguage.English);
        await Expect(english.Heading).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await english.SignInAsync(Official.Username, ApiFactory.Password);

        var header = new SiteHeader(page, WebLanguage.English);
        await Expect(new HomePage(page, WebLanguage.English).Greeting(Official.DisplayName)).ToBeVisibleAsync();
        await Expect(header.NavigationLinks).ToHaveTextAsync(["Home", "Documents to sign", "Verify", "Notifications", "Signing PIN"]);
        await Expect(header.Account).ToContainTextAsync("Signing official");
        await header.NavigationLink(ShellText.NavVerify).ClickAsync();
        await Expect(new VerifyPage(page, WebLanguage.English).Heading).ToHaveTextAsync("Verify digital signatures");

        await header.SwitchLanguage.ClickAsync();
        await Expect(new VerifyPage(page).Heading).ToHaveTextAsync("Xác minh chữ ký số");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
    });

    [Fact]
    public Task SignOut_EndsTheSession() => _session.RunAsync(async page =>
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await signIn.SignInAsync(Official.Username, ApiFactory.Password);
        await new SiteHeader(page).SignOut.ClickAsync();
        await Expect(signIn.Heading).ToBeVisibleAsync();
        Assert.DoesNotContain(await _session.Context.CookiesAsync(), cookie => cookie.Name == "signing.session");

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2F$"));
    });

    [Fact]
    public Task FormPostedWithoutItsAntiforgeryToken_IsRefused() => _session.RunAsync(async page =>
    {
        // Chromium logs the refused post; that error is the point of this test.
        _session.ExpectConsoleError("status of 400");
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await page.Locator("main form input[name=__RequestVerificationToken]").EvaluateAsync("input => input.remove()");
        await signIn.Username.FillAsync(Official.Username);
        await signIn.Password.FillAsync(ApiFactory.Password);
        var response = await page.RunAndWaitForResponseAsync(() => signIn.Submit.ClickAsync(),
            response => response.Request.Method == "POST" && response.Url.Contains("/signin", StringComparison.Ordinal));
        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = ErrorText.For(400).Heading.Vi, Level = 1 })).ToBeVisibleAsync();
        Assert.DoesNotContain(await _session.Context.CookiesAsync(), cookie => cookie.Name == "signing.session");
    });

    [Fact]
    public Task Keyboard_SkipLinkComesFirst_AndSignInNeedsNoMouse() => _session.RunAsync(async page =>
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(new SiteHeader(page).SkipLink).ToBeFocusedAsync();
        await Expect(new SiteHeader(page).SkipLink).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        await Expect(signIn.Username).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(Official.Username);
        await page.Keyboard.PressAsync("Tab");
        await Expect(signIn.Password).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(ApiFactory.Password);
        await page.Keyboard.PressAsync("Enter");
        await Expect(new HomePage(page).Greeting(Official.DisplayName)).ToBeVisibleAsync();
    });

    [Fact]
    public async Task ClientCertificate_OverMtls_OpensASession()
    {
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpsAddress, output, options =>
            options.ClientCertificates =
            [
                new ClientCertificate
                {
                    Origin = web.App.HttpsAddress.GetLeftPart(UriPartial.Authority),
                    CertPath = web.ClientCertificatePath,
                    KeyPath = web.ClientKeyPath,
                },
            ]);
        await session.RunAsync(async page =>
        {
            // Pages know people by their session only: presenting the certificate is not yet being signed in.
            await page.GotoAsync("/");
            var signIn = new SignInPage(page);
            await Expect(signIn.Heading).ToBeVisibleAsync();
            await signIn.CertificateSubmit.ClickAsync();
            await Expect(new HomePage(page).Greeting(web.CertificatePerson.DisplayName)).ToBeVisibleAsync();
            await Expect(new SiteHeader(page).Account).ToContainTextAsync("Phó Chủ tịch");
        });
    }
}
