using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Web.Pages;
using Signing.Api.Tests.Features.Web.PageObjects;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Audit;
using Signing.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Signing.Api.Tests.Features.Web;

/// <summary>The verify page in Chromium: pdf.js preview, streamed progress, results in words, the report download.</summary>
[Collection(TokenCollection.Name)]
public sealed class VerifyPageTests(WebAppFixture web, BrowserFixture browsers, ITestOutputHelper output)
    : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task SignedPdf_IsPreviewed_ProgressIsStreamed_EachSignatureIsValid_AndTheReportDownloads()
    {
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output);
        await session.RunAsync(async page =>
        {
            await SignInAsync(page);
            var verify = new VerifyPage(page);
            await verify.GotoAsync();
            await verify.Document.SetInputFilesAsync(web.SignedPdfPath);
            await Expect(verify.PreviewRegion).ToContainTextAsync(VerifyText.PreviewShown.Vi.Replace("{0}", "1", StringComparison.Ordinal));
            await Expect(verify.Preview).ToBeVisibleAsync();
            Assert.True(await verify.Preview.EvaluateAsync<bool>(
                "canvas => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.some((value, i) => i % 4 < 3 && value < 128)"),
                "pdf.js drew nothing dark on the preview canvas.");

            await verify.Check.ClickAsync();
            await Expect(verify.Results).ToBeVisibleAsync();
            await Expect(verify.Progress).ToHaveTextAsync(new[]
            {
                new Regex("^" + Regex.Escape(VerifyText.StageReceived.Vi.Split("{0}")[0]) + "quyet-dinh-da-ky\\.pdf"),
                new Regex("^" + Regex.Escape(VerifyText.StageValidating.Vi) + "$"),
                new Regex("^" + Regex.Escape(VerifyText.StageValidated.Vi.Replace("{0}", "2", StringComparison.Ordinal)) + "$"),
            });
            await Expect(verify.Signature(1)).ToContainTextAsync("Nguyễn Văn An");
            await Expect(verify.Signature(1)).ToContainTextAsync(VerifyText.Indication(Pki.Validation.Indication.TotalPassed).Vi);
            await Expect(verify.Signature(2)).ToContainTextAsync("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH");
            await Expect(verify.Signature(2)).ToContainTextAsync(VerifyText.Indication(Pki.Validation.Indication.TotalPassed).Vi);
            await Expect(verify.Results.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = VerifyText.ResultsHeading.Vi })).ToBeFocusedAsync();
            await session.ScreenshotAsync("verify-valid");

            var download = await page.RunAndWaitForDownloadAsync(() => verify.DownloadReport.ClickAsync());
            Assert.Equal("bao-cao-xac-minh.pdf", download.SuggestedFilename);
            var report = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.pdf");
            await download.SaveAsAsync(report);
            try
            {
                var text = ExternalTool.Run("pdftotext", "-enc", "UTF-8", report, "-");
                Assert.True(text.ExitCode == 0, text.Combined);
                Assert.Contains("BÁO CÁO KIỂM TRA CHỮ KÝ SỐ", text.StandardOutput, StringComparison.Ordinal);
                Assert.Contains("Nguyễn Văn An", text.StandardOutput, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(report);
            }
        });

        var audit = web.App.Services.GetRequiredService<AuditLog>();
        var records = (await audit.ReadAsync(web.App.A.Agency.Id, 0, 1000, default)).Where(record => record.Action == "verify.pdf").ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, record => Assert.Contains("indication=TotalPassed; signatures=2; via=web", record.Details, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TamperedPdf_WithoutScript_IsNotValid_AndSaysTheContentChanged()
    {
        // Progressive enhancement: with script off the form posts and the page comes back with the same results.
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output, options => options.JavaScriptEnabled = false);
        await session.RunAsync(async page =>
        {
            await SignInAsync(page);
            var verify = new VerifyPage(page);
            await verify.GotoAsync();
            await verify.Document.SetInputFilesAsync(web.TamperedPdfPath);
            await verify.Check.ClickAsync();
            await Expect(verify.Signature(1)).ToContainTextAsync(VerifyText.Indication(Pki.Validation.Indication.TotalFailed).Vi);
            await Expect(verify.Signature(1)).ToContainTextAsync("Nội dung đã bị thay đổi sau khi ký.");
            await Expect(verify.Results).ToContainTextAsync("HASH_FAILURE");
            await session.ScreenshotAsync("verify-tampered");
        });
    }

    [Fact]
    public async Task OnATablet_TheVerifyPageFitsTheWidth()
    {
        await using var session = await BrowserSession.OpenAsync(browsers, web.App.HttpAddress, output,
            options => options.ViewportSize = new() { Width = 768, Height = 1024 });
        await session.RunAsync(async page =>
        {
            await SignInAsync(page);
            var verify = new VerifyPage(page);
            await verify.GotoAsync();
            await verify.Document.SetInputFilesAsync(web.SignedPdfPath);
            await verify.Check.ClickAsync();
            await Expect(verify.Signature(2)).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                "The verify page scrolls sideways at 768 px.");
            await session.ScreenshotAsync("verify-tablet");
        });
    }

    private async Task SignInAsync(Microsoft.Playwright.IPage page)
    {
        var signIn = new SignInPage(page);
        await signIn.GotoAsync();
        await signIn.SignInAsync(web.App.A.Official.Username, ApiFactory.Password);
        await Expect(new HomePage(page).Greeting(web.App.A.Official.DisplayName)).ToBeVisibleAsync();
    }
}
