using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpNet;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages;
using Signing.Api.Features.Web.Pages.Inbox;
using Signing.Api.Features.Web.Pages.Notifications;
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
            await Expect(credential.Done).ToHaveTextAsync(global::Signing.Api.Features.Web.Pages.Credential.CredentialText.PinSaved.Vi);
            var secret = await credential.StartTotpAsync(ApiFactory.Password);
            var authenticator = new Totp(Base32Encoding.ToBytes(secret));
            await credential.ConfirmTotpAsync(authenticator.ComputeTotp());
            await Expect(credential.Done).ToHaveTextAsync(global::Signing.Api.Features.Web.Pages.Credential.CredentialText.TotpSaved.Vi);
            await Expect(credential.State).ToContainTextAsync(global::Signing.Api.Features.Web.Pages.Credential.CredentialText.Enrolled.Vi);

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

            // The code that confirmed the enrolment is spent (RFC 6238 5.2), so the official types the app's next one.
            await request.Label(request.Sign, global::Signing.Api.Features.Web.FormText.OneTimeCodePhrase).FillAsync(authenticator.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
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

    [Fact]
    public async Task Clerk_SeesTheNumberBeforeRegistering_SealsAndCopies_ThenFiltersAndExportsTheRegister()
    {
        var pin = await web.SetPinAsync(Official);
        var clerkPin = await web.SetPinAsync(web.Clerk);
        var issued = await web.SubmitAsync("Quyết định về việc ban hành quy chế làm việc", web.ChairmanThenClerks(copy: true));
        var other = await web.SubmitAsync("Quyết định về việc kiện toàn ban chỉ đạo", web.ChairmanThenClerks());
        var official = SignatureRequestWebFixture.ActorOf(Official);
        var clerk = SignatureRequestWebFixture.ActorOf(web.Clerk);
        foreach (var request in new[] { issued, other })
        {
            var signed = await web.Requests.SignAsync(official, request.Id, request.Steps[0].Id, new StepAction(request.HeadSha256, Pin: pin), default);
            Assert.True(signed.Failure is null, signed.Failure?.Detail);
        }

        // The other one is registered first, so the number the page offers is not simply 01.
        var otherView = (await web.Requests.ViewAsync(clerk, other.Id, default)).Value!;
        Assert.Null((await web.Requests.RegisterStepAsync(clerk, other.Id, otherView.Steps[1].Id, new StepAction(otherView.HeadSha256), default)).Failure);

        // Yesterday (or tomorrow on 1 January, so the counter's year stays the same): the date is the clerk's to change.
        var today = VietnamTime.Today(TimeProvider.System);
        var issuedOn = today.DayOfYear == 1 ? today.AddDays(1) : today.AddDays(-1);
        var preview = (await web.Requests.NextNumberAsync(clerk, issued.Id, issuedOn, default)).Value!;
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);
        await session.RunAsync(async page =>
        {
            await SignInAsync(page, web.Clerk);
            var header = new SiteHeader(page);

            // The workflow told the clerk; reading it marks it read.
            await header.Banner.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^" + Regex.Escape(ShellText.UnreadCounter.Vi.Split("{0}")[0])) }).ClickAsync();
            var notifications = new NotificationsPage(page);
            await Expect(notifications.Heading).ToBeVisibleAsync();
            var waiting = notifications.Items.Filter(new() { HasText = issued.Title });
            await Expect(waiting).ToContainTextAsync("Văn bản chờ vào số");
            var unread = await notifications.Items.Filter(new() { HasText = NotificationText.Unread.Vi }).CountAsync();
            await waiting.GetByRole(AriaRole.Button, new() { Name = NotificationText.MarkRead.Vi }).ClickAsync();
            await Expect(notifications.Items.Filter(new() { HasText = NotificationText.Unread.Vi })).ToHaveCountAsync(unread - 1);

            await header.NavigationLink(ShellText.NavSealQueue).ClickAsync();
            var queue = new SealQueuePage(page);
            await Expect(queue.Row(issued.Title)).ToContainTextAsync(RequestText.StepKind(StepKinds.Register).Vi);
            await queue.Open(issued.Title).ClickAsync();

            // The number and symbol are shown before anything is taken; confirming takes exactly them.
            var request = new RequestPage(page);
            await Expect(request.Register).ToContainTextAsync(preview.Symbol);
            Assert.Equal(preview.Number, (await web.Requests.NextNumberAsync(clerk, issued.Id, issuedOn, default)).Value!.Number);
            await request.Label(request.Register, FormText.IssuedDatePhrase).FillAsync(issuedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await Expect(request.Preview).ToHaveAttributeAsync("data-state", "shown");
            await session.ScreenshotAsync("register-preview");
            await request.Button(request.Register, RequestText.Register).ClickAsync();
            await Expect(request.Done("register")).ToBeVisibleAsync();
            await Expect(request.Facts).ToContainTextAsync(preview.Symbol);
            await Expect(request.Facts).ToContainTextAsync(issuedOn.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture));

            // The seal goes over the left third of the chairman's image: outlined before it is placed.
            await Expect(request.PlannedSeal).ToBeVisibleAsync();
            await request.Label(request.Seal, FormText.SigningPinPhrase).FillAsync(clerkPin);
            await request.Button(request.Seal, RequestText.Seal).ClickAsync();
            await Expect(request.Done("seal")).ToBeVisibleAsync();

            await request.Copy.GetByRole(AriaRole.Checkbox, new() { Name = RequestText.CopyForm("sao-luc").Vi }).CheckAsync();
            await request.Label(request.Copy, FormText.SigningPinPhrase).FillAsync(clerkPin);
            await request.Button(request.Copy, RequestText.Copy).ClickAsync();
            await Expect(request.Done("copy")).ToBeVisibleAsync();
            await Expect(request.Facts).ToContainTextAsync(RequestText.State(RequestStates.Completed).Vi);
            await Expect(request.Preview).ToHaveAttributeAsync("data-state", "shown");
            await session.ScreenshotAsync("issued");

            // The register: both rows, then the filtered one, and the same rows downloaded.
            await header.NavigationLink(ShellText.NavRegister).ClickAsync();
            var register = new RegisterPage(page);
            await Expect(register.Rows).ToHaveCountAsync(2);
            await register.Search.FillAsync("quy chế");
            await register.Filter.ClickAsync();
            await Expect(register.Rows).ToHaveCountAsync(1);
            await Expect(register.Rows.First).ToContainTextAsync(preview.Symbol);
            await Expect(register.Rows.First).ToContainTextAsync(issued.Title);
            await session.ScreenshotAsync("register");

            var csv = await DownloadAsync(page, register.Csv);
            var csvText = System.Text.Encoding.UTF8.GetString(csv);
            Assert.Contains(preview.Symbol, csvText, StringComparison.Ordinal);
            Assert.DoesNotContain(other.Title, csvText, StringComparison.Ordinal);
            var printable = web.TextOf(await DownloadAsync(page, register.Pdf));
            Assert.Contains("SỔ ĐĂNG KÝ VĂN BẢN ĐI", printable, StringComparison.Ordinal);
            Assert.Contains(preview.Symbol, printable, StringComparison.Ordinal);
        });

        var (final, signers) = await web.CheckedDocumentAsync(issued.Id, expectedSignatures: 2);
        Assert.Equal(["Nguyễn Văn An", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH"], signers);
        var text = web.TextOf(final);
        Assert.Contains($"Số: {preview.Symbol}", text, StringComparison.Ordinal);
        Assert.Contains(global::Signing.Pdf.Text.RegistrationOverlays.DateLine(issuedOn), text, StringComparison.Ordinal);
        var view = (await web.Requests.ViewAsync(clerk, issued.Id, default)).Value!;
        Assert.Equal(RequestStates.Completed, view.State);
        Assert.Equal([100L, 101L], view.Documents.Where(d => d.Kind == "copy").Select(d => d.Index).Order());
        foreach (var copy in new[] { 100L, 101L })
        {
            // A copy is the issued document with the agency's copy stamp on top.
            await web.CheckedDocumentAsync(issued.Id, expectedSignatures: 3, index: copy);
        }
    }

    [Fact]
    public async Task AnotherAgencysRequestIsRefused403_AFormWithoutItsTokenIsRefused_AndTheOfficialReviewsCommentsDelegatesAndRejects()
    {
        var bySelf = new RouteStepSpec(StepKinds.Sign, [web.Deputy.Username], null, null, null, "CHỦ TỊCH", null, null);
        var rejected = await web.SubmitAsync("Quyết định về việc điều động cán bộ", [bySelf]);
        var delegated = await web.SubmitAsync("Quyết định về việc cử cán bộ đi học", [bySelf]);
        var reviewed = await web.SubmitAsync("Tờ trình về việc mua sắm thiết bị", [
            new(StepKinds.Review, [web.Deputy.Username], null, null, null, null, null, null),
            new(StepKinds.Sign, [web.ThirdOfficial.Username], null, null, null, "CHỦ TỊCH", null, null)]);

        await using (var outsider = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output))
        {
            // The refused document fetch is logged by the browser; it is what this test expects.
            outsider.ExpectConsoleError("403 (Forbidden)");
            await outsider.RunAsync(async page =>
            {
                await SignInAsync(page, web.App.B.Official);
                var response = await new RequestPage(page).GotoAsync(rejected.Id);
                Assert.Equal(403, response!.Status);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = ErrorText.For(403).Heading.Vi, Level = 1 })).ToBeVisibleAsync();
                await Expect(page.GetByText(rejected.Title)).ToHaveCountAsync(0);
                // Nor its bytes, nor a request that does not exist (which looks the same).
                Assert.Equal(403, (await page.APIRequest.GetAsync($"/yeu-cau/{rejected.Id}?handler=Document&revision=0")).Status);
                Assert.Equal(403, (await new RequestPage(page).GotoAsync(new string('0', 32)))!.Status);
                await outsider.ScreenshotAsync("other-agency-403");
            });
        }

        // On a tablet.
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output,
            options => options.ViewportSize = new() { Width = 768, Height = 1024 });
        await session.RunAsync(async page =>
        {
            await SignInAsync(page, web.Deputy);
            var request = new RequestPage(page);
            await request.GotoAsync(rejected.Id);
            await Expect(request.Heading(rejected.Title)).ToBeVisibleAsync();
            await Expect(request.Preview).ToHaveAttributeAsync("data-state", "shown");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                "The request page scrolls sideways at 768 px.");

            // The same session posting the reject form without its antiforgery token is refused, and nothing changes.
            var forged = await page.APIRequest.PostAsync($"/yeu-cau/{rejected.Id}?handler=Reject", new()
            {
                Form = page.Context.APIRequest.CreateFormData()
                    .Set("StepId", rejected.Steps[0].Id).Set("ExpectedSha256", rejected.HeadSha256!).Set("Refusal.Reason", "Giả mạo"),
            });
            Assert.Equal(400, forged.Status);
            Assert.Equal(RequestStates.InProgress, (await web.Requests.ViewAsync(SignatureRequestWebFixture.ActorOf(web.Deputy), rejected.Id, default)).Value!.State);

            await request.Label(request.Comment, FormText.CommentPhrase).FillAsync("Đề nghị bổ sung căn cứ pháp lý.");
            await request.Button(request.Comment, RequestText.AddComment).ClickAsync();
            await Expect(request.Done("comment")).ToBeVisibleAsync();
            await Expect(request.History).ToContainTextAsync("Đề nghị bổ sung căn cứ pháp lý.");

            // A rejection needs a reason: the server says so in the person's language, then takes it.
            await request.Button(request.Refuse, RequestText.Reject).ClickAsync();
            await Expect(request.Alert).ToContainTextAsync(FormText.RequiredPhrase.Vi.Replace("{0}", FormText.ReasonPhrase.Vi, StringComparison.Ordinal));
            await request.Label(request.Refuse, FormText.ReasonPhrase).FillAsync("Chưa đủ căn cứ pháp lý.");
            await request.Button(request.Refuse, RequestText.Reject).ClickAsync();
            await Expect(request.Done("reject")).ToBeVisibleAsync();
            await Expect(request.Facts).ToContainTextAsync(RequestText.State(RequestStates.Rejected).Vi);
            await Expect(request.History).ToContainTextAsync("Chưa đủ căn cứ pháp lý.");

            await request.GotoAsync(delegated.Id);
            await request.Delegate.GetByLabel(FormText.DelegateToPhrase.Vi, new() { Exact = true }).SelectOptionAsync(web.ThirdOfficial.Username);
            await request.Delegate.GetByLabel(FormText.CapacityPhrase.Vi, new() { Exact = true }).SelectOptionAsync(Capacities.ByOrder);
            await request.Button(request.Delegate, RequestText.Delegate).ClickAsync();
            await Expect(request.Done("delegate")).ToBeVisibleAsync();
            await Expect(request.Route).ToContainTextAsync(RequestText.DelegatedTo.Vi.Replace("{0}", web.ThirdOfficial.DisplayName, StringComparison.Ordinal)
                .Replace("{1}", RequestText.Capacity(Capacities.ByOrder).Vi, StringComparison.Ordinal));

            await request.GotoAsync(reviewed.Id);
            await request.Button(request.Section(RequestText.ApproveHeading), RequestText.Approve).ClickAsync();
            await Expect(request.Done("approve")).ToBeVisibleAsync();
            await Expect(request.Actions).ToContainTextAsync(RequestText.NothingToDo.Vi);

            // The same page in English.
            await new SiteHeader(page).SwitchLanguage.ClickAsync();
            var english = new RequestPage(page, WebLanguage.English);
            await Expect(english.Route).ToContainTextAsync(RequestText.StepHeading.En.Replace("{0}", "1", StringComparison.Ordinal)
                .Replace("{1}", RequestText.StepKind(StepKinds.Review).En, StringComparison.Ordinal));
            await Expect(english.History).ToContainTextAsync(RequestText.HistoryAction("approve").En);
            await session.ScreenshotAsync("request-tablet-english");
        });

        var third = SignatureRequestWebFixture.ActorOf(web.ThirdOfficial);
        Assert.Equal(web.ThirdOfficial.Id, (await web.Requests.ViewAsync(third, delegated.Id, default)).Value!.Steps[0].DelegateTo);
        Assert.Contains((await web.Requests.ViewAsync(third, reviewed.Id, default)).Value!.Actions, a => a.Action == "sign");
    }

    [Fact]
    public async Task Official_SignsWithTheUsbToken_ThePageHandsTheDeskSignerItsUrls_OrShowsThem_AndSeesTheStepComplete()
    {
        var unanswered = await web.SubmitAsync("Quyết định về việc phân công nhiệm vụ", web.ChairmanThenClerks());
        var answered = await web.SubmitAsync("Quyết định về việc công nhận danh hiệu", web.ChairmanThenClerks());
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);
        // The refused WebSocket of a desk signer that is not running is logged by the browser; it is part of this test.
        session.ExpectConsoleError("WebSocket connection to");
        await session.RunAsync(async page =>
        {
            await SignInAsync(page, Official);
            var request = new RequestPage(page);

            // No desk signer answers: the page shows the two one-time URLs, the person gives them to it by hand, and the
            // page notices the step completing.
            web.Desk.Answering = false;
            await request.GotoAsync(unanswered.Id);
            await request.Button(request.Sign, RequestText.DeskSign).ClickAsync();
            var status = request.Sign.GetByRole(AriaRole.Status);
            await Expect(status).ToContainTextAsync(RequestText.DeskUnavailable.Vi.Replace("{0}", web.Desk.Url, StringComparison.Ordinal));
            var urls = status.GetByRole(AriaRole.Definition);
            await Expect(urls).ToHaveCountAsync(2);
            await session.ScreenshotAsync("desk-unavailable");
            await web.Desk.SignAsync(await urls.Nth(0).InnerTextAsync(), await urls.Nth(1).InnerTextAsync());
            await Expect(request.Done("desk")).ToBeVisibleAsync();
            await Expect(request.Route.GetByRole(AriaRole.Listitem).First).ToContainTextAsync(RequestText.StepState(StepStates.Done).Vi);

            // The desk signer runs: it gets the URLs and the session over its WebSocket, signs and uploads.
            web.Desk.Answering = true;
            await request.GotoAsync(answered.Id);
            await request.Button(request.Sign, RequestText.DeskSign).ClickAsync();
            await Expect(request.Done("desk")).ToBeVisibleAsync();
            Assert.Single(web.Desk.Messages, message => message.GetProperty("SessionId").GetString()!.Length > 0
                && message.GetProperty("FileName").GetString()!.StartsWith(web.App.HttpAddress.ToString().TrimEnd('/'), StringComparison.Ordinal));
        });

        Assert.Equal([System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.OK], web.Desk.Uploads);
        foreach (var signed in new[] { unanswered, answered })
        {
            var (_, signers) = await web.CheckedDocumentAsync(signed.Id, expectedSignatures: 1);
            Assert.Equal(["Nguyễn Văn An"], signers);
        }
    }

    private static async Task<byte[]> DownloadAsync(IPage page, ILocator link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllBytesAsync(path);
    }

    // The outline sits where the server planned the block: its rectangle in PDF points (from the page's lower-left
    // corner, on an A4 page) scaled onto the canvas, y turned downwards.
    private static async Task AssertOutlineInsideCanvasAsync(RequestPage request)
    {
        var canvas = (await request.PreviewPage.BoundingBoxAsync())!;
        var outline = (await request.PlannedSignature.BoundingBoxAsync())!;
        var planned = (await request.Preview.Locator("[data-kind=sign]").GetAttributeAsync("data-rect"))!
            .Split(',').Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        var scale = canvas.Width / global::Signing.Pdf.Drawing.PdfDocumentBuilder.A4Width;
        Assert.InRange(outline.X, canvas.X + (planned[0] * scale) - 2, canvas.X + (planned[0] * scale) + 2);
        Assert.InRange(outline.Y, canvas.Y + ((global::Signing.Pdf.Drawing.PdfDocumentBuilder.A4Height - planned[1] - planned[3]) * scale) - 2,
            canvas.Y + ((global::Signing.Pdf.Drawing.PdfDocumentBuilder.A4Height - planned[1] - planned[3]) * scale) + 2);
        Assert.InRange(outline.Width, (planned[2] * scale) - 2, (planned[2] * scale) + 2);
        Assert.True(outline.X + (outline.Width / 2) > canvas.X + (canvas.Width / 2), "The signature block is not on the right, under the signer's title.");
    }

    private static async Task SignInAsync(IPage page, User user)
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await signIn.SignInAsync(user.Username, ApiFactory.Password);
        await Expect(new HomePage(page).Greeting(user.DisplayName)).ToBeVisibleAsync();
    }
}
