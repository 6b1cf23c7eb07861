using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.Mergers;
using Signing.Api.Features.Web.Live;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>What the people step shows of the mapping: the mapping itself, and after an import its outcome.</summary>
/// <param name="Merger">The merger, with its mapping.</param>
/// <param name="Problems">The imported table's rows that could not be used.</param>
/// <param name="Imported">Whether a table was just imported.</param>
public sealed record PeopleMappingView(MergerView Merger, IReadOnlyList<ImportProblem> Problems, bool Imported);

/// <summary>
/// Step 3 of the merger wizard: who moves where and who leaves, imported from a CSV or XLSX table. Unusable rows are
/// listed by row and column; the others replace the mapping and the merger is planned again. With script the import's
/// progress is streamed (<see cref="OnPostImportStreamAsync"/>); without, the page comes back with the outcome.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class MergerPeopleModel(MergerService mergers, PartialHtml partials, ILogger<MergerPeopleModel> logger) : PageModel
{
    /// <summary>The partial that shows the mapping, on the page and in the streamed outcome.</summary>
    public const string MappingPartial = "/Features/Web/Pages/Certificates/Mergers/_PeopleMapping.cshtml";

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

    /// <summary>The service's reason when it refused the table, in the person's language.</summary>
    public Phrase? FailureDetail { get; private set; }

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

    /// <summary>Imports the table and plans again (the form without script).</summary>
    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        var found = await mergers.GetAsync(actor, id, ct);
        if (found.Value is not { } merger)
        {
            return Forbid();
        }

        Merger = merger;
        if (await ReadAsync(ct) is not { } table)
        {
            ModelState.AddModelError(nameof(Mapping), MergerText.NoFile.ToString());
            return Page();
        }

        var imported = await mergers.ImportMappingAsync(actor, id, table.Content, table.Format, ct);
        if (imported.Failure is { } failure)
        {
            ModelState.AddModelError(nameof(Mapping), MergerText.PlanFailed.ToString());
            FailureDetail = ServiceFailureText.Of(failure);
            return Page();
        }

        Merger = imported.Value!;
        Problems = Merger.Problems;
        Imported = true;
        return Page();
    }

    /// <summary>
    /// Imports the table, answering with server-sent events (see <see cref="WorkEvents"/>): <c>progress</c> while the
    /// file is read, its rows checked and the merger planned again, then <c>done</c> ({ text, done: people mapped,
    /// total: rows read, problems, html: the mapping as the page shows it }) or <c>failed</c> ({ text }). Another
    /// agency's merger is refused before the stream starts (403).
    /// </summary>
    public async Task<IActionResult> OnPostImportStreamAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        var found = await mergers.GetAsync(actor, id, ct);
        if (found.Value is null)
        {
            return Forbid();
        }

        var table = await ReadAsync(ct);
        return new EventStreamResult((events, token) => events.GuardAsync(HttpContext, logger, async () =>
        {
            if (table is null)
            {
                await events.FailedAsync(MergerText.NoFile.ToString(), token);
                return;
            }

            var rows = 0;
            var report = events.Progress(MergerText.ImportPhase);
            var imported = await mergers.ImportMappingAsync(actor, id, table.Content, table.Format, token, async (progress, t) =>
            {
                rows = progress.Phase == ImportPhases.Check ? progress.Total : rows;
                await report(progress, t);
            });
            if (imported.Failure is { } failure)
            {
                await events.FailedAsync($"{MergerText.PlanFailed} {ServiceFailureText.Of(failure)}", token);
                return;
            }

            var merger = imported.Value!;
            var people = merger.Input.People?.Length ?? 0;
            await events.SendAsync("done", new
            {
                text = MergerText.Imported.Format(people),
                done = people,
                total = rows,
                problems = merger.Problems.Count,
                html = await partials.RenderAsync(PageContext, MappingPartial, new PeopleMappingView(merger, merger.Problems, Imported: true)),
            }, token);
        }, token));
    }

    private sealed record UploadedTable(byte[] Content, string Format);

    // The uploaded table, or null when none was chosen, it is too large or neither CSV nor XLSX.
    private async Task<UploadedTable?> ReadAsync(CancellationToken ct)
    {
        if (Mapping is null || Mapping.Length == 0 || Mapping.Length > MaxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await Mapping.CopyToAsync(buffer, ct);
        var content = buffer.ToArray();
        return TableFile.FormatOf(Mapping.FileName, Mapping.ContentType, content) is { } format ? new UploadedTable(content, format) : null;
    }
}
