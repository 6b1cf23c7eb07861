using Microsoft.Playwright;
using Signing.Api.Features.Web.Pages.Certificates;
using Signing.Api.Features.Web.Pages.Certificates.Mergers;

namespace Signing.Api.Tests.Features.Web.PageObjects;

/// <summary>The certificate admins' pages: the dashboard, the list, a certificate, a dossier.</summary>
public sealed class CertificatePages(IPage page)
{
    public Task<IResponse?> GotoDashboardAsync() => page.GotoAsync("/certificates");

    public Task<IResponse?> GotoCertificateAsync(string id) => page.GotoAsync($"/certificates/{id}");

    public ILocator Heading(string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    public ILocator Region(string name) => page.GetByRole(AriaRole.Region, new() { Name = name });

    public ILocator Tab(string name) => page.GetByRole(AriaRole.Navigation, new() { Name = CertificateText.DashboardTitle.Vi }).GetByRole(AriaRole.Link, new() { Name = name });

    public ILocator ExpiryChart => page.GetByRole(AriaRole.Img, new() { Name = CertificateText.TimelineHeading.Vi });

    public ILocator Table(string caption) => page.GetByRole(AriaRole.Table, new() { Name = caption });

    public ILocator Rows(ILocator table) => table.Locator("tbody tr");

    public ILocator Row(ILocator table, string text) => table.GetByRole(AriaRole.Row).Filter(new() { HasText = text });
}

/// <summary>The merger wizard's steps.</summary>
public sealed class MergerWizard(IPage page)
{
    public ILocator Steps => page.GetByRole(AriaRole.List, new() { Name = MergerText.Steps.Vi });

    public ILocator CurrentStep => Steps.Locator("[aria-current=step]");

    public ILocator Agency(string name) => page.GetByRole(AriaRole.Checkbox, new() { Name = name });

    public ILocator Field(string label) => page.GetByLabel(label, new() { Exact = true });

    public ILocator Button(string name) => page.GetByRole(AriaRole.Button, new() { Name = name });

    public ILocator Link(string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator Status => page.GetByRole(AriaRole.Status);

    public ILocator Alert => page.GetByRole(AriaRole.Alert);
}
