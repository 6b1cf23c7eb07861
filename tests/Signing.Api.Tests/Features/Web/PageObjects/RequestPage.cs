using Microsoft.Playwright;
using Signing.Api.Features.Web;
using Signing.Api.Features.Web.Pages.Requests;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>A request's page: the preview with its outlines, the route, and the action forms, each a named region.</summary>
public sealed class RequestPage(IPage page, WebLanguage language = WebLanguage.Vietnamese)
{
    public ILocator Heading(string title) => page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 });

    public ILocator Preview => page.GetByRole(AriaRole.Region, new() { Name = RequestText.PreviewHeading.In(language) });

    public ILocator PreviewPage => Preview.GetByRole(AriaRole.Img, new() { Name = RequestText.PreviewLabel.In(language) });

    public ILocator PlannedSignature => Preview.GetByRole(AriaRole.Img, new() { Name = RequestText.PlannedSignatureBox.In(language) });

    public ILocator PlannedSeal => Preview.GetByRole(AriaRole.Img, new() { Name = RequestText.PlannedSealBox.In(language) });

    public ILocator Facts => page.GetByRole(AriaRole.Region, new() { Name = RequestText.FactsHeading.In(language) });

    public ILocator Route => page.GetByRole(AriaRole.Region, new() { Name = RequestText.RouteHeading.In(language) });

    public ILocator History => page.GetByRole(AriaRole.Region, new() { Name = RequestText.HistoryHeading.In(language) });

    public ILocator Actions => page.GetByRole(AriaRole.Region, new() { Name = RequestText.ActionsHeading.In(language) });

    public ILocator Alert => page.GetByRole(AriaRole.Alert);

    public ILocator Done(string action) => page.GetByRole(AriaRole.Status).Filter(new() { HasText = RequestText.Done(action)!.In(language) });

    public ILocator Section(Phrase heading) => page.GetByRole(AriaRole.Region, new() { Name = heading.In(language), Exact = true });

    public ILocator Sign => Section(RequestText.SignHeading);

    public ILocator Register => Section(RequestText.RegisterHeading);

    public ILocator Seal => Section(RequestText.SealHeading);

    public ILocator Copy => Section(RequestText.CopyHeading);

    public ILocator Refuse => Section(RequestText.RefuseHeading);

    public ILocator Delegate => Section(RequestText.DelegateHeading);

    public ILocator Comment => Section(RequestText.CommentHeading);

    public ILocator Label(ILocator section, Phrase label) => section.GetByLabel(label.In(language), new() { Exact = true });

    public ILocator Button(ILocator section, Phrase name) => section.GetByRole(AriaRole.Button, new() { Name = name.In(language), Exact = true });

    public async Task<IResponse?> GotoAsync(string id) => await page.GotoAsync($"/yeu-cau/{id}");
}
