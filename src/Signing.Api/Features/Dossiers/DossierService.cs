using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.GccRequests;
using Signing.Api.Features.Mergers;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Hosting;
using Signing.Pki.Certificates;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Agencies;
using Signing.Storage.Audit;
using Signing.Storage.Certificates;
using Signing.Storage.Requests;

namespace Signing.Api.Features.Dossiers;

/// <summary>
/// Dossiers of GCC requests: gathered as drafts, rendered (PDF with one table per kind, CSV and XLSX of the same rows),
/// sent to the agency head as a signature request with one sign step (the head approves by signing), recorded as
/// submitted with a due date in Vietnamese working days, and closed item by item by the GCC's answers. HTTP-free.
/// </summary>
public sealed class DossierService(
    Database database, DossierStore dossiers, GccRequestStore requests, CertificateStore certificates, AgencyStore agencies, AccountStore accounts,
    SignatureRequestService signatureRequests, SignatureRequestStore signatureStore, DossierAnswers answers, CertificateWatch watch, MergerCompletion mergers,
    WorkingCalendar calendar, AuditLog audit, IOptions<DossierOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Vietnam).DateTime);

    /// <summary>Makes a draft dossier of draft requests.</summary>
    public async Task<Result<DossierView>> CreateAsync(Actor actor, CreateDossierRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        var ids = (body.RequestIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return Failure.BadInput("No requests", "requestIds names the draft requests the dossier carries.", "requestIds");
        }

        if (body.Title is { Length: > 300 })
        {
            return Failure.BadInput("Title too long", "title has at most 300 characters.", "title");
        }

        var agency = (await agencies.FindAsync(actor.AgencyId, ct))!;
        var now = Now;
        var dossier = new Dossier(TimeOrderedIds.New(), actor.AgencyId,
            string.IsNullOrWhiteSpace(body.Title) ? $"Hồ sơ chứng thư số của {agency.Name} ngày {Today:dd/MM/yyyy}" : body.Title.Trim(),
            DossierStates.Draft, null, null, null, null, null, null, null, null, null, null, actor.AuditName, now, now);
        await using var tx = await database.BeginWriteAsync($"dossier:{dossier.Id}", ct);
        await dossiers.InsertAsync(tx, dossier, ct);
        if (await requests.QueueAsync(tx, actor.AgencyId, ids, dossier.Id, ct) != ids.Count)
        {
            return new Failure(FailureKind.Conflict, "requests-not-drafts", "Requests not drafts",
                "Every request of a new dossier must be a draft of your agency that no dossier carries yet.")
            { Field = "requestIds" };
        }

        await AuditAsync(tx, actor, "dossier.create", dossier, $"requests={ids.Count}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, dossier.Id, ct);
    }

    /// <summary>Adds draft requests to a draft dossier.</summary>
    public async Task<Result<DossierView>> AddItemsAsync(Actor actor, string id, DossierItemsRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var ids = (body.RequestIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        await using var tx = await database.BeginWriteAsync($"dossier:{id}", ct);
        if (found.Value!.State != DossierStates.Draft)
        {
            return NotDraft(found.Value);
        }

        if (ids.Count == 0 || await requests.QueueAsync(tx, actor.AgencyId, ids, id, ct) != ids.Count)
        {
            return new Failure(FailureKind.Conflict, "requests-not-drafts", "Requests not drafts", "Only draft requests of your agency that no dossier carries can be added.")
            {
                Field = "requestIds",
            };
        }

        await AuditAsync(tx, actor, "dossier.add", found.Value, $"requests={string.Join(",", ids)}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>Takes a request out of a draft dossier (it becomes a draft again).</summary>
    public async Task<Result<DossierView>> RemoveItemAsync(Actor actor, string id, string requestId, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        if (found.Value!.State != DossierStates.Draft)
        {
            return NotDraft(found.Value);
        }

        await using var tx = await database.BeginWriteAsync($"dossier:{id}", ct);
        if (!await requests.UnqueueAsync(tx, requestId, id, ct))
        {
            return new Failure(FailureKind.NotFound, "item-not-found", "Item not found", $"The dossier carries no queued request '{requestId}'.");
        }

        await AuditAsync(tx, actor, "dossier.remove", found.Value, $"request={requestId}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>A dossier with its items; one waiting for a signature its head refused comes back to draft first.</summary>
    public async Task<Result<DossierView>> ViewAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var dossier = await RefreshAsync(found.Value!, ct);
        var items = await requests.ForDossierAsync(id, ct);
        var counts = items.GroupBy(item => item.Kind).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var open = items.Count(item => item.State is not (GccRequestStates.Done or GccRequestStates.Rejected));
        return new DossierView(dossier.Id, dossier.Title, dossier.State, dossier.MergerId, dossier.SignatureRequestId, dossier.HeadUserId, dossier.DispatchNumber,
            dossier.DispatchDate, Time(dossier.SubmittedAt), dossier.DueDate, IsOverdue(dossier), Time(dossier.CompletedAt), dossier.Note, counts, open,
            [.. items.Select(GccRequestService.View)], Time(dossier.CreatedAt)!.Value);
    }

    /// <summary>The agency's dossiers, newest first; <paramref name="overdue"/> keeps those past their due date.</summary>
    public async Task<Result<IReadOnlyList<DossierSummary>>> ListAsync(Actor actor, string? state, bool overdue, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        if (state is not null && !DossierStates.All.Contains(state))
        {
            return Failure.BadInput("Unknown state", $"state is one of {string.Join(", ", DossierStates.All)}.", "state");
        }

        var found = await dossiers.ListAsync(actor.AgencyId, state, overdue ? Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null, limit, ct);
        return found.Select(d => new DossierSummary(d.Id, d.Title, d.State, d.DueDate, IsOverdue(d), d.MergerId, Time(d.CreatedAt)!.Value)).ToList();
    }

    /// <summary>The rows every document of the dossier shows.</summary>
    public async Task<Result<IReadOnlyList<DossierRow>>> RowsAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        return found.Failure is { } failure ? failure : (Result<IReadOnlyList<DossierRow>>)(await RowsOfAsync(id, ct)).ToList();
    }

    /// <summary>
    /// The PDF: as signed by the head once signed, as sent while it waits for the signature, rendered from the current
    /// items while a draft. <paramref name="progress"/> hears the phases of <see cref="RenderPhases"/>: collect, draw
    /// and write for a draft, stored otherwise.
    /// </summary>
    public async Task<Result<byte[]>> PdfAsync(Actor actor, string id, CancellationToken ct, ProgressSink? progress = null)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        progress ??= (_, _) => Task.CompletedTask;
        var dossier = await RefreshAsync(found.Value!, ct);
        if (dossier.State == DossierStates.Draft)
        {
            await progress(new WorkProgress(RenderPhases.Collect, 0, 0), ct);
            var rows = await RowsOfAsync(id, ct);
            await progress(new WorkProgress(RenderPhases.Collect, rows.Count, rows.Count), ct);
            return await RenderAsync(dossier, rows, ct, progress);
        }

        await progress(new WorkProgress(RenderPhases.Stored, 0, 1), ct);
        var stored = dossier.State == DossierStates.AwaitingSignature ? (await dossiers.PdfAsync(id, ct))! : await SignedPdfAsync(dossier, ct);
        await progress(new WorkProgress(RenderPhases.Stored, 1, 1), ct);
        return stored;
    }

    /// <summary>
    /// Sends the dossier to its head: renders the PDF and submits it as a signature request whose one step is the head's
    /// signature below the anchor line. Requests whose key is to be generated on the HSM must have their CSR first.
    /// </summary>
    public async Task<Result<DossierView>> SendAsync(Actor actor, string id, SendDossierRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var dossier = found.Value!;
        if (dossier.State != DossierStates.Draft)
        {
            return NotDraft(dossier);
        }

        if (string.IsNullOrWhiteSpace(body.Head) || await accounts.FindUserByUsernameAsync(body.Head, ct) is not { } head || head.AgencyId != actor.AgencyId
            || !head.Holds(Roles.Official))
        {
            return Failure.BadInput("Unknown head", "head is the username of the agency's head: an official of your agency.", "head");
        }

        var items = await requests.ForDossierAsync(id, ct);
        if (items.Count == 0)
        {
            return new Failure(FailureKind.Conflict, "empty-dossier", "Empty dossier", "The dossier carries no request.");
        }

        if (items.FirstOrDefault(item => GccRequestKinds.Issues(item.Kind) && item.Csr is null
            && GccRequestService.FieldsOf(item).KeyLocation == KeyLocations.Hsm) is { } missing)
        {
            return new Failure(FailureKind.Conflict, "missing-csr", "CSR missing",
                $"Request '{missing.Id}' has its key on the HSM but no CSR yet: POST /api/v1/certificate-requests/{missing.Id}/key first.");
        }

        var pdf = await RenderAsync(dossier, await RowsOfAsync(id, ct), ct);
        var submitted = await signatureRequests.SubmitAsync(actor,
            new SubmitMetadata(dossier.Title, options.Value.DocumentType, options.Value.SymbolPattern, null, null, null, null, null,
                [new RouteStepSpec(StepKinds.Sign, [head.Username], null, null, null, options.Value.SignatureAnchor, null, null)]),
            new NamedPdf($"ho-so-chung-thu-{id[^10..]}.pdf", pdf), [], ct);
        if (submitted.Failure is { } submitFailure)
        {
            return submitFailure;
        }

        var requestId = submitted.Value!.Id;
        await using (var tx = await database.BeginWriteAsync($"dossier:{id}", ct))
        {
            if (await dossiers.SendAsync(tx, id, requestId, head.Id, pdf, Convert.ToHexStringLower(SHA256.HashData(pdf)), ct))
            {
                await AuditAsync(tx, actor, "dossier.send", dossier, $"request={requestId}; head={head.Username}; items={items.Count}", ct);
                await tx.CommitAsync(ct);
                return await ViewAsync(actor, id, ct);
            }
        }

        // Another send came first: take this request back so that the head sees one.
        await signatureRequests.WithdrawAsync(actor, requestId, new StepAction(Reason: "The dossier was sent twice; this copy is withdrawn."), ct);
        return NotDraft(dossier);
    }

    /// <summary>Records that the signed dossier went to the GCC: its dispatch number and date, and the due date in working days.</summary>
    public async Task<Result<DossierView>> SubmitAsync(Actor actor, string id, SubmitDossierRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var date = Today;
        if (body.DispatchDate is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return Failure.BadInput("Bad date", "dispatchDate is yyyy-MM-dd.", "dispatchDate");
        }

        if (body.DispatchNumber is { Length: > 100 })
        {
            return Failure.BadInput("Bad number", "dispatchNumber has at most 100 characters.", "dispatchNumber");
        }

        var submitted = await MarkSubmittedAsync(actor, found.Value!, body.DispatchNumber?.Trim(), date, ct);
        return submitted.Failure is { } submitFailure ? submitFailure : await ViewAsync(actor, id, ct);
    }

    /// <summary>
    /// The signed package (the signed PDF, the CSV and the CSRs, zipped). With <paramref name="submit"/> taking it is the
    /// submission: the dossier is recorded as submitted today.
    /// </summary>
    public async Task<Result<(string Name, byte[] Zip)>> PackageAsync(Actor actor, string id, bool submit, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var dossier = await RefreshAsync(found.Value!, ct);
        if (dossier.State is DossierStates.Draft or DossierStates.AwaitingSignature)
        {
            return new Failure(FailureKind.Conflict, "dossier-not-signed", "Not signed yet", $"The dossier is {dossier.State}; the package holds the head's signed PDF.");
        }

        if (submit && dossier.State == DossierStates.Signed)
        {
            var submitted = await MarkSubmittedAsync(actor, dossier, null, Today, ct);
            if (submitted.Failure is { } submitFailure)
            {
                return submitFailure;
            }
        }

        var items = await requests.ForDossierAsync(id, ct);
        var name = $"ho-so-chung-thu-{id[^10..]}";
        var zip = DossierDocuments.Package(name, await SignedPdfAsync(dossier, ct), DossierDocuments.Csv(await RowsOfAsync(id, ct)),
            items.Where(item => item.Csr is not null).Select(item => ($"{DossierDocuments.ShortCode(item.Id)}-{item.Kind}", item.Csr!)));
        return (name + ".zip", zip);
    }

    /// <summary>
    /// Imports the GCC's answers (a PEM, DER or P7B file): matched certificates close their items; revocation items close
    /// when the watch sees their certificate revoked, which is checked now; a merger whose items are all closed is merged.
    /// </summary>
    public async Task<Result<AnswerReport>> ImportAnswersAsync(Actor actor, string id, byte[] file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var dossier = found.Value!;
        if (dossier.State is not (DossierStates.Submitted or DossierStates.InProgress))
        {
            return new Failure(FailureKind.Conflict, "dossier-not-submitted", "Not submitted", $"The dossier is {dossier.State}; answers come after it was submitted.");
        }

        IReadOnlyList<X509Certificate2> answersFile;
        try
        {
            answersFile = CertificateFiles.Read(file);
        }
        catch (Pki.MalformedPkiDataException e)
        {
            return new Failure(FailureKind.Unprocessable, "unparseable-certificate", "Certificate does not parse", $"The answers file: {e.Message}") { Field = "file" };
        }

        try
        {
            var (matches, problems) = await answers.ImportAsync(actor, dossier, answersFile, ct);
            var revocations = (await requests.ForDossierAsync(id, ct))
                .Where(item => item.Kind == GccRequestKinds.Revoke && item.State == GccRequestStates.Submitted && item.CertificateId is not null)
                .Select(item => item.CertificateId!).ToList();
            var closed = revocations.Count == 0 ? 0 : (await watch.CheckAsync(revocations, ct)).Revoked;
            var merged = dossier.MergerId is not null && await mergers.CompleteReadyAsync(ct) > 0;
            var after = (await dossiers.FindAsync(id, ct))!;
            var open = (await requests.ForDossierAsync(id, ct)).Count(item => item.State is not (GccRequestStates.Done or GccRequestStates.Rejected));
            return new AnswerReport(matches.Count, matches, problems, closed, after.State, open, merged);
        }
        finally
        {
            foreach (var certificate in answersFile)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>Closes one submitted item by hand: done (a revocation or a restored device) or rejected by the GCC.</summary>
    public async Task<Result<DossierView>> SetOutcomeAsync(Actor actor, string id, string itemId, ItemOutcomeRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        if (body.Outcome is not (GccRequestStates.Done or GccRequestStates.Rejected))
        {
            return Failure.BadInput("Unknown outcome", "outcome is done or rejected.", "outcome");
        }

        if (body.Outcome == GccRequestStates.Rejected && string.IsNullOrWhiteSpace(body.Note))
        {
            return Failure.BadInput("Missing note", "A rejected item carries the GCC's reason (note).", "note");
        }

        var item = (await requests.ForDossierAsync(id, ct)).FirstOrDefault(i => i.Id == itemId);
        if (item is null)
        {
            return new Failure(FailureKind.NotFound, "item-not-found", "Item not found", $"The dossier has no item '{itemId}'.");
        }

        if (body.Outcome == GccRequestStates.Done && GccRequestKinds.AnsweredWithCertificate(item.Kind))
        {
            return new Failure(FailureKind.Conflict, "answer-is-a-certificate", "Import the certificate",
                $"A {item.Kind} item is done when its certificate is imported (POST /api/v1/dossiers/{id}/answers).");
        }

        if (!await answers.CloseAsync(actor, found.Value!, item, body.Outcome, body.Note?.Trim(), ct))
        {
            return new Failure(FailureKind.Conflict, "item-not-open", "Item not open", $"Item '{itemId}' is {item.State}; only a submitted item can be closed.");
        }

        if (found.Value!.MergerId is not null)
        {
            await mergers.CompleteReadyAsync(ct);
        }

        return await ViewAsync(actor, id, ct);
    }

    /// <summary>Whether a submitted dossier passed its due date (Vietnamese working days) with items open.</summary>
    public bool IsOverdue(Dossier dossier)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        return dossier.State is DossierStates.Submitted or DossierStates.InProgress && dossier.DueDate is { } due
            && string.CompareOrdinal(due, Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) < 0;
    }

    private async Task<Result<bool>> MarkSubmittedAsync(Actor actor, Dossier dossier, string? dispatchNumber, DateOnly date, CancellationToken ct)
    {
        var due = calendar.AddWorkingDays(date, options.Value.DueWorkingDays);
        await using var tx = await database.BeginWriteAsync($"dossier:{dossier.Id}", ct);
        if (!await dossiers.SubmitAsync(tx, dossier.Id, dispatchNumber, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ct))
        {
            return new Failure(FailureKind.Conflict, "dossier-not-signed", "Not signed", $"The dossier is {dossier.State}; only a signed dossier is submitted.");
        }

        await requests.MoveDossierItemsAsync(tx, dossier.Id, GccRequestStates.Queued, GccRequestStates.Submitted, ct);
        await AuditAsync(tx, actor, "dossier.submit", dossier, $"dispatch={dispatchNumber ?? "-"}; date={date:yyyy-MM-dd}; due={due:yyyy-MM-dd}", ct);
        await tx.CommitAsync(ct);
        return true;
    }

    // A dossier whose signature request ended without the head's signature goes back to draft, with the reason.
    private async Task<Dossier> RefreshAsync(Dossier dossier, CancellationToken ct)
    {
        if (dossier.State != DossierStates.AwaitingSignature || dossier.SignatureRequestId is not { } requestId
            || await signatureStore.FindAsync(requestId, ct) is not { } request
            || request.State is RequestStates.InProgress or RequestStates.Completed)
        {
            return dossier;
        }

        var reason = (await signatureStore.HistoryAsync(requestId, ct)).LastOrDefault(h => h.Details is not null)?.Details;
        await using var tx = await database.BeginWriteAsync($"dossier:{dossier.Id}", ct);
        if (await dossiers.ReturnToDraftAsync(tx, dossier.Id, requestId, $"signature request {request.State}{(reason is null ? "" : $": {reason}")}", ct))
        {
            await audit.AppendAsync(tx, new AuditEntry("system:dossiers", dossier.AgencyId, "dossier.returned", dossier.Id, AuditOutcome.Success, null,
                $"request={requestId}; state={request.State}"), ct);
            await tx.CommitAsync(ct);
        }

        return (await dossiers.FindAsync(dossier.Id, ct))!;
    }

    private async Task<byte[]> SignedPdfAsync(Dossier dossier, CancellationToken ct)
    {
        var stored = await signatureStore.DocumentsAsync(dossier.SignatureRequestId!, ct);
        var head = stored.Where(d => d.DocumentIndex == 0).MaxBy(d => d.Revision)!;
        return (await signatureStore.ContentAsync(dossier.SignatureRequestId!, 0, head.Revision, ct))!;
    }

    private async Task<IReadOnlyList<DossierRow>> RowsOfAsync(string id, CancellationToken ct)
    {
        var items = await requests.ForDossierAsync(id, ct);
        var ids = items.Where(item => item.CertificateId is not null).Select(item => item.CertificateId!).ToList();
        var byId = (await certificates.FindManyAsync(ids, ct)).ToDictionary(c => c.Id, StringComparer.Ordinal);
        return DossierDocuments.Rows(items, byId);
    }

    private async Task<byte[]> RenderAsync(Dossier dossier, IReadOnlyList<DossierRow> rows, CancellationToken ct, ProgressSink? progress = null)
    {
        var agency = (await agencies.FindAsync(dossier.AgencyId, ct))!;
        var province = agency.Province?.Replace("Tỉnh ", "", StringComparison.Ordinal).Replace("Thành phố ", "", StringComparison.Ordinal);
        return await DossierDocuments.PdfAsync(new DossierHeading(agency.Name, agency.Code, agency.ParentBody, province, Today, dossier.Title,
            options.Value.Recipient, options.Value.SignatureAnchor), rows, ct, progress);
    }

    /// <summary>A dossier of the actor's agency, if the actor manages certificates.</summary>
    public async Task<Result<Dossier>> FindAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        var dossier = await dossiers.FindAsync(id, ct);
        return dossier is null || !actor.BelongsTo(dossier.AgencyId)
            ? new Failure(FailureKind.NotFound, "dossier-not-found", "Dossier not found", $"No dossier '{id}' in your agency.")
            : dossier;
    }

    private Task AuditAsync(StorageTransaction tx, Actor actor, string action, Dossier dossier, string details, CancellationToken ct)
        => audit.AppendAsync(tx, new AuditEntry(actor.AuditName, dossier.AgencyId, action, dossier.Id, AuditOutcome.Success, null, details), ct);

    private static Failure NotDraft(Dossier dossier) => new(FailureKind.Conflict, "dossier-not-draft", "Dossier not a draft",
        $"The dossier is {dossier.State}; only a draft changes its items or goes to the head.");

    private static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
