using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Signing.Api.Features.Dossiers;
using Signing.Api.Features.Mergers;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Live;
using Signing.Api.Features.Web.Pages;
using Signing.Api.Features.Web.Pages.Certificates;
using Signing.Api.Features.Web.Pages.Certificates.Mergers;
using Signing.Api.Tests.Features.Web.PageObjects;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The certificate admins' pages in Chromium against the real service: the dashboard shows the chairman's certificate
/// expiring, its detail shows its chain and links, and the merger wizard takes the two communes through to a dossier;
/// another agency's certificate admin is refused (403), and so is a wizard form without its antiforgery token.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class CertificatePagesTests(CertificateWebFixture web, BrowserFixture browsers, ITestOutputHelper output)
    : IClassFixture<CertificateWebFixture>
{
    private const string NewAgencyName = "ỦY BAN NHÂN DÂN XÃ HÒA AN";

    [Fact]
    public async Task Admin_SeesTheExpiringCertificate_ThenTakesTheMergerWizardThroughToADossier()
    {
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);
        await session.RunAsync(async page =>
        {
            await SignInAsync(page, web.CertAdmin);
            var pages = new CertificatePages(page);
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = ShellText.NavCertificates.Vi }).First.ClickAsync();

            // The dashboard: counts by status, the 90-day chart and the table behind it, the chairman's certificate soonest.
            await Expect(pages.Heading(CertificateText.DashboardTitle.Vi)).ToBeVisibleAsync();
            var counts = pages.Region(CertificateText.CountsHeading.Vi);
            await Expect(counts.GetByRole(AriaRole.Link, new() { Name = "1 " + CertificateText.StatusName(CertificateStatuses.Expiring).Vi })).ToBeVisibleAsync();
            await Expect(counts.GetByRole(AriaRole.Link, new() { Name = "2 " + CertificateText.StatusName(CertificateStatuses.Active).Vi })).ToBeVisibleAsync();
            await Expect(pages.ExpiryChart).ToBeVisibleAsync();
            await Expect(pages.ExpiryChart.Locator("rect")).ToHaveCountAsync(2);
            var expiring = pages.Table(CertificateText.ExpiringCaption.Vi.Replace("{0}", "2", StringComparison.Ordinal));
            await Expect(pages.Rows(expiring)).ToHaveCountAsync(2);
            await Expect(pages.Rows(expiring).First).ToContainTextAsync("Nguyễn Văn An");
            await Expect(pages.Rows(expiring).First).ToContainTextAsync(CertificateText.StatusName(CertificateStatuses.Expiring).Vi);
            await session.ScreenshotAsync("dashboard");

            // Its detail: subject, chain up to the root, history, linked person.
            await pages.Rows(expiring).First.GetByRole(AriaRole.Link, new() { Name = "Nguyễn Văn An" }).ClickAsync();
            await Expect(pages.Heading("Nguyễn Văn An")).ToBeVisibleAsync();
            await Expect(pages.Region(CertificateText.SubjectHeading.Vi)).ToContainTextAsync("an@hoabinh.gov.vn");
            await Expect(pages.Region(CertificateText.ChainHeading.Vi).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
            // Its status history: one change so far, its entry into the inventory (expiring already, with 20 days left).
            var history = pages.Table(CertificateText.HistoryCaption.Vi.Replace("{0}", "1", StringComparison.Ordinal));
            await Expect(pages.Rows(history)).ToHaveCountAsync(1);
            await Expect(pages.Rows(history).First).ToContainTextAsync(
                CertificateText.EventAdded.Vi.Replace("{0}", CertificateText.SourceName("upload").Vi, StringComparison.Ordinal));
            await Expect(pages.Region(CertificateText.LinksHeading.Vi)).ToContainTextAsync($"Nguyễn Văn An ({web.App.A.Official.Username})");
            await Expect(pages.Region(CertificateText.LinksHeading.Vi)).ToContainTextAsync("TK-0042");
            await session.ScreenshotAsync("certificate");

            // The list filtered to agency certificates.
            await pages.Tab(CertificateText.AllCertificates.Vi).ClickAsync();
            await page.GetByLabel(CertificateText.Kind.Vi, new() { Exact = true }).SelectOptionAsync(CertificateKinds.Agency);
            await page.GetByRole(AriaRole.Button, new() { Name = CertificateText.Apply.Vi }).ClickAsync();
            var list = pages.Table(CertificateText.ListCaption.Vi.Replace("{0}", "1", StringComparison.Ordinal));
            await Expect(pages.Rows(list)).ToHaveCountAsync(1);
            await Expect(pages.Rows(list).First).ToContainTextAsync(web.App.A.Agency.Name);

            // The wizard: 1 agencies, 2 the new agency, 3 the people, 4 the plan, 5 confirm.
            await pages.Tab(CertificateText.StartMerger.Vi).ClickAsync();
            var wizard = new MergerWizard(page);
            await Expect(wizard.CurrentStep).ToContainTextAsync(MergerText.StepAgencies.Vi);
            await Expect(wizard.Agency($"{web.App.A.Agency.Name} ({web.App.A.Agency.Code})")).ToBeCheckedAsync();
            await wizard.Button(MergerText.Next.Vi).ClickAsync();
            await Expect(wizard.Alert).ToContainTextAsync(MergerText.TooFewAgencies.Vi);
            await wizard.Agency($"{web.App.B.Agency.Name} ({web.App.B.Agency.Code})").CheckAsync();
            await wizard.Button(MergerText.Next.Vi).ClickAsync();

            await Expect(wizard.CurrentStep).ToContainTextAsync(MergerText.StepNewAgency.Vi);
            await wizard.Field(MergerText.Name.Vi).FillAsync(NewAgencyName);
            await wizard.Field(MergerText.Code.Vi).FillAsync("000.00.33.H42");
            await wizard.Field(MergerText.ParentBody.Vi).FillAsync("ỦY BAN NHÂN DÂN HUYỆN THANH SƠN");
            await wizard.Button(MergerText.Next.Vi).ClickAsync();

            await Expect(wizard.CurrentStep).ToContainTextAsync(MergerText.StepPeople.Vi);
            await wizard.Field(MergerText.MappingFile.Vi).SetInputFilesAsync(web.MappingPath);
            await wizard.Button(MergerText.Import.Vi).ClickAsync();
            await Expect(wizard.Status).ToHaveTextAsync(MergerText.Imported.Vi.Replace("{0}", "2", StringComparison.Ordinal));
            // The import ran through its live progress: the bar is full.
            var importProgress = page.GetByRole(AriaRole.Progressbar, new() { Name = ProgressText.Heading.Vi });
            await Expect(importProgress).ToHaveAttributeAsync("value", "1");
            await wizard.Link(MergerText.Next.Vi).ClickAsync();

            await Expect(wizard.CurrentStep).ToContainTextAsync(MergerText.StepReview.Vi);
            var plan = pages.Table(MergerText.ItemsCaption.Vi.Replace("{0}", "5", StringComparison.Ordinal));
            await Expect(pages.Rows(plan)).ToHaveCountAsync(5);
            var chairman = pages.Row(plan, web.App.A.Official.Username);
            await Expect(chairman).ToContainTextAsync($"O={web.App.A.Agency.Name}");
            await Expect(chairman.Locator("mark")).ToHaveTextAsync([$"{CertificateText.ChangedAttribute.Vi} O={NewAgencyName}", $"{CertificateText.ChangedAttribute.Vi} E=an@hoaan.gov.vn"]);
            await Expect(pages.Row(plan, web.App.B.Official.Username)).ToContainTextAsync(MergerText.Revoked.Vi);
            // The deputy is not in the mapping: the plan says so, in Vietnamese.
            await Expect(pages.Region(MergerText.FlagsHeading.Vi)).ToContainTextAsync(
                $"{web.Deputy.Username}: {PlanFlagText.Of("not in the mapping: moves with the same unit, position and e-mail").Vi}");
            await session.ScreenshotAsync("merger-plan");
            await wizard.Link(MergerText.Next.Vi).ClickAsync();

            await Expect(wizard.CurrentStep).ToContainTextAsync(MergerText.StepConfirm.Vi);
            await wizard.Button(MergerText.ConfirmButton.Vi).ClickAsync();

            // The dossier the confirmation made, with its five requests and no due date until it is sent.
            await Expect(pages.Heading($"Hồ sơ sáp nhập thành {NewAgencyName}")).ToBeVisibleAsync();
            await Expect(page.GetByText(CertificateText.DossierStateName(DossierStates.Draft).Vi, new() { Exact = true })).ToBeVisibleAsync();
            var items = pages.Table(CertificateText.RequestsCaption.Vi.Replace("{0}", "5", StringComparison.Ordinal));
            await Expect(pages.Rows(items)).ToHaveCountAsync(5);
            await session.ScreenshotAsync("dossier");

            // Its PDF, rendered with live progress and offered to save.
            await page.GetByRole(AriaRole.Button, new() { Name = CertificateText.RenderPdf.Vi }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = CertificateText.SavePdf.Vi })).ToBeVisibleAsync();
            await Expect(page.GetByText("Đã tạo bản PDF: 5 đề nghị", new() { Exact = false })).ToBeVisibleAsync();
            await session.ScreenshotAsync("dossier-rendered");

            await pages.Tab(CertificateText.RequestsTitle.Vi).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Hồ sơ sáp nhập thành {NewAgencyName}" })).ToBeVisibleAsync();

            // The same page in English.
            await new SiteHeader(page).SwitchLanguage.ClickAsync();
            await Expect(pages.Heading(CertificateText.RequestsTitle.En)).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Cell, new() { Name = CertificateText.DossierStateName(DossierStates.Draft).En, Exact = true })).ToBeVisibleAsync();
        });

        var dossiers = await web.App.Services.GetRequiredService<DossierService>().ListAsync(web.ActorOf(web.CertAdmin), null, false, 10, default);
        Assert.Equal(DossierStates.Draft, Assert.Single(dossiers.Value!).State);
    }

    [Fact]
    public async Task AnotherAgencysCertificateAdmin_Gets403_AndAWizardFormWithoutItsTokenIsRefused()
    {
        // A merger agency A's admin planned (and has not confirmed).
        var planned = await web.App.Services.GetRequiredService<MergerService>().CreateAsync(web.ActorOf(web.CertAdmin),
            new MergerInput([web.App.A.Agency.Code, web.App.B.Agency.Code], new NewAgency("ỦY BAN NHÂN DÂN XÃ HÒA THỊNH", "Tỉnh Phú Thọ", "000.00.34.H42",
                "ỦY BAN NHÂN DÂN HUYỆN THANH SƠN"), null, null), default);
        Assert.True(planned.Failure is null, planned.Failure?.Detail);

        // On a tablet.
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output,
            options => options.ViewportSize = new() { Width = 768, Height = 1024 });
        // The refused page load is logged by the browser; it is what this test expects.
        session.ExpectConsoleError("403 (Forbidden)");
        await session.RunAsync(async page =>
        {
            await SignInAsync(page, web.OtherCertAdmin);
            var pages = new CertificatePages(page);
            Assert.Equal(403, (await pages.GotoCertificateAsync(web.ExpiringId))!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = ErrorText.For(403).Heading.Vi, Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText("an@hoabinh.gov.vn")).ToHaveCountAsync(0);
            Assert.Equal(403, (await page.APIRequest.GetAsync($"/certificates/{web.ExpiringId}?handler=Pem")).Status);
            await session.ScreenshotAsync("other-agency-403");
            Assert.Equal(403, (await page.GotoAsync($"/certificates/mergers/{planned.Value!.Id}"))!.Status);
            Assert.Equal(403, (await page.GotoAsync($"/certificates/mergers/{planned.Value!.Id}/people"))!.Status);
            Assert.Equal(403, (await page.GotoAsync($"/certificates/mergers/{planned.Value!.Id}/confirm"))!.Status);

            // Their own dashboard does not count agency A's certificates.
            await pages.GotoDashboardAsync();
            await Expect(pages.Region(CertificateText.CountsHeading.Vi).GetByRole(AriaRole.Link, new() { Name = "2 " + CertificateText.StatusName(CertificateStatuses.Active).Vi })).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                "The dashboard scrolls sideways at 768 px.");
            await session.ScreenshotAsync("dashboard-tablet");

            // The wizard's first form posted by the same session without its antiforgery token.
            var forged = await page.APIRequest.PostAsync("/certificates/mergers/new", new()
            {
                Form = page.Context.APIRequest.CreateFormData().Set("Codes", web.App.A.Agency.Code).Set("Codes", web.App.B.Agency.Code),
            });
            Assert.Equal(400, forged.Status);
        });

        // An official is no certificate admin.
        await using var official = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);
        official.ExpectConsoleError("403 (Forbidden)");
        await official.RunAsync(async page =>
        {
            await SignInAsync(page, web.Deputy);
            Assert.Equal(403, (await new CertificatePages(page).GotoDashboardAsync())!.Status);
        });
    }

    private static async Task SignInAsync(IPage page, User user)
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await signIn.SignInAsync(user.Username, ApiFactory.Password);
        await Expect(new HomePage(page).Greeting(user.DisplayName)).ToBeVisibleAsync();
    }
}
