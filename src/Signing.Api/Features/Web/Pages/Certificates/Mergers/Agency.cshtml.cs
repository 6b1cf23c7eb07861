using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Mergers;
using Signing.Storage.Accounts;
using Signing.Storage.Agencies;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>The new agency as step 2 asks for it.</summary>
public sealed class NewAgencyInput
{
    /// <summary>Its name.</summary>
    [Required(ErrorMessage = "required")]
    public string? Name { get; set; }

    /// <summary>Its identifier code.</summary>
    [Required(ErrorMessage = "required")]
    public string? Code { get; set; }

    /// <summary>Its province.</summary>
    [Required(ErrorMessage = "required")]
    public string? Province { get; set; }

    /// <summary>Its parent body.</summary>
    [Required(ErrorMessage = "required")]
    public string? ParentBody { get; set; }
}

/// <summary>
/// Step 2 of the merger wizard: the agency the chosen ones become. Posting it plans the merger (stored as planned, so
/// the remaining steps work on it by id).
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class MergerAgencyModel(AgencyStore agencies, MergerService mergers) : PageModel
{
    /// <summary>The merging agencies' codes, from step 1.</summary>
    [BindProperty(SupportsGet = true)]
    public List<string> Codes { get; set; } = [];

    /// <summary>The new agency.</summary>
    [BindProperty]
    public NewAgencyInput Input { get; set; } = new();

    /// <summary>The merging agencies.</summary>
    public IReadOnlyList<AgencyProfile> Merging { get; private set; } = [];

    /// <summary>The service's reason when it refused the plan.</summary>
    public Phrase? FailureDetail { get; private set; }

    /// <summary>Shows the form.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return RedirectToPage("/Certificates/Mergers/New");
        }

        var own = Merging.FirstOrDefault(agency => agency.Id == User.ToActor().AgencyId);
        Input.Province ??= own?.Province;
        Input.ParentBody ??= own?.ParentBody;
        return Page();
    }

    /// <summary>Plans the merger and goes on to step 3.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return RedirectToPage("/Certificates/Mergers/New");
        }

        foreach (var entry in ModelState.Where(entry => entry.Value?.Errors.Any(e => e.ErrorMessage == "required") == true).ToList())
        {
            // The annotation's message is a marker; the person reads it in their language.
            entry.Value!.Errors.Clear();
            entry.Value.Errors.Add(MergerText.Required.ToString());
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var planned = await mergers.CreateAsync(User.ToActor(), new MergerInput([.. Codes], new NewAgency(Input.Name, Input.Province, Input.Code, Input.ParentBody), null, null), ct);
        if (planned.Failure is { } failure)
        {
            ModelState.AddModelError(string.Empty, MergerText.PlanFailed.ToString());
            FailureDetail = ServiceFailureText.Of(failure);
            return Page();
        }

        return RedirectToPage("/Certificates/Mergers/People", new { id = planned.Value!.Id });
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var merging = new List<AgencyProfile>();
        foreach (var code in Codes.Distinct(StringComparer.Ordinal))
        {
            if (await agencies.FindByCodeAsync(code, ct) is { ArchivedAt: null } agency)
            {
                merging.Add(agency);
            }
        }

        Merging = merging;
        return merging.Count >= 2;
    }
}
