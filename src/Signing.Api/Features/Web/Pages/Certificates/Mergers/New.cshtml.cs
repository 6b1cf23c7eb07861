using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Storage.Accounts;
using Signing.Storage.Agencies;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>
/// Step 1 of the merger wizard: the agencies that merge, yours among them. Nothing is stored until step 2 describes the
/// new agency, so the choice travels to it in the query string.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class NewMergerModel(AgencyStore agencies) : PageModel
{
    /// <summary>The agencies in service.</summary>
    public IReadOnlyList<AgencyProfile> Agencies { get; private set; } = [];

    /// <summary>The chosen agencies' codes.</summary>
    [BindProperty]
    public List<string> Codes { get; set; } = [];

    /// <summary>The signed-in person's agency, ticked by default.</summary>
    public string OwnAgencyId => User.ToActor().AgencyId;

    /// <summary>Shows the agencies.</summary>
    public async Task OnGetAsync(CancellationToken ct) => Agencies = await agencies.ListActiveAsync(ct);

    /// <summary>Goes on to step 2 with at least two agencies, the person's own among them.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Agencies = await agencies.ListActiveAsync(ct);
        var chosen = Agencies.Where(agency => Codes.Contains(agency.Code, StringComparer.Ordinal)).ToList();
        if (chosen.Count < 2 || chosen.All(agency => agency.Id != OwnAgencyId))
        {
            ModelState.AddModelError(nameof(Codes), MergerText.TooFewAgencies.ToString());
            return Page();
        }

        return RedirectToPage("/Certificates/Mergers/Agency", new { codes = chosen.Select(agency => agency.Code).ToArray() });
    }
}
