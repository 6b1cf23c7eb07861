using System.Globalization;
using System.Security.Cryptography;
using Signing.Api.Features.Auth;
using Signing.Api.Features.DeskSign;
using Signing.Api.Features.Signing;
using Signing.Api.Features.Webhooks;
using Signing.Api.Hosting;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.DeskSign;
using Signing.Storage.Keys;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>The step actions and request-level transitions.</summary>
public sealed partial class SignatureRequestService
{
    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>The actions on a step that POST .../steps/{stepId}/{action} takes.</summary>
    public static IReadOnlyList<string> StepActions { get; } = ["approve", "sign", "register", "seal", "copy", "reject", "return", "delegate", "comment", "complete"];

    /// <summary>Runs <paramref name="action"/> on step <paramref name="stepId"/> as <paramref name="actor"/>.</summary>
    public Task<Result<RequestView>> ActAsync(Actor actor, string id, string stepId, string action, StepAction body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        return action switch
        {
            "approve" => ApproveAsync(actor, id, stepId, body, ct),
            "sign" => SignAsync(actor, id, stepId, body, ct),
            "register" => RegisterStepAsync(actor, id, stepId, body, ct),
            "seal" => SealAsync(actor, id, stepId, body, ct),
            "copy" => CopyAsync(actor, id, stepId, body, ct),
            "reject" => EndAsync(actor, id, stepId, body, RequestStates.Rejected, WebhookEvents.RequestRejected, ct),
            "return" => EndAsync(actor, id, stepId, body, RequestStates.Returned, WebhookEvents.RequestReturned, ct),
            "delegate" => DelegateAsync(actor, id, stepId, body, ct),
            "comment" => CommentAsync(actor, id, stepId, body, ct),
            "complete" => CompleteExternalAsync(actor, id, stepId, body, ct),
            _ => Task.FromResult<Result<RequestView>>(new Failure(FailureKind.NotFound, "unknown-action", "Unknown action",
                $"'{action}' is not a step action; use {string.Join(", ", StepActions)}.")),
        };
    }

    /// <summary>Review: one approval; the step completes when enough reviewers approved (n of m).</summary>
    public async Task<Result<RequestView>> ApproveAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Review, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var context = loaded.Value!;
        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        var approvals = await requests.ApproveAsync(tx, stepId, actor.Id, Now, ct);
        if (approvals < 0)
        {
            return new Failure(FailureKind.Conflict, "already-approved", "Already approved", "You approved this step already.");
        }

        await requests.AppendHistoryAsync(tx, History(id, stepId, actor, "approve", null, context.Head.Sha256, null, body.Comment), ct);
        if (approvals >= context.Step.RequiredApprovals)
        {
            if (!await requests.CompleteStepAsync(tx, stepId, actor.Id, actor.Name, context.Head.Sha256, context.Head.Sha256, null, null, null, Now, ct))
            {
                return StepMoved(context.Step);
            }

            await EmitAsync(tx, context.Request, WebhookEvents.StepCompleted, StepData(context.Step, actor, context.Head.Sha256, context.Head.Sha256), ct);
            await AdvanceAsync(tx, context, ct);
        }
        else
        {
            await requests.TouchAsync(tx, id, RequestStates.InProgress, Now, ct);
        }

        await AuditAsync(tx, actor, "request.approve", context.Request, $"step={context.Step.Ordinal}; sha256={context.Head.Sha256}; approvals={approvals}/{context.Step.RequiredApprovals}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>Sign with the official's key held by the service, unlocked by their signing PIN or one-time code.</summary>
    public async Task<Result<RequestView>> SignAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Sign, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        if (await credentials.VerifyAsync(actor, body.Pin, body.Otp, $"request.sign {id}", ct) is { } factorFailure)
        {
            return factorFailure;
        }

        var signed = await SignStepAsync(actor, loaded.Value!, body.KeyId, ct);
        return signed.Failure is { } signFailure ? signFailure : await ViewAsync(actor, id, ct);
    }

