using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Dossiers;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>A dossier of GCC requests: its state, due date, dispatch, and every request with the subject before and after.</summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class DossierModel(DossierService dossiers) : PageModel
{
    /// <summary>The dossier.</summary>
    public DossierView Dossier { get; private set; } = null!;

    /// <summary>Shows the dossier.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var found = await dossiers.ViewAsync(User.ToActor(), id, ct);
        if (found.Value is not { } dossier)
        {
            return Forbid();
        }

        Dossier = dossier;
        return Page();
    }

    /// <summary>The dossier's PDF (as signed once signed, else as it would be sent).</summary>
    public async Task<IActionResult> OnGetPdfAsync(string id, CancellationToken ct)
    {
        var pdf = await dossiers.PdfAsync(User.ToActor(), id, ct);
        return pdf.Value is { } bytes ? File(bytes, "application/pdf", $"ho-so-{id}.pdf") : Forbid();
    }
}
