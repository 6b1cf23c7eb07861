using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Dossiers;
using Signing.Api.Features.GccRequests;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>The agency's requests to the Government Cipher Committee and the dossiers that carry them, with states and due dates.</summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class GccRequestsModel(GccRequestService requests, DossierService dossiers) : PageModel
{
    /// <summary>The requests, newest first.</summary>
    public IReadOnlyList<GccRequestView> Requests { get; private set; } = [];

    /// <summary>The dossiers, newest first.</summary>
    public IReadOnlyList<DossierSummary> Dossiers { get; private set; } = [];

    /// <summary>Shows both lists.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var actor = User.ToActor();
        Requests = (await requests.ListAsync(actor, null, null, 200, ct)).Value ?? [];
        Dossiers = (await dossiers.ListAsync(actor, null, false, 100, ct)).Value ?? [];
    }
}