    /// <summary>
    /// Signs many sign steps with one PIN or code entry (the official's server-held key); each item is reported on its
    /// own, so one stale hash does not stop the others. <paramref name="onOutcome"/>, when given, hears each item's
    /// outcome (and its failure, if any) as soon as it is known: the web page streams them as progress.
    /// </summary>
    public async Task<Result<IReadOnlyList<BulkOutcome>>> BulkSignAsync(
        Actor actor, BulkSignRequest body, CancellationToken ct, Func<BulkOutcome, Failure?, CancellationToken, Task>? onOutcome = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var items = body.Items ?? [];
        if (items.Length is 0 or > 100)
        {
            return Failure.BadInput("Missing items", "items lists 1 to 100 steps to sign.", "items");
        }

        if (await credentials.VerifyAsync(actor, body.Pin, body.Otp, $"request.bulk-sign {items.Length}", ct) is { } factorFailure)
        {
            return factorFailure;
        }

        var outcomes = new List<BulkOutcome>();
        foreach (var item in items)
        {
            var loaded = await LoadActiveAsync(actor, item.RequestId ?? "", item.StepId ?? "", StepKinds.Sign, item.ExpectedSha256, ct);
            var result = loaded.Failure is { } failure ? failure : (await SignStepAsync(actor, loaded.Value!, null, ct)).Failure;
            outcomes.Add(result is null
                ? new BulkOutcome(item.RequestId!, item.StepId!, StatusCodes.Status200OK, null, null,
                    (await requests.DocumentsAsync(item.RequestId!, ct)).Where(d => d.DocumentIndex == 0).MaxBy(d => d.Revision)?.Sha256)
                : new BulkOutcome(item.RequestId ?? "", item.StepId ?? "", ProblemMap.StatusOf(result.Kind), result.Title, result.Detail, null));
            if (onOutcome is not null)
            {
                await onOutcome(outcomes[^1], result, ct);
            }
        }

        return outcomes;
    }

