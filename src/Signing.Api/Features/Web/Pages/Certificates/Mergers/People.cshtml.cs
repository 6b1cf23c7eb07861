using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.Mergers;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>
/// Step 3 of the merger wizard: who moves where and who leaves, imported from a CSV or XLSX table. Unusable rows are
/// listed by row and column; the others replace the mapping and the merger is planned again.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class MergerPeopleModel(MergerService mergers) : PageModel
{
    // A mapping of every person of a few communes is a few hundred rows; anything much larger is not a mapping.
    private const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>The merger.</summary>
    public MergerView Merger { get; private set; } = null!;

    /// <summary>The table to import.</summary>
    [BindProperty]
    public IFormFile? Mapping { get; set; }

    /// <summary>The rows that could not be used.</summary>
    public IReadOnlyList<ImportProblem> Problems { get; private set; } = [];

    /// <summary>Whether the table was just imported.</summary>
    public bool Imported { get; private set; }

    /// <summary>The service's reason when it refused the table.</summary>
    public string? FailureDetail { get; private set; }

    /// <summary>Shows the mapping.</summary>
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

    /// <summary>Imports the table and plans again.</summary>
    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        var found = await mergers.GetAsync(actor, id, ct);
        if (found.Value is not { } merger)
        {
            return Forbid();
        }

        Merger = merger;
        if (Mapping is null || Mapping.Length == 0 || Mapping.Length > MaxBytes)
        {
            ModelState.AddModelError(nameof(Mapping), MergerText.NoFile.ToString());
            return Page();
        }

        using var buffer = new MemoryStream();
        await Mapping.CopyToAsync(buffer, ct);
        var content = buffer.ToArray();
        var format = TableFile.FormatOf(Mapping.FileName, Mapping.ContentType, content);
        if (format is null)
        {
            ModelState.AddModelError(nameof(Mapping), MergerText.NoFile.ToString());
            return Page();
        }

        var imported = await mergers.ImportMappingAsync(actor, id, content, format, ct);
        if (imported.Failure is { } failure)
        {
            ModelState.AddModelError(nameof(Mapping), MergerText.PlanFailed.ToString());
            FailureDetail = failure.Detail;
            return Page();
        }

        Merger = imported.Value!;
        Problems = Merger.Problems;
        Imported = true;
        return Page();
    }
}
