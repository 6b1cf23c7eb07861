using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Web.Live;
using Signing.Api.Features.Web.Pages.Requests;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web.Pages.Inbox;

/// <summary>What the bulk-sign form posts: the ticked rows and one signing factor for all of them.</summary>
public sealed class BulkSignInput : SigningFactorInput
{
    /// <summary>Each ticked row as <c>requestId:stepId:sha256</c>: the step and the revision the inbox listed.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.SelectSome))]
    [MinLength(1, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.SelectSome))]
    [MaxLength(100, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.SelectedDocuments))]
    public List<string>? Selected { get; set; }

    /// <summary>The ticked rows as bulk-sign items; malformed values are dropped.</summary>
    public BulkSignItem[] Items() => [.. (Selected ?? [])
        .Select(value => value.Split(':'))
        .Where(parts => parts.Length == 3 && parts.All(part => part.Length is > 0 and <= 64))
        .Select(parts => new BulkSignItem(parts[0], parts[1], parts[2]))];
}

/// <summary>A row of the inbox.</summary>
/// <param name="Summary">The request.</param>
/// <param name="Step">In the to-do box: the step waiting for the person.</param>
/// <param name="HeadSha256">The revision listed, which a bulk signature is bound to.</param>
/// <param name="CanSign">Whether the person may sign it now (a sign step of theirs).</param>
public sealed record InboxRow(RequestSummary Summary, StepView? Step, string? HeadSha256, bool CanSign)
{
    /// <summary>The value of the row's bulk-sign checkbox.</summary>
    public string BulkValue => $"{Summary.Id}:{Step?.Id}:{HeadSha256}";
}

/// <summary>How one document of a bulk signature ended, in words.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Signed">Whether it was signed.</param>
/// <param name="Text">The line to show.</param>
public sealed record BulkLine(string RequestId, bool Signed, string Text);

/// <summary>
/// The inbox: the documents waiting for the person (to do), those they acted on (done) and those they submitted
/// (sent), with urgency and deadline badges; from the to-do box, bulk signing of many documents with one PIN or
/// one-time code, its progress streamed per document (<see cref="OnPostBulkSignStream"/>) or, without script, the
/// outcomes shown when the page comes back.
/// </summary>
public sealed class InboxModel(SignatureRequestService service, TimeProvider clock) : PageModel
{
    /// <summary>The boxes, in the order of their tabs.</summary>
    public static readonly IReadOnlyList<(string Box, Phrase Name)> Boxes = [("todo", InboxText.Todo), ("done", InboxText.Done), ("sent", InboxText.Sent)];

    private const int PageSize = 100;

    /// <summary>The box shown: todo, done or sent.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Box { get; set; }

    /// <summary>The bulk-sign form.</summary>
    [BindProperty]
    public BulkSignInput Bulk { get; set; } = new();

    /// <summary>The rows of the box.</summary>
    public IReadOnlyList<InboxRow> Rows { get; private set; } = [];

    /// <summary>After a bulk signature without script: each document's outcome.</summary>
    public IReadOnlyList<BulkLine>? Outcomes { get; private set; }

    /// <summary>The box's name.</summary>
    public Phrase BoxName => Boxes.First(b => b.Box == Box).Name;

    /// <summary>Whether any row can be signed in bulk.</summary>
    public bool OffersBulkSign => Rows.Any(row => row.CanSign);

