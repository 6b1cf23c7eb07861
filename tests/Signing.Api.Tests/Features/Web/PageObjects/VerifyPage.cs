using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The verify page: the upload, the pdf.js preview, the progress list and the results.</summary>
public sealed class VerifyPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = VerifyText.Title.In(language), Level = 1 });

    public ILocator Document => page.GetByLabel(FormText.DocumentPhrase.In(language), new() { Exact = true });

    public ILocator Check => page.GetByRole(AriaRole.Button, new() { Name = VerifyText.Check.In(language), Exact = true });

    public ILocator DownloadReport => page.GetByRole(AriaRole.Button, new() { Name = VerifyText.DownloadReport.In(language), Exact = true });

    public ILocator Preview => page.GetByRole(AriaRole.Img, new() { Name = VerifyText.PreviewLabel.In(language) });

    public ILocator PreviewRegion => page.GetByRole(AriaRole.Region, new() { Name = VerifyText.PreviewHeading.In(language) });

    public ILocator Progress => page.GetByRole(AriaRole.Region, new() { Name = VerifyText.ProgressHeading.In(language) }).GetByRole(AriaRole.Listitem);

    public ILocator Results => page.GetByRole(AriaRole.Region, new() { Name = VerifyText.ResultsHeading.In(language) });

    /// <summary>Signature <paramref name="number"/> (from 1), an article named by its heading.</summary>
    public ILocator Signature(int number) => Results.GetByRole(AriaRole.Article, new()
    {
        NameRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(
            VerifyText.SignatureHeading.In(language).Replace("{0}", number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Split("{1}")[0])),
    });

    public async Task GotoAsync() => await page.GotoAsync("/verify");
}