    /// <summary>Register: the next number of the agency's year and series, the symbol, and the date of issue (Art. 15).</summary>
    public async Task<Result<RequestView>> RegisterStepAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Register, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(VietnamOffset).DateTime);
        var date = today;
        if (body.IssuedDate is { Length: > 0 } given && !DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return Failure.BadInput("Bad date", "issuedDate is yyyy-MM-dd.", "issuedDate");
        }

        if (date < today.AddDays(-30) || date > today.AddDays(7))
        {
            return Failure.BadInput("Date out of range", "issuedDate is within the last 30 days or the next 7 (Decree 30 Art. 18: issue on the day of signing or the next working day).", "issuedDate");
        }

        var context = loaded.Value!;
        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        var number = await requests.NextNumberAsync(tx, context.Request.AgencyId, date.Year, context.Request.Series, ct);
        var symbol = SymbolOf(context.Request.SymbolPattern, number);
        var issuedDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (!await requests.SetNumberAsync(tx, id, number, date.Year, symbol, issuedDate, Now, ct)
            || !await requests.CompleteStepAsync(tx, stepId, actor.Id, actor.Name, context.Head.Sha256, context.Head.Sha256, null, null, null, Now, ct))
        {
            return StepMoved(context.Step);
        }

        var details = $"số {symbol}, ngày {issuedDate}";
        await requests.AppendHistoryAsync(tx, History(id, stepId, actor, "register", null, context.Head.Sha256, context.Head.Sha256, details), ct);
        await EmitAsync(tx, context.Request, WebhookEvents.StepCompleted,
            new { step = StepRef(context.Step), actor = actor.AuditName, number, symbol, issuedDate, series = context.Request.Series }, ct);
        await AdvanceAsync(tx, context with { Request = context.Request with { Number = number, Symbol = symbol, IssuedDate = issuedDate } }, ct);
        await AuditAsync(tx, actor, "request.register", context.Request, $"step={context.Step.Ordinal}; number={number}; symbol={symbol}; date={issuedDate}; series={context.Request.Series}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>
    /// Seal: the agency's signature with the seal image over the left third of the official's, and the registered
    /// number and date written in the same revision; each attachment gets the agency's stamp signature on page 1.
    /// </summary>
    public async Task<Result<RequestView>> SealAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Seal, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var context = loaded.Value!;
        var sealKey = await SealKeyAsync(actor, body, ct);
        if (sealKey.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var key = sealKey.Value!;
        var agency = (await accounts.FindAgencyAsync(context.Request.AgencyId, ct))!;
        var revisions = new List<(RequestDocument Before, byte[] After)>();
        var head = await ContentOf(context.Head, ct);
        var lastSign = context.Steps.Where(s => s.Kind == StepKinds.Sign && s.State == StepStates.Done).MaxBy(s => s.Ordinal);
        var sealRequest = documents.SealSignature(head, context.Request, lastSign?.ImageBox, await keys.AppearanceAsync(key.Id, ct), agency.Name);
        if (sealRequest.Failure is { } compose)
        {
            return compose;
        }

        var main = await SignCheckedAsync(key, context.Head, head, sealRequest.Value!, ct);
        if (main.Failure is { } mainFailure)
        {
            return mainFailure;
        }

        revisions.Add((context.Head, main.Value!));
        foreach (var attachment in context.Documents.Where(d => d.Kind == "attachment").GroupBy(d => d.DocumentIndex).Select(g => g.MaxBy(d => d.Revision)!))
        {
            var stamped = await SignCheckedAsync(key, attachment, await ContentOf(attachment, ct),
                documents.Stamp(context.Request.Symbol is { } symbol ? $"Phụ lục văn bản số {symbol}" : "Phụ lục", agency.Name), ct);
            if (stamped.Failure is { } stampFailure)
            {
                return stampFailure;
            }

            revisions.Add((attachment, stamped.Value!));
        }

        var committed = await CommitSignedStepAsync(actor, context, revisions, key, null, null, "seal", ct);
        return committed.Failure is { } commitFailure ? commitFailure : await ViewAsync(actor, id, ct);
    }

    /// <summary>Copy: electronic copies (bản sao điện tử, Art. 25) of the issued document, each with the agency's stamp signature.</summary>
    public async Task<Result<RequestView>> CopyAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Copy, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var forms = body.CopyForms is { Length: > 0 } given ? given : ["sao-y"];
        if (forms.Length > 5 || forms.Any(form => CopyWords(form) is null))
        {
            return Failure.BadInput("Unknown copy form", "copyForms lists up to 5 of sao-y, sao-luc, trich-sao.", "copyForms");
        }

        var context = loaded.Value!;
        var sealKey = await SealKeyAsync(actor, body, ct);
        if (sealKey.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var agency = (await accounts.FindAgencyAsync(context.Request.AgencyId, ct))!;
        var head = await ContentOf(context.Head, ct);
        var copies = new List<(RequestDocument Before, byte[] After)>();
        var nextIndex = Math.Max(100, context.Documents.Select(d => d.DocumentIndex + 1).DefaultIfEmpty(100).Max());
        foreach (var form in forms)
        {
            var copy = await SignCheckedAsync(sealKey.Value!, context.Head, head,
                documents.Stamp($"{CopyWords(form)} {context.Request.Symbol ?? ""}".Trim(), agency.Name), ct);
            if (copy.Failure is { } copyFailure)
            {
                return copyFailure;
            }

            // A copy is a new document (index 100 and up) whose first revision is the signed copy.
            copies.Add((context.Head with { DocumentIndex = nextIndex++, Kind = "copy", Name = $"{Path.GetFileNameWithoutExtension(context.Head.Name)}-{form}.pdf", Revision = -1 }, copy.Value!));
        }

        var committed = await CommitSignedStepAsync(actor, context, copies, sealKey.Value!, null, null, "copy", ct);
        return committed.Failure is { } commitFailure ? commitFailure : await ViewAsync(actor, id, ct);
    }

    /// <summary>Reject or return for revision: a reason is required; the submitter and earlier actors are told.</summary>
    public async Task<Result<RequestView>> EndAsync(Actor actor, string id, string stepId, StepAction body, string state, string eventType, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 2000)
        {
            return Failure.BadInput("Missing reason", "reason is required (at most 2000 characters): the submitter must know why.", "reason");
        }

        var loaded = await LoadActiveAsync(actor, id, stepId, null, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var context = loaded.Value!;
        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        if (!await requests.TransitionAsync(tx, id, [RequestStates.InProgress], state, Now, ct))
        {
            return StepMoved(context.Step);
        }

        await requests.CancelOpenStepsAsync(tx, id, Now, ct);
        var action = state == RequestStates.Rejected ? "reject" : "return";
        await requests.AppendHistoryAsync(tx, History(id, stepId, actor, action, null, context.Head.Sha256, null, body.Reason), ct);
        await EmitAsync(tx, context.Request, eventType, new { step = StepRef(context.Step), actor = actor.AuditName, reason = body.Reason }, ct);
        await NotifyParticipantsAsync(tx, context.Request, "request." + action,
            state == RequestStates.Rejected ? "Văn bản bị từ chối" : "Văn bản được trả lại để chỉnh sửa", $"{context.Request.Title}. Lý do: {body.Reason}", ct);
        await AuditAsync(tx, actor, "request." + action, context.Request, $"step={context.Step.Ordinal}; sha256={context.Head.Sha256}; reason={body.Reason}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>Delegate a sign step to an official who signs on the assignee's behalf, in a recorded capacity.</summary>
    public async Task<Result<RequestView>> DelegateAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Sign, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var context = loaded.Value!;
        if (context.Step.DelegateUserId is not null)
        {
            return new Failure(FailureKind.Conflict, "already-delegated", "Already delegated", "This step was delegated already; only its delegate may sign it.");
        }

        var capacity = body.Capacity ?? Capacities.OnBehalf;
        if (capacity is Capacities.Own || !Capacities.All.Contains(capacity))
        {
            return Failure.BadInput("Bad capacity", "capacity is kt, tl, tuq or q when another official signs.", "capacity");
        }

        var delegateUser = string.IsNullOrWhiteSpace(body.DelegateTo) ? null : await accounts.FindUserByUsernameAsync(body.DelegateTo.Trim(), ct);
        if (delegateUser is null || delegateUser.AgencyId != actor.AgencyId || delegateUser.DisabledAt is not null || !delegateUser.Holds(Roles.Official)
            || delegateUser.Id == actor.Id)
        {
            return Failure.BadInput("Unknown official", $"delegateTo names another official of your agency; '{body.DelegateTo}' is not one.", "delegateTo");
        }

        var assignee = await accounts.FindUserAsync(actor.Id, ct);
        var capacityTitle = body.CapacityTitle ?? context.Step.CapacityTitle ?? assignee?.Title ?? "";
        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        if (!await requests.DelegateStepAsync(tx, stepId, delegateUser.Id, capacity, capacityTitle, ct))
        {
            return StepMoved(context.Step);
        }

        await requests.TouchAsync(tx, id, RequestStates.InProgress, Now, ct);
        var line = $"{Capacities.Prefix(capacity)} {capacityTitle.ToUpper(CultureInfo.GetCultureInfo("vi-VN"))}";
        await requests.AppendHistoryAsync(tx, History(id, stepId, actor, "delegate", capacity, context.Head.Sha256, null, $"to {delegateUser.Username}: {line}"), ct);
        await EmitAsync(tx, context.Request, WebhookEvents.StepDelegated,
            new { step = StepRef(context.Step), actor = actor.AuditName, to = "user:" + delegateUser.Username, capacity, capacityLine = line }, ct);
        await NotifyStepActorsAsync(tx, context.Request, context.Step with { DelegateUserId = delegateUser.Id }, "request.todo", ct);
        await AuditAsync(tx, actor, "request.delegate", context.Request, $"step={context.Step.Ordinal}; to={delegateUser.Username}; capacity={capacity}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>A comment on the active step, by one of its actors.</summary>
    public async Task<Result<RequestView>> CommentAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Comment) || body.Comment.Length > 4000)
        {
            return Failure.BadInput("Missing comment", "comment is 1 to 4000 characters.", "comment");
        }

        var request = await requests.FindAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, ct))
        {
            return NotFound(id);
        }

        var step = (await requests.StepsAsync(id, ct)).FirstOrDefault(s => s.Id == stepId);
        if (step is null)
        {
            return new Failure(FailureKind.NotFound, "step-not-found", "Step not found", $"Request '{id}' has no step '{stepId}'.");
        }

        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        await requests.AppendHistoryAsync(tx, History(id, stepId, actor, "comment", null, null, null, body.Comment), ct);
        await AuditAsync(tx, actor, "request.comment", request, $"step={step.Ordinal}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>Withdraw: the submitter takes back an in-progress or returned request.</summary>
    public async Task<Result<RequestView>> WithdrawAsync(Actor actor, string id, StepAction body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var request = await requests.FindAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, ct))
        {
            return NotFound(id);
        }

        if (request.SubmitterId != actor.Id)
        {
            return new Failure(FailureKind.Forbidden, "not-submitter", "Not the submitter", "Only the submitter may withdraw a request.");
        }

        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        if (!await requests.TransitionAsync(tx, id, [RequestStates.InProgress, RequestStates.Returned], RequestStates.Withdrawn, Now, ct))
        {
            return new Failure(FailureKind.Conflict, "cannot-withdraw", "Cannot withdraw", $"The request is {request.State}; only an in-progress or returned request can be withdrawn.");
        }

        await requests.CancelOpenStepsAsync(tx, id, Now, ct);
        await requests.AppendHistoryAsync(tx, History(id, null, actor, "withdraw", null, null, null, body.Reason), ct);
        await EmitAsync(tx, request, WebhookEvents.RequestWithdrawn, new { actor = actor.AuditName, reason = body.Reason }, ct);
        await NotifyParticipantsAsync(tx, request, "request.withdrawn", "Văn bản đã được rút lại", request.Title, ct);
        await AuditAsync(tx, actor, "request.withdraw", request, $"from={request.State}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>Recall after issue (thu hồi): the request is marked recalled, an event goes out, and the history stays.</summary>
    public async Task<Result<RequestView>> RecallAsync(Actor actor, string id, StepAction body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            return Failure.BadInput("Missing reason", "reason is required to recall an issued document.", "reason");
        }

        var request = await requests.FindAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, ct))
        {
            return NotFound(id);
        }

        if (actor.IsClient ? request.ClientId != actor.Id : !(actor.Holds(Roles.Clerk) || actor.Holds(Roles.Admin)))
        {
            return new Failure(FailureKind.Forbidden, "recall-forbidden", "Recall not allowed", "Clerks and admins of the agency (or the submitting system) recall issued documents.");
        }

        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        if (!await requests.TransitionAsync(tx, id, [RequestStates.Completed], RequestStates.Recalled, Now, ct))
        {
            return new Failure(FailureKind.Conflict, "cannot-recall", "Cannot recall", $"The request is {request.State}; only an issued (completed) document can be recalled.");
        }

        await requests.AppendHistoryAsync(tx, History(id, null, actor, "recall", null, null, null, body.Reason), ct);
        await EmitAsync(tx, request, WebhookEvents.RequestRecalled, new { actor = actor.AuditName, reason = body.Reason, symbol = request.Symbol }, ct);
        await NotifyParticipantsAsync(tx, request, "request.recalled", "Văn bản đã bị thu hồi", $"{request.Symbol} {request.Title}. Lý do: {body.Reason}", ct);
        await AuditAsync(tx, actor, "request.recall", request, $"symbol={request.Symbol}; reason={body.Reason}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>
    /// Step one of signing with a key the service does not hold or unlocks elsewhere (CSC, an external signer): the
    /// official block is prepared into the revision the official saw, and the signed attributes come back to sign.
    /// </summary>
    public async Task<Result<PreparedPdf>> PrepareSignAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Sign, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var context = loaded.Value!;
        var key = await OfficialKeyAsync(actor, body.KeyId, anyLocation: true, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var head = await ContentOf(context.Head, ct);
        var composed = await ComposeOfficialAsync(actor, context, key.Value!, head, ct);
        return composed.Failure is { } composeFailure
            ? composeFailure
            : await signing.PrepareWithKeyAsync(actor, key.Value!, head, context.Head.Sha256, composed.Value.Request, ct);
    }

    /// <summary>Step two: the external signature over the prepared revision completes the step.</summary>
    public async Task<Result<RequestView>> CompleteExternalAsync(Actor actor, string id, string stepId, StepAction body, CancellationToken ct)
    {
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Sign, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var completed = await signing.CompletePdfAsync(actor, body.OperationId ?? "", body.Signature, body.Certificate, new Audit.AuditTrail(), ct);
        if (completed.Failure is { } completeFailure)
        {
            return completeFailure;
        }

        var accepted = await AcceptExternalAsync(actor.Id, loaded.Value!, completed.Value!.Key, completed.Value.Document, ct);
        return accepted is not null ? accepted : await ViewAsync(actor, id, ct);
    }

    /// <summary>
    /// Opens a desk-signer session for the revision the official saw: the one-time URLs go to the GCC desk signer on the
    /// official's PC, and its upload completes the step.
    /// </summary>
    public async Task<Result<DeskSessionLinks>> StartDeskSessionAsync(Actor actor, string id, string stepId, StepAction body, string baseUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var loaded = await LoadActiveAsync(actor, id, stepId, StepKinds.Sign, body.ExpectedSha256, ct);
        if (loaded.Failure is { } failure)
        {
            return failure;
        }

        var key = await OfficialKeyAsync(actor, body.KeyId, anyLocation: true, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var context = loaded.Value!;
        var head = await ContentOf(context.Head, ct);
        return await desk.CreateAsync(TimeOrderedIds.New(), actor.Id, key.Value!, head, context.Head.Sha256, (int)context.Head.Signatures,
            context.Head.Name, stepId, baseUrl, ct);
    }

    /// <inheritdoc />
    public async Task<Failure?> AcceptAsync(DeskSignSession session, byte[] signed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var person = await accounts.FindUserAsync(session.CreatedBy, ct);
        var key = await keys.FindAsync(session.KeyId, ct);
        if (person is null || key is null)
        {
            return new Failure(FailureKind.Conflict, "step-gone", "Step gone", "The official or key of this session no longer exists.");
        }

        var actor = new Actor(Actor.User, person.Id, person.Username, person.AgencyId, Roles.Parse(person.Roles));
        var requestId = await requests.RequestOfStepAsync(session.StepId!, ct);
        if (requestId is null)
        {
            return new Failure(FailureKind.Conflict, "step-gone", "Step gone", "The signature-request step of this session no longer waits for a signature.");
        }

        var loaded = await LoadActiveAsync(actor, requestId, session.StepId!, StepKinds.Sign, session.OriginalSha256, ct);
        return loaded.Failure ?? await AcceptExternalAsync(person.Id, loaded.Value!, key, signed, ct);
    }

    /// <summary>Expires every in-progress request whose deadline passed; returns how many.</summary>
    public async Task<int> ExpireOverdueAsync(CancellationToken ct)
    {
        var expired = 0;
        foreach (var request in await requests.OverdueAsync(Now, 100, ct))
        {
            await using var tx = await database.BeginWriteAsync($"request:{request.Id}", ct);
            if (!await requests.TransitionAsync(tx, request.Id, [RequestStates.InProgress], RequestStates.Expired, Now, ct))
            {
                continue;
            }

            await requests.CancelOpenStepsAsync(tx, request.Id, Now, ct);
            var system = new Actor("system", "system", "deadline", request.AgencyId, []);
            await requests.AppendHistoryAsync(tx, History(request.Id, null, system, "expire", null, null, null,
                $"deadline {DateTimeOffset.FromUnixTimeMilliseconds(request.Deadline!.Value).ToOffset(VietnamOffset):yyyy-MM-dd HH:mm}"), ct);
            await EmitAsync(tx, request, WebhookEvents.RequestExpired, new { deadline = Time(request.Deadline) }, ct);
            await NotifyParticipantsAsync(tx, request, "request.expired", "Văn bản đã quá hạn xử lý", request.Title, ct);
            await AuditAsync(tx, system, "request.expire", request, $"deadline={request.Deadline}", ct);
            await tx.CommitAsync(ct);
            expired++;
        }

        return expired;
    }

    /// <summary>Reminds the actors of every active step whose interval (by urgency) has passed; returns how many steps.</summary>
    public async Task<int> RemindAsync(CancellationToken ct)
    {
        var reminded = 0;
        foreach (var (request, step) in await requests.ActiveStepsAsync(1000, ct))
        {
            // The time of this step's reminder, not of the scan's start: a scan that takes a while to reach a step would
            // otherwise mark it earlier than it notified, and the next scan would remind again sooner than the interval.
            var now = Now;
            var since = step.LastRemindedAt ?? step.StartedAt ?? now;
            if (now - since < (long)options.Value.ReminderFor(request.Urgency).TotalMilliseconds)
            {
                continue;
            }

            await using var tx = await database.BeginWriteAsync($"request:{request.Id}", ct);
            if (!await requests.MarkRemindedAsync(tx, step.Id, step.LastRemindedAt, now, ct))
            {
                continue;
            }

            await NotifyStepActorsAsync(tx, request, step, "reminder", ct);
            await tx.CommitAsync(ct);
            reminded++;
        }

        return reminded;
    }

    private async Task<Result<bool>> SignStepAsync(Actor actor, StepContext context, string? keyId, CancellationToken ct)
    {
        var key = await OfficialKeyAsync(actor, keyId, anyLocation: false, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var head = await ContentOf(context.Head, ct);
        var composed = await ComposeOfficialAsync(actor, context, key.Value!, head, ct);
        if (composed.Failure is { } composeFailure)
        {
            return composeFailure;
        }

        var signed = await SignCheckedAsync(key.Value!, context.Head, head, composed.Value.Request, ct);
        if (signed.Failure is { } signFailure)
        {
            return signFailure;
        }

        var committed = await CommitSignedStepAsync(actor, context, [(context.Head, signed.Value!)], key.Value!, composed.Value.ImageBox,
            CapacityOf(actor, context.Step), "sign", ct);
        return committed.Failure is { } commitFailure ? commitFailure : true;
    }

    private async Task<Result<(PdfSignatureRequest Request, string ImageBox)>> ComposeOfficialAsync(
        Actor actor, StepContext context, SigningKey key, byte[] head, CancellationToken ct)
    {
        var signer = (await accounts.FindUserAsync(actor.Id, ct))!;
        var agency = (await accounts.FindAgencyAsync(context.Request.AgencyId, ct))!;
        return documents.OfficialSignature(head, context.Step, signer, CapacityOf(actor, context.Step), context.Step.CapacityTitle,
            await keys.AppearanceAsync(key.Id, ct), agency.Name);
    }

    // The delegate signs in the delegated capacity; the assignee in the route's.
    private static string CapacityOf(Actor actor, RequestStep step)
        => step.DelegateUserId == actor.Id ? step.Capacity ?? Capacities.OnBehalf : step.Capacity ?? Capacities.Own;

    private async Task<Failure?> AcceptExternalAsync(string actorId, StepContext context, SigningKey key, byte[] signed, CancellationToken ct)
    {
        var head = await ContentOf(context.Head, ct);
        var added = await documents.CheckAddedSignatureAsync(head, context.Head.Signatures, signed, key.Thumbprint, $"the certificate of key '{key.Id}'", ct);
        if (added.Failure is { } refused)
        {
            return refused;
        }

        // The official's image is inside the new signature's widget: the seal goes over its left third.
        string? imageBox = null;
        using (var stream = PdfBytes.Open(signed))
        {
            if (SignatureWidgets.Find(stream, added.Value!.FieldName, pdf.ReaderLimits) is var (page, rectangle))
            {
                imageBox = StepDocuments.FormatBox(page, rectangle);
            }
        }

        var person = (await accounts.FindUserAsync(actorId, ct))!;
        var actor = new Actor(Actor.User, person.Id, person.Username, person.AgencyId, Roles.Parse(person.Roles));
        return (await CommitSignedStepAsync(actor, context, [(context.Head, signed)], key, imageBox, CapacityOf(actor, context.Step), "sign", ct)).Failure;
    }

    // Signs one revision with a key and checks the result is the revision plus exactly that one signature.
    private async Task<Result<byte[]>> SignCheckedAsync(SigningKey key, RequestDocument before, byte[] content, PdfSignatureRequest request, CancellationToken ct)
    {
        using var input = PdfBytes.Open(content);
        var signed = await signing.SignWithKeyAsync(key, input, request, ct);
        if (signed.Failure is { } failure)
        {
            return failure;
        }

        var added = await documents.CheckAddedSignatureAsync(content, before.Signatures, signed.Value!, key.Thumbprint, $"the certificate of key '{key.Id}'", ct);
        return added.Failure is { } refused ? refused : signed;
    }

    /// <summary>
    /// Commits a signing step: completes it if still active (else nothing is stored: a racing second signature is
    /// dropped), stores each new revision, and records history, event, audit and the next step in one transaction.
    /// </summary>
    private async Task<Result<bool>> CommitSignedStepAsync(
        Actor actor, StepContext context, IReadOnlyList<(RequestDocument Before, byte[] After)> revisions, SigningKey key, string? imageBox, string? capacity,
        string action, CancellationToken ct)
    {
        var now = Now;
        // Each revision is hashed once: the documents run to megabytes, and the hash is recorded in four places.
        var hashed = revisions.Select(r => (r.Before, r.After, Sha256: Sha256(r.After))).ToList();
        var main = hashed.FirstOrDefault(r => r.Before.DocumentIndex == 0 && r.Before.Revision >= 0);
        var output = main.After is null ? context.Head.Sha256 : main.Sha256;
        await using var tx = await database.BeginWriteAsync($"request:{context.Request.Id}", ct);
        if (!await requests.CompleteStepAsync(tx, context.Step.Id, actor.Id, actor.Name, context.Head.Sha256, output, key.Id, imageBox, capacity, now, ct))
        {
            return StepMoved(context.Step);
        }

        foreach (var (before, after, sha256) in hashed)
        {
            await requests.InsertDocumentAsync(tx, new RequestDocument(context.Request.Id, before.DocumentIndex, before.Revision + 1, before.Kind, before.Name,
                sha256, after.LongLength, before.Signatures + 1, context.Step.Id, now), after, extends: before, ct);
        }

        var written = string.Join(",", hashed.Select(r => $"{r.Before.DocumentIndex}:{r.Sha256}"));
        await requests.AppendHistoryAsync(tx, History(context.Request.Id, context.Step.Id, actor, action, capacity, context.Head.Sha256, output,
            $"key={key.Id}; revisions={written}"), ct);
        await EmitAsync(tx, context.Request, WebhookEvents.StepCompleted, StepData(context.Step, actor, context.Head.Sha256, output, capacity, key.Id), ct);
        await AdvanceAsync(tx, context, ct);
        await AuditAsync(tx, actor, "request." + action, context.Request,
            $"step={context.Step.Ordinal}; input={context.Head.Sha256}; output={output}; key={key.Id}; capacity={capacity ?? "-"}; revisions={written}", ct);
        await tx.CommitAsync(ct);
        return true;
    }

    // Activates the next pending step, or completes (issues) the request when none is left.
    private async Task AdvanceAsync(StorageTransaction tx, StepContext context, CancellationToken ct)
    {
        var next = context.Steps.Where(s => s.Ordinal > context.Step.Ordinal && s.State == StepStates.Pending).MinBy(s => s.Ordinal);
        if (next is not null)
        {
            await requests.ActivateStepAsync(tx, next.Id, Now, ct);
            await requests.TouchAsync(tx, context.Request.Id, RequestStates.InProgress, Now, ct);
            await NotifyStepActorsAsync(tx, context.Request, next, "request.todo", ct);
            return;
        }

        await requests.TransitionAsync(tx, context.Request.Id, [RequestStates.InProgress], RequestStates.Completed, Now, ct);
        foreach (var listener in completionListeners)
        {
            await listener.OnCompletedAsync(tx, context.Request, ct);
        }

        await EmitAsync(tx, context.Request, WebhookEvents.RequestCompleted,
            new { symbol = context.Request.Symbol, number = context.Request.Number, issuedDate = context.Request.IssuedDate }, ct);
        await NotifyParticipantsAsync(tx, context.Request, "request.completed", "Văn bản đã ban hành",
            $"{context.Request.Symbol} {context.Request.Title}".Trim(), ct);
    }

    private async Task<Result<StepContext>> LoadActiveAsync(Actor actor, string id, string stepId, string? kind, string? expectedSha256, CancellationToken ct)
    {
        var request = await requests.FindAsync(id, ct);
        var steps = request is null ? [] : await requests.StepsAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, steps, null, ct))
        {
            return NotFound(id);
        }

        var step = steps.FirstOrDefault(s => s.Id == stepId);
        if (step is null)
        {
            return new Failure(FailureKind.NotFound, "step-not-found", "Step not found", $"Request '{id}' has no step '{stepId}'.");
        }

        if (request.State != RequestStates.InProgress)
        {
            return new Failure(FailureKind.Conflict, "request-not-in-progress", "Request not in progress", $"The request is {request.State}.");
        }

        if (step.State != StepStates.Active)
        {
            return new Failure(FailureKind.Conflict, "step-not-active", "Step not active", $"Step {step.Ordinal} ({step.Kind}) is {step.State}.");
        }

        if (kind is not null && step.Kind != kind)
        {
            return new Failure(FailureKind.Conflict, "wrong-step-kind", "Wrong action for this step", $"Step {step.Ordinal} is a {step.Kind} step, not {kind}.");
        }

        if (!CanAct(actor, step))
        {
            return new Failure(FailureKind.Forbidden, "not-your-step", "Not your step",
                step.DelegateUserId is not null ? "This step was delegated to another official." : $"Step {step.Ordinal} ({step.Kind}) is not routed to you.");
        }

        var stored = await requests.DocumentsAsync(id, ct);
        var head = Head(stored, 0)!;
        if (string.IsNullOrWhiteSpace(expectedSha256))
        {
            return Failure.BadInput("Missing document hash", "expectedSha256 is the SHA-256 of the revision you looked at (headSha256 of the request).", "expectedSha256");
        }

        if (!string.Equals(expectedSha256.Trim(), head.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return new Failure(FailureKind.Conflict, "stale-revision", "Document changed",
                $"You looked at revision {expectedSha256}, but the document is now at revision {head.Revision} ({head.Sha256}); look at it again.")
            { Field = "expectedSha256" };
        }

        return new StepContext(request, steps, step, stored, head);
    }

    private async Task<Result<SigningKey>> OfficialKeyAsync(Actor actor, string? keyId, bool anyLocation, CancellationToken ct)
    {
        var owned = (await keys.ListForOwnerAsync(actor.Id, ct))
            .Where(k => k.Purpose == KeyPurpose.Official && k.DisabledAt is null && (anyLocation || k.Location == KeyLocation.Pkcs11)).ToList();
        var key = keyId is null ? owned.FirstOrDefault() : owned.FirstOrDefault(k => k.Id == keyId);
        if (key is null)
        {
            return new Failure(FailureKind.Conflict, "no-signing-key", "No signing key",
                anyLocation
                    ? "You have no registered official key; a key admin registers your USB token or HSM key first."
                    : "You have no official key held by the service; sign with your USB token through the desk signer (desk-session) or with CSC (prepare/complete).");
        }

        return await signing.CheckUsableAsync(key, ct);
    }

    private async Task<Result<SigningKey>> SealKeyAsync(Actor actor, StepAction body, CancellationToken ct)
    {
        if (await credentials.VerifyAsync(actor, body.Pin, body.Otp, "request.seal", ct) is { } factorFailure)
        {
            return factorFailure;
        }

        var seals = (await keys.ListForAgencyAsync(actor.AgencyId, ct))
            .Where(k => k.Purpose == KeyPurpose.AgencySeal && k.Location == KeyLocation.Pkcs11 && k.DisabledAt is null).ToList();
        var keyId = body.KeyId ?? seals.FirstOrDefault()?.Id;
        return keyId is null
            ? new Failure(FailureKind.Conflict, "no-seal-key", "No seal key", "The agency has no agency-seal key held by the service; a key admin registers one.")
            : await signing.ResolveKeyAsync(actor, keyId, KeyUse.AgencySeal, ct);
    }

    private async Task<byte[]> ContentOf(RequestDocument document, CancellationToken ct)
        => await requests.ContentAsync(document.RequestId, document.DocumentIndex, document.Revision, ct)
            ?? throw new InvalidOperationException($"Revision {document.Revision} of document {document.DocumentIndex} of request {document.RequestId} has no content.");

    private static object StepRef(RequestStep step) => new { id = step.Id, ordinal = step.Ordinal, kind = step.Kind };

    private static object StepData(RequestStep step, Actor actor, string input, string output, string? capacity = null, string? keyId = null)
        => new { step = StepRef(step), actor = actor.AuditName, inputSha256 = input, outputSha256 = output, capacity, keyId };

    private static Failure StepMoved(RequestStep step) => new(FailureKind.Conflict, "step-moved", "Step already moved",
        $"Step {step.Ordinal} ({step.Kind}) was completed or the request left the route while this action ran; nothing was stored.");

    private static string? CopyWords(string form) => form switch
    {
        "sao-y" => "SAO Y",
        "sao-luc" => "SAO LỤC",
        "trich-sao" => "TRÍCH SAO",
        _ => null,
    };

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private sealed record StepContext(
        SignatureRequest Request, IReadOnlyList<RequestStep> Steps, RequestStep Step, IReadOnlyList<RequestDocument> Documents, RequestDocument Head);
}
