using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.DeskSign;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Hosting;
using Signing.Storage.Accounts;
using Signing.Storage.Credentials;

namespace Signing.Api.Features.Web.Pages.Requests;

/// <summary>
/// One signature request, for everyone it is routed to and its submitter: the exact revision to act on previewed with
/// pdf.js (and downloadable) with its SHA-256 and the planned signature places outlined, the route and the history, and
/// the forms of the actions the person may take now (review, sign with the key the service holds or with the USB token
/// through the desk signer, reject or return with a reason, delegate, comment; for clerks register with the number
/// shown before confirming, seal and copy). Every action is sent with the hash of the revision the page showed, so
/// acting on a revision the person did not see is refused. The page lives at the address notifications link to.
/// Requests the person may not see (another agency's, or not routed to them) are refused with 403, whether or not they
/// exist.
/// </summary>
public sealed class RequestModel(
    SignatureRequestService service, AccountStore accounts, SigningCredentialStore credentials, IOptions<WebOptions> web, TimeProvider clock) : PageModel
{
    private Dictionary<string, User> _peopleById = new(StringComparer.Ordinal);
    private Dictionary<string, User> _peopleByUsername = new(StringComparer.Ordinal);

    /// <summary>The step an action applies to (from the actions the page offered).</summary>
    [BindProperty]
    [Required]
    [StringLength(64)]
    public string? StepId { get; set; }

    /// <summary>The SHA-256 of the revision the page showed.</summary>
    [BindProperty]
    [Required]
    [StringLength(64)]
    public string? ExpectedSha256 { get; set; }

    /// <summary>The approve form.</summary>
    [BindProperty]
    public ApproveInput Approval { get; set; } = new();

    /// <summary>The server-key sign form.</summary>
    [BindProperty]
    public SigningFactorInput Signing { get; set; } = new();

    /// <summary>The reject/return form.</summary>
    [BindProperty]
    public ReasonInput Refusal { get; set; } = new();

    /// <summary>The delegate form.</summary>
    [BindProperty]
    public DelegateInput Delegation { get; set; } = new();

    /// <summary>The comment form.</summary>
    [BindProperty]
    public CommentInput Remark { get; set; } = new();

    /// <summary>The register form.</summary>
    [BindProperty]
    public RegisterInput Registration { get; set; } = new();

    /// <summary>The seal form.</summary>
    [BindProperty]
    public SigningFactorInput Sealing { get; set; } = new();

    /// <summary>The copy form.</summary>
    [BindProperty]
    public CopyInput Copying { get; set; } = new();

    /// <summary>The withdraw form.</summary>
    [BindProperty]
    public WithdrawInput Withdrawal { get; set; } = new();

    /// <summary>The recall form.</summary>
    [BindProperty]
    public ReasonInput Recalling { get; set; } = new();

    /// <summary>The request as the person may see it.</summary>
    public RequestView View { get; private set; } = null!;

    /// <summary>Where the coming signatures will be drawn on the current revision.</summary>
    public IReadOnlyList<PlannedPlacement> Placements { get; private set; } = [];

    /// <summary>For a clerk who may register it: the number it would take now.</summary>
    public NumberPreview? NextNumber { get; private set; }

    /// <summary>For an official who may delegate: the other officials of the agency.</summary>
    public IReadOnlyList<User> Officials { get; private set; } = [];

    /// <summary>Whether the person has a signing PIN or authenticator, which the server-key paths need.</summary>
    public bool HasSigningCredential { get; private set; }

    /// <summary>The desk session opened by a post without script: its two one-time URLs to show.</summary>
    public DeskSessionLinks? DeskLinks { get; private set; }

    /// <summary>The service's own words about a failed action (English, for the operator).</summary>
    public string? FailureDetail { get; private set; }

    /// <summary>What the last action did, after its redirect.</summary>
    public Phrase? DoneMessage { get; private set; }

    /// <summary>Where the desk signer listens.</summary>
    public string DeskSignerUrl => web.Value.DeskSignerUrl;

    /// <summary>The current time, for deadline badges.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The revision the page shows and every action is bound to: the newest of the main document.</summary>
    public DocumentView? Head => View.Documents.Where(d => d.Index == 0).MaxBy(d => d.Revision);

    /// <summary>The step the person may act on now, if any.</summary>
    public StepView? ActionStep => View.Actions.FirstOrDefault(a => a.StepId is not null) is { } action
        ? View.Steps.FirstOrDefault(s => s.Id == action.StepId)
        : null;

    /// <summary>Whether the person may take <paramref name="action"/> now.</summary>
    public bool Can(string action) => View.Actions.Any(a => a.Action == action);

    /// <summary>Shows the request.</summary>
    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        DoneMessage = RequestText.Done(done);
        return await PageAsync(id, ct);
    }

    /// <summary>One revision of one of the request's documents, for the preview and for download.</summary>
    public async Task<IActionResult> OnGetDocumentAsync(string id, long? revision, CancellationToken ct, long index = 0)
    {
        var document = await service.DocumentAsync(User.ToActor(), id, index, revision, ct);
        if (document.Failure is { } failure)
        {
            return failure.Code == "revision-not-found" ? NotFound() : Forbid();
        }

        var (content, stored) = document.Value;
        Response.Headers[SignatureRequestEndpoints.DocumentHashHeader] = stored.Sha256;
        return File(content, "application/pdf", stored.Name);
    }

    /// <summary>The request's state as JSON, polled by the page while the desk signer works.</summary>
    public async Task<IActionResult> OnGetStateAsync(string id, CancellationToken ct)
    {
        var view = await service.ViewAsync(User.ToActor(), id, ct);
        if (view.Value is not { } request)
        {
            return Forbid();
        }

        var active = request.Steps.FirstOrDefault(s => s.State == StepStates.Active);
        return new JsonResult(new { state = request.State, headSha256 = request.HeadSha256, activeStepId = active?.Id, activeStepKind = active?.Kind });
    }

    /// <summary>Approves a review step.</summary>
    public Task<IActionResult> OnPostApproveAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Approval), "approve", () => new StepAction(ExpectedSha256, Comment: Approval.Comment), ct);

    /// <summary>Signs with the person's key held by the service.</summary>
    public Task<IActionResult> OnPostSignAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Signing), "sign", () => new StepAction(ExpectedSha256, Pin: Signing.Pin, Otp: Signing.TrimmedOtp), ct);

    /// <summary>Rejects the request; a reason is required.</summary>
    public Task<IActionResult> OnPostRejectAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Refusal), "reject", () => new StepAction(ExpectedSha256, Reason: Refusal.Reason), ct);

    /// <summary>Returns the request for revision; a reason is required.</summary>
    public Task<IActionResult> OnPostReturnAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Refusal), "return", () => new StepAction(ExpectedSha256, Reason: Refusal.Reason), ct);

    /// <summary>Delegates the sign step to another official in a capacity.</summary>
    public Task<IActionResult> OnPostDelegateAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Delegation), "delegate", () => new StepAction(ExpectedSha256, DelegateTo: Delegation.DelegateTo,
            Capacity: Delegation.Capacity, CapacityTitle: string.IsNullOrWhiteSpace(Delegation.CapacityTitle) ? null : Delegation.CapacityTitle.Trim()), ct);

    /// <summary>Comments on the active step.</summary>
    public Task<IActionResult> OnPostCommentAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Remark), "comment", () => new StepAction(ExpectedSha256, Comment: Remark.Comment), ct);

    /// <summary>Registers: the number is taken now, atomically, for the date the clerk confirmed.</summary>
    public Task<IActionResult> OnPostRegisterAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Registration), "register", () => new StepAction(ExpectedSha256,
            IssuedDate: Registration.IssuedDate!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ct);

    /// <summary>Seals with the agency's key, unlocked by the clerk's factor.</summary>
    public Task<IActionResult> OnPostSealAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Sealing), "seal", () => new StepAction(ExpectedSha256, Pin: Sealing.Pin, Otp: Sealing.TrimmedOtp), ct);

    /// <summary>Makes the electronic copies.</summary>
    public Task<IActionResult> OnPostCopyAsync(string id, CancellationToken ct)
        => ActAsync(id, nameof(Copying), "copy", () => new StepAction(ExpectedSha256, Pin: Copying.Pin, Otp: Copying.TrimmedOtp,
            CopyForms: [.. Copying.Forms.Distinct(StringComparer.Ordinal)]), ct);

    /// <summary>
    /// Opens a desk-signer session for the revision shown. Script asks for JSON (the two one-time URLs, which it hands
    /// to the desk signer); without script the page comes back showing them.
    /// </summary>
    public async Task<IActionResult> OnPostDeskSessionAsync(string id, CancellationToken ct)
    {
        var wantsJson = Request.Headers.Accept.Any(value => value?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
        if (!ValidFor("-"))
        {
            return wantsJson ? new JsonResult(new { error = RequestText.DeskFailed.ToString() }) { StatusCode = StatusCodes.Status400BadRequest } : await PageAsync(id, ct);
        }

        var links = await service.StartDeskSessionAsync(User.ToActor(), id, StepId!, new StepAction(ExpectedSha256), DeskSignEndpoints.BaseUrl(Request), ct);
        if (links.Failure is { } failure)
        {
            return wantsJson
                ? new JsonResult(new { error = RequestText.Failure(failure).ToString(), detail = failure.Detail }) { StatusCode = ProblemMap.StatusOf(failure.Kind) }
                : await FailedAsync(id, failure, ct);
        }

        var session = links.Value!;
        if (wantsJson)
        {
            return new JsonResult(new
            {
                sessionId = session.SessionId,
                fileName = session.FileName,
                fileUploadHandler = session.FileUploadHandler,
                expires = RequestText.DeskExpires.Format(VietnamTime.Format(session.ExpiresAt)),
            });
        }

        DeskLinks = session;
        return await PageAsync(id, ct);
    }

    /// <summary>Withdraws the request (its submitter).</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(string id, CancellationToken ct)
    {
        if (!ValidFor(nameof(Withdrawal), needsStep: false))
        {
            return await PageAsync(id, ct);
        }

        var result = await service.WithdrawAsync(User.ToActor(), id, new StepAction(Reason: Withdrawal.Reason), ct);
        return result.Failure is { } failure ? await FailedAsync(id, failure, ct) : Done(id, "withdraw");
    }

    /// <summary>Recalls the issued document (a clerk); a reason is required.</summary>
    public async Task<IActionResult> OnPostRecallAsync(string id, CancellationToken ct)
    {
        if (!ValidFor(nameof(Recalling), needsStep: false))
        {
            return await PageAsync(id, ct);
        }

        var result = await service.RecallAsync(User.ToActor(), id, new StepAction(Reason: Recalling.Reason), ct);
        return result.Failure is { } failure ? await FailedAsync(id, failure, ct) : Done(id, "recall");
    }

    /// <summary>Who a route step names: a person by name, or everyone with a role.</summary>
    public string AssigneeName(string assignee) => assignee.StartsWith("role:", StringComparison.Ordinal)
        ? RequestText.AnyoneWithRole.Format(ShellText.Role(assignee[5..]))
        : PersonName(assignee.StartsWith("user:", StringComparison.Ordinal) ? assignee[5..] : assignee);

    /// <summary>A person of the agency, by id, with their display name.</summary>
    public string PersonName(string userId) => _peopleById.TryGetValue(userId, out var person) ? person.DisplayName : userId;

    /// <summary>
    /// Who did something, from the history's <c>user:username</c> or a step's username: the person's display name; a
    /// calling system's name; or the service itself.
    /// </summary>
    public string ActorName(string actor)
    {
        var username = actor.StartsWith("user:", StringComparison.Ordinal) ? actor[5..] : actor;
        return _peopleByUsername.TryGetValue(username, out var person) ? person.DisplayName
            : actor.StartsWith("client:", StringComparison.Ordinal) ? actor[7..]
            : actor.StartsWith("system:", StringComparison.Ordinal) ? ShellText.AppName.ToString()
            : username;
    }

    private async Task<IActionResult> ActAsync(string id, string form, string action, Func<StepAction> body, CancellationToken ct)
    {
        if (!ValidFor(form))
        {
            return await PageAsync(id, ct);
        }

        var result = await service.ActAsync(User.ToActor(), id, StepId!, action, body(), ct);
        return result.Failure is { } failure ? await FailedAsync(id, failure, ct) : Done(id, action);
    }

    private IActionResult Done(string id, string action) => LocalRedirect(Url.Page("/Requests/Detail", new { id, done = action })!);

    private async Task<IActionResult> FailedAsync(string id, Failure failure, CancellationToken ct)
    {
        if (failure.Kind == FailureKind.NotFound && failure.Code == "request-not-found")
        {
            return Forbid();
        }

        ModelState.AddModelError(string.Empty, RequestText.Failure(failure).ToString());
        FailureDetail = failure.Detail;
        return await PageAsync(id, ct);
    }

    // Each form posts its own fields: the other forms' (empty) fields are not this post's to validate.
    private bool ValidFor(string form, bool needsStep = true)
    {
        foreach (var key in ModelState.Keys.ToList())
        {
            var own = key.StartsWith(form + ".", StringComparison.Ordinal)
                || (needsStep && key is nameof(StepId) or nameof(ExpectedSha256));
            if (!own)
            {
                ModelState.Remove(key);
            }
        }

        return ModelState.IsValid;
    }

    private async Task<IActionResult> PageAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        var view = await service.ViewAsync(actor, id, ct);
        if (view.Value is not { } request)
        {
            return Forbid();
        }

        View = request;
        Placements = (await service.PlannedPlacementsAsync(actor, id, ct)).Value ?? [];
        if (Can("register"))
        {
            NextNumber = (await service.NextNumberAsync(actor, id, Registration.IssuedDate, ct)).Value;
            Registration.IssuedDate ??= VietnamTime.Today(clock);
        }

        if (Can("delegate"))
        {
            Officials = [.. (await accounts.ListUsersInRoleAsync(actor.AgencyId, Roles.Official, ct))
                .Where(user => user.Id != actor.Id && user.DisabledAt is null)
                .OrderBy(user => user.DisplayName, StringComparer.Create(CultureInfo.GetCultureInfo("vi-VN"), ignoreCase: true))];
        }

        if (Can("sign") || Can("seal") || Can("copy"))
        {
            HasSigningCredential = await credentials.FindAsync(actor.Id, ct) is { } credential && (credential.PinHash is not null || credential.TotpSecret is not null);
        }

        await LoadPeopleAsync(request, actor.AgencyId, ct);
        return Page();
    }

    // The people the route and the history name, looked up once each (only the person's own agency's).
    private async Task LoadPeopleAsync(RequestView request, string agencyId, CancellationToken ct)
    {
        var byId = new Dictionary<string, User>(StringComparer.Ordinal);
        var ids = request.Steps.SelectMany(s => s.Assignees).Where(a => a.StartsWith("user:", StringComparison.Ordinal)).Select(a => a[5..])
            .Concat(request.Steps.Select(s => s.DelegateTo).OfType<string>());
        foreach (var userId in ids.Distinct(StringComparer.Ordinal))
        {
            if (await accounts.FindUserAsync(userId, ct) is { } user && user.AgencyId == agencyId)
            {
                byId[user.Id] = user;
            }
        }

        var byUsername = byId.Values.ToDictionary(user => user.Username, StringComparer.Ordinal);
        var usernames = request.History.Select(h => h.Actor).Append(request.Submitter).Where(a => a.StartsWith("user:", StringComparison.Ordinal)).Select(a => a[5..])
            .Concat(request.Steps.Select(s => s.Actor).OfType<string>());
        foreach (var username in usernames.Distinct(StringComparer.Ordinal).Where(name => !byUsername.ContainsKey(name)))
        {
            if (await accounts.FindUserByUsernameAsync(username, ct) is { } user && user.AgencyId == agencyId)
            {
                byUsername[username] = user;
            }
        }

        _peopleById = byId;
        _peopleByUsername = byUsername;
    }
}
