using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.Dossiers;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>
/// The certificate admins' dashboard: the agency's certificates counted by status (as of now, so one that expired since
/// the watch last ran counts as expired), the ones expiring in the next 90 days on a chart drawn in SVG on the server
/// and in a table, and the dossiers still open with their due dates.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class DashboardModel(CertificateInventory inventory, DossierService dossiers, TimeProvider clock) : PageModel
{
    // The inventory's largest page; an agency of a commune or district holds far fewer certificates.
    private const int Everything = 1000;

    /// <summary>The certificates per status, every status listed.</summary>
    public IReadOnlyList<(string Status, int Count)> Counts { get; private set; } = [];

    /// <summary>The expiry timeline.</summary>
    public ExpiryTimeline Timeline { get; private set; } = ExpiryTimeline.Of([], default);

    /// <summary>The dossiers not completed yet.</summary>
    public IReadOnlyList<DossierSummary> OpenDossiers { get; private set; } = [];

    /// <summary>Shows the dashboard.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var actor = User.ToActor();
        var all = (await inventory.SearchAsync(actor, new CertificateSearch(Limit: Everything), ct)).Value ?? [];
        Counts = [.. CertificateStatuses.All.Select(status => (status, all.Count(c => c.Status == status)))];
        Timeline = ExpiryTimeline.Of(all, VietnamTime.Today(clock));
        OpenDossiers = [.. ((await dossiers.ListAsync(actor, null, false, 50, ct)).Value ?? []).Where(d => d.State != DossierStates.Completed)];
    }
}
