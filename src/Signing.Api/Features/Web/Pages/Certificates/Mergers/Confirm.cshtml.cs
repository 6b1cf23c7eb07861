using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Mergers;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>Step 5 of the merger wizard: confirming makes the dossier, which the page then opens.</summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class MergerConfirmModel(MergerService mergers) : PageModel
{
    /// <summary>The merger.</summary>
    public MergerView Merger { get; private set; } = null!;

    /// <summary>The service's reason when it refused.</summary>
    public Phrase? FailureDetail { get; private set; }

    /// <summary>Shows what confirming does.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var found = await mergers.GetAsync(User.ToActor(), id, ct);
        if (found.Value is not { } merger)
        {
            return Forbid();
        }

        if (merger.DossierId is { } dossier)
        {
            return RedirectToPage("/Certificates/Dossier", new { id = dossier });
        }

        Merger = merger;
        return Page();
    }

    /// <summary>Confirms and opens the dossier.</summary>
    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        var confirmed = await mergers.ConfirmAsync(actor, id, ct);
        if (confirmed.Value is { DossierId: { } dossier })
        {
            return RedirectToPage("/Certificates/Dossier", new { id = dossier });
        }

        var found = await mergers.GetAsync(actor, id, ct);
        if (found.Value is not { } merger)
        {
            return Forbid();
        }

        Merger = merger;
        ModelState.AddModelError(string.Empty, MergerText.PlanFailed.ToString());
        FailureDetail = confirmed.Failure is { } failure ? ServiceFailureText.Of(failure) : null;
        return Page();
    }
}
