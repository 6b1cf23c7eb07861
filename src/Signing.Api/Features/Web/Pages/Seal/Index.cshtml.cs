using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.SignatureRequests;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Seal;

/// <summary>A request waiting for the clerk, with the step it waits at.</summary>
/// <param name="Request">The request.</param>
/// <param name="Step">Its register, seal or copy step routed to the clerk.</param>
/// <param name="SignedBy">Who signed it, by name.</param>
public sealed record SealQueueRow(RequestView Request, StepView Step, string? SignedBy);

/// <summary>
/// The seal queue (clerks): the agency's requests whose active step is a register, seal or copy step routed to the
/// clerk, oldest deadline first; each opens on the request page, where the number is shown before it is taken.
/// </summary>
[Authorize(Roles = Roles.Clerk)]
public sealed class SealQueueModel(SignatureRequestService service, AccountStore accounts, TimeProvider clock) : PageModel
{
    private static readonly string[] ClerkSteps = [StepKinds.Register, StepKinds.Seal, StepKinds.Copy];

    /// <summary>The queue.</summary>
    public IReadOnlyList<SealQueueRow> Rows { get; private set; } = [];

    /// <summary>The current time, for deadline badges.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Shows the queue.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var actor = User.ToActor();
        var rows = new List<SealQueueRow>();
        foreach (var summary in (await service.ListAsync(actor, "todo", null, null, null, null, 200, ct)).Value ?? [])
        {
            if ((await service.ViewAsync(actor, summary.Id, ct)).Value is not { } view
                || view.Steps.FirstOrDefault(s => s.State == StepStates.Active && ClerkSteps.Contains(s.Kind)) is not { } step
                || !view.Actions.Any(a => a.StepId == step.Id))
            {
                continue;
            }

            var signer = view.Steps.LastOrDefault(s => s.Kind == StepKinds.Sign && s.State == StepStates.Done)?.Actor;
            var signedBy = signer is null ? null : (await accounts.FindUserByUsernameAsync(signer, ct))?.DisplayName ?? signer;
            rows.Add(new SealQueueRow(view, step, signedBy));
        }

        Rows = [.. rows.OrderBy(row => row.Request.Deadline ?? DateTimeOffset.MaxValue).ThenBy(row => row.Request.CreatedAt)];
    }
}
