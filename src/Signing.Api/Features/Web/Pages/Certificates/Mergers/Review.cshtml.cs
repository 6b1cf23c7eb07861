using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Mergers;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>Step 4 of the merger wizard: the plan, its counts and flags, and every certificate's subject before and after.</summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class MergerReviewModel(MergerService mergers) : PageModel
{
    /// <summary>The merger.</summary>
    public MergerView Merger { get; private set; } = null!;

    /// <summary>Shows the plan.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var found = await mergers.GetAsync(User.ToActor(), id, ct);
        if (found.Value is not { } merger)
        {
            return Forbid();
        }

        Merger = merger;
        return Page();
    }
}