    /// <summary>The current time, for deadline badges.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Shows a box.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Box = Boxes.Any(b => b.Box == Box) ? Box : "todo";
        Rows = await RowsAsync(User.ToActor(), Box!, ct);
        return Page();
    }

    /// <summary>Signs the ticked documents and shows the to-do box with each outcome (the form without script).</summary>
    public async Task<IActionResult> OnPostBulkSignAsync(CancellationToken ct)
    {
        Box = "todo";
        var actor = User.ToActor();
        if (ModelState.IsValid)
        {
            var titles = await TitlesAsync(actor, ct);
            var lines = new List<BulkLine>();
            var result = await service.BulkSignAsync(actor, new BulkSignRequest(Bulk.Items(), Bulk.Pin, Bulk.TrimmedOtp), ct, (outcome, failure, _) =>
            {
                lines.Add(Line(outcome, failure, titles));
                return Task.CompletedTask;
            });
            if (result.Failure is { } failure)
            {
                ModelState.AddModelError(string.Empty, RequestText.Failure(failure).ToString());
            }
            else
            {
                Outcomes = lines;
            }
        }

        Rows = await RowsAsync(actor, Box, ct);
        return Page();
    }

    /// <summary>
    /// Signs the ticked documents, answering with server-sent events: <c>stage</c> ({ text }) first, one <c>item</c>
    /// ({ requestId, signed, text }) per document as soon as it is signed or refused, then <c>done</c> ({ text }); or
    /// <c>failed</c> ({ text }) when nothing could be signed (no selection, a wrong PIN, a locked credential).
    /// </summary>
    public IActionResult OnPostBulkSignStream()
    {
        var actor = User.ToActor();
        var problems = ModelState.IsValid ? null : string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
        var items = Bulk.Items();
        return new EventStreamResult(async (events, ct) =>
        {
            if (problems is not null)
            {
                await events.SendAsync("failed", new { text = problems }, ct);
                return;
            }

            await events.SendAsync("stage", new { text = InboxText.Signing.Format(items.Length) }, ct);
            var titles = await TitlesAsync(actor, ct);
            var result = await service.BulkSignAsync(actor, new BulkSignRequest(items, Bulk.Pin, Bulk.TrimmedOtp), ct,
                (outcome, failure, token) => events.SendAsync("item", Line(outcome, failure, titles), token));
            if (result.Failure is { } failure)
            {
                await events.SendAsync("failed", new { text = InboxText.Refused.Format(RequestText.Failure(failure)) }, ct);
                return;
            }

            var signed = result.Value!.Count(o => o.Status == StatusCodes.Status200OK);
            await events.SendAsync("done", new { text = InboxText.Summary.Format(signed, result.Value!.Count - signed) }, ct);
        });
    }

    private static BulkLine Line(BulkOutcome outcome, Failure? failure, IReadOnlyDictionary<string, string> titles)
    {
        var title = titles.TryGetValue(outcome.RequestId, out var known) ? known : outcome.RequestId;
        return failure is null
            ? new BulkLine(outcome.RequestId, true, InboxText.Signed.Format(title))
            : new BulkLine(outcome.RequestId, false, InboxText.NotSigned.Format(title, RequestText.Failure(failure)));
    }

    private async Task<IReadOnlyDictionary<string, string>> TitlesAsync(Actor actor, CancellationToken ct)
        => (await service.ListAsync(actor, "todo", null, null, null, null, 200, ct)).Value?.ToDictionary(r => r.Id, r => r.Title, StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);

    private async Task<IReadOnlyList<InboxRow>> RowsAsync(Actor actor, string box, CancellationToken ct)
    {
        var listed = (await service.ListAsync(actor, box, null, null, null, null, PageSize, ct)).Value ?? [];
        if (box != "todo")
        {
            return [.. listed.Select(summary => new InboxRow(summary, null, null, false))];
        }

        // The to-do box shows which step waits for the person and binds bulk signing to the revision listed.
        var rows = new List<InboxRow>();
        foreach (var summary in listed)
        {
            if ((await service.ViewAsync(actor, summary.Id, ct)).Value is not { } view)
            {
                continue;
            }

            var stepId = view.Actions.FirstOrDefault(a => a.StepId is not null)?.StepId;
            var step = view.Steps.FirstOrDefault(s => s.Id == stepId);
            rows.Add(new InboxRow(summary, step, view.HeadSha256, view.Actions.Any(a => a.Action == "sign")));
        }

        return rows;
    }
}
