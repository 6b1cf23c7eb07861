using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Credentials;
using Signing.Api.Features.DeskSign;
using Signing.Api.Features.Notifications;
using Signing.Api.Features.Signing;
using Signing.Api.Features.Verification;
using Signing.Api.Features.Webhooks;
using Signing.Api.Hosting;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Pdf.Validation;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Events;
using Signing.Storage.Keys;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>A PDF as submitted.</summary>
/// <param name="Name">Its file name.</param>
/// <param name="Content">Its bytes.</param>
public sealed record NamedPdf(string Name, byte[] Content);

/// <summary>
/// The signature-request workflow (Decree 30/2020): submit a document with a route, then review, sign, register,
/// seal and copy it step by step; reject, return, delegate, withdraw, recall and comment. Each transition is one named
/// method that checks the state it starts from, and commits in one transaction with its history line, its outbox
/// events, its notifications and its audit record; every change is conditional on the state it read, so concurrent
/// actors and nodes cannot both move a step. Every action on a step is bound to the hash of the revision the actor saw,
/// and every revision a step produces is checked to be the previous one plus exactly one valid signature by the
/// expected certificate.
/// </summary>
public sealed partial class SignatureRequestService(
    Database database, SignatureRequestStore requests, AccountStore accounts, SigningKeyStore keys, EventOutbox outbox, Notifier notifier,
    AuditLog audit, SigningService signing, SigningCredentials credentials, StepDocuments documents, DeskSigning desk, TrustAnchors anchors,
    PdfSignatureService pdf, IOptions<SignatureRequestOptions> options, TimeProvider clock, IEnumerable<IRequestCompletionListener> completionListeners)
    : IDeskSignedDocumentSink
{
    private const string SymbolPlaceholder = "{số}";
    private const int MaxTitleLength = 1000;
    private const int MaxRouteSteps = 20;
    private const int MaxAssignees = 50;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Submits a document for signature along a route (trình ký).</summary>
    public Task<Result<RequestView>> SubmitAsync(Actor actor, SubmitMetadata? metadata, NamedPdf? main, IReadOnlyList<NamedPdf> attachments, CancellationToken ct)
        => SubmitAsync(actor, metadata, main, attachments, idempotencyKey: null, ct);

    /// <summary>
    /// Submits a document for signature along a route (trình ký). A submission with an <paramref name="idempotencyKey"/>
    /// that this submitter already used for the same document returns the request it created; with another document, 422.
    /// </summary>
    public async Task<Result<RequestView>> SubmitAsync(
        Actor actor, SubmitMetadata? metadata, NamedPdf? main, IReadOnlyList<NamedPdf> attachments, string? idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(attachments);
        if (metadata is null)
        {
            return Failure.BadInput("Missing metadata", "Send the request's metadata as the JSON form field 'request'.", "request");
        }

        if (ValidateMetadata(metadata) is { } metadataFailure)
        {
            return metadataFailure;
        }

        var route = await ResolveRouteAsync(actor, metadata.Route!, ct);
        if (route.Failure is { } routeFailure)
        {
            return routeFailure;
        }

        if (main is null)
        {
            return Failure.BadInput("Missing document", "The multipart form has no 'document' file holding the PDF to sign.", "document");
        }

        if (attachments.Count > options.Value.MaxAttachments)
        {
            return Failure.BadInput("Too many attachments", $"A request carries at most {options.Value.MaxAttachments} attachments.", "attachment");
        }

        var registers = route.Value!.Any(step => step.Kind == StepKinds.Register);
        var inspected = new List<(NamedPdf Pdf, string Sha256, int Signatures)>();
        foreach (var (file, field) in new[] { (main, "document") }.Concat(attachments.Select((a, i) => (a, $"attachment[{i}]"))))
        {
            var inspection = await InspectAsync(file, field, registers && field == "document", ct);
            if (inspection.Failure is { } inspectionFailure)
            {
                return inspectionFailure;
            }

            inspected.Add((file, inspection.Value.Sha256, inspection.Value.Signatures));
        }

        if (idempotencyKey is { Length: > 0 } && await requests.FindByIdempotencyKeyAsync(actor.Kind, actor.Id, idempotencyKey, ct) is { } earlier)
        {
            var earlierDocument = (await requests.DocumentsAsync(earlier.Id, ct)).First(d => d.DocumentIndex == 0 && d.Revision == 0);
            return earlierDocument.Sha256 == inspected[0].Sha256 && earlier.Title == metadata.Title!.Trim()
                ? await ViewAsync(actor, earlier.Id, ct)
                : new Failure(FailureKind.Unprocessable, "idempotency-key-reused", "Idempotency-Key reused",
                    $"This Idempotency-Key already created request '{earlier.Id}' for another document or title.");
        }

        // After the replay above, which answers with the request the key created and has nothing to place.
        var located = documents.LocateRoute(main.Content, route.Value!, registers);
        if (located.Failure is { } locateFailure)
        {
            return locateFailure;
        }

        SignatureRequest? superseded = null;
        if (metadata.Supersedes is { Length: > 0 } supersedesId)
        {
            superseded = await requests.FindAsync(supersedesId, ct);
            if (superseded is null || !await CanSeeAsync(actor, superseded, ct))
            {
                return new Failure(FailureKind.NotFound, "request-not-found", "Request not found", $"No request '{supersedesId}' to supersede.") { Field = "supersedes" };
            }

            if (superseded.State is not (RequestStates.InProgress or RequestStates.Returned or RequestStates.Rejected))
            {
                return new Failure(FailureKind.Conflict, "cannot-supersede", "Cannot supersede",
                    $"Request '{supersedesId}' is {superseded.State}; only an in-progress, returned or rejected request can be replaced.")
                { Field = "supersedes" };
            }
        }

        if (actor.IsClient && metadata.ExternalRef is { Length: > 0 } externalRef && await requests.FindByExternalRefAsync(actor.Id, externalRef, ct) is { } existing)
        {
            return new Failure(FailureKind.Conflict, "external-ref-taken", "Reference already used",
                $"Your system already submitted request '{existing.Id}' with externalRef '{externalRef}'.")
            { Field = "externalRef" };
        }

        var now = Now;
        var id = TimeOrderedIds.New();
        var request = new SignatureRequest(id, actor.AgencyId, metadata.Title!.Trim(), metadata.DocumentType!.Trim(), metadata.SymbolPattern!.Trim(),
            metadata.Urgency ?? Urgencies.Normal, metadata.Secrecy ?? Secrecies.None, metadata.Deadline?.ToUnixTimeMilliseconds(), actor.Kind, actor.Id,
            actor.Name, actor.IsClient ? actor.Id : null, metadata.ExternalRef, RequestStates.InProgress, superseded?.Id,
            Secrecies.SeriesOf(metadata.Secrecy ?? Secrecies.None), null, null, null, null, null, 1, now, now);
        var steps = located.Value!.Select((step, index) => step with
        {
            RequestId = id,
            State = index == 0 ? StepStates.Active : StepStates.Pending,
            StartedAt = index == 0 ? now : null,
        }).ToList();

        await using var tx = await database.BeginWriteAsync($"request:{id}", ct);
        await requests.InsertAsync(tx, request, idempotencyKey is { Length: > 0 } ? idempotencyKey : null, ct);
        foreach (var step in steps)
        {
            await requests.InsertStepAsync(tx, step, ct);
        }

        for (var index = 0; index < inspected.Count; index++)
        {
            var (file, sha256, signatures) = inspected[index];
            await requests.InsertDocumentAsync(tx, new RequestDocument(id, index, 0, index == 0 ? "main" : "attachment", SafeName(file.Name), sha256,
                file.Content.LongLength, signatures, null, now), file.Content, extends: null, ct);
        }

        if (superseded is not null)
        {
            await requests.TransitionAsync(tx, superseded.Id, [superseded.State], RequestStates.Superseded, now, ct);
            await requests.CancelOpenStepsAsync(tx, superseded.Id, now, ct);
            await requests.AppendHistoryAsync(tx, History(superseded.Id, null, actor, "supersede", null, null, null, $"replaced by {id}"), ct);
        }

        var documentHashes = string.Join(",", inspected.Select(d => d.Sha256));
        await requests.AppendHistoryAsync(tx, History(id, null, actor, "submit", null, null, inspected[0].Sha256, metadata.Title), ct);
        await EmitAsync(tx, request, WebhookEvents.RequestCreated, new { sha256 = inspected[0].Sha256, supersedes = superseded?.Id }, ct);
        await NotifyStepActorsAsync(tx, request, steps[0], "request.todo", ct);
        await AuditAsync(tx, actor, "request.submit", request, $"sha256={documentHashes}; route={string.Join(">", steps.Select(s => s.Kind))}", ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(actor, id, ct);
    }

    /// <summary>A request with its route, revisions, history and what <paramref name="actor"/> may do, if they may see it.</summary>
    public async Task<Result<RequestView>> ViewAsync(Actor actor, string id, CancellationToken ct)
    {
        // One snapshot: read statement by statement, a view could show a step completed beside a head revision from
        // before it, and the hash a client sends next would be refused.
        var snapshot = await requests.SnapshotAsync(id, ct);
        if (snapshot is null || !await CanSeeAsync(actor, snapshot.Request, null, snapshot, ct))
        {
            return NotFound(id);
        }

        var (request, steps, stored, history) = (snapshot.Request, snapshot.Steps, snapshot.Documents, snapshot.History);
        var stepViews = new List<StepView>();
        foreach (var step in steps)
        {
            var approvals = step.Kind == StepKinds.Review ? snapshot.ApprovalsOf(step.Id) : [];
            stepViews.Add(new StepView(step.Id, step.Ordinal, step.Kind, step.State, step.AssigneeList, step.RequiredApprovals, approvals, step.Capacity,
                step.CapacityTitle, step.DelegateUserId, step.InputSha256, step.OutputSha256, step.ActorName, step.KeyId, Time(step.StartedAt), Time(step.CompletedAt)));
        }

        var head = Head(stored, 0);
        return new RequestView(request.Id, request.Title, request.DocumentType, request.SymbolPattern, request.Urgency, request.Secrecy,
            Time(request.Deadline), $"{request.SubmitterKind}:{request.SubmitterName}", request.ExternalRef, request.State, request.SupersedesId,
            request.Number, request.Symbol, request.IssuedDate, Time(request.CreatedAt)!.Value, Time(request.UpdatedAt)!.Value, Time(request.CompletedAt),
            head?.Sha256, stepViews,
            [.. stored.Select(d => new DocumentView(d.DocumentIndex, d.Kind, d.Name, d.Revision, d.Sha256, d.Length, d.StepId, Time(d.CreatedAt)!.Value,
                $"/api/v1/signature-requests/{request.Id}/document?index={d.DocumentIndex}&revision={d.Revision}"))],
            [.. history.Select(h => new HistoryView(Time(h.At)!.Value, h.Actor, h.Action, h.StepId, h.Capacity, h.InputSha256, h.OutputSha256, h.Details))],
            AllowedActions(actor, request, steps));
    }

    /// <summary>A box of requests for <paramref name="actor"/>: todo (theirs to act on), sent (they submitted), done (they acted on), all.</summary>
    public async Task<Result<IReadOnlyList<RequestSummary>>> ListAsync(
        Actor actor, string? box, string? state, string? search, string? urgency, string? after, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var query = new RequestQuery(actor.AgencyId, State: state, Search: search, Urgency: urgency, After: after, Limit: limit);
        query = (box ?? "todo", actor.IsClient) switch
        {
            (_, true) when box is null or "all" or "sent" => query with { ClientId = actor.Id },
            ("todo", false) => query with { ActorUserId = actor.Id, ActorRoles = actor.Roles },
            ("sent", false) => query with { SubmitterId = actor.Id },
            ("done", false) => query with { ActedByUserId = actor.Id },
            ("all", false) => query,
            _ => query with { AgencyId = "" },
        };
        if (query.AgencyId.Length == 0)
        {
            return Failure.BadInput("Unknown box", "box is todo, sent, done or all (calling systems: sent or all).", "box");
        }

        var found = await requests.ListAsync(query, ct);
        var visible = new List<RequestSummary>();
        foreach (var request in found)
        {
            // "all" and "done" may match requests a person may not see (a secret document routed to others).
            if (box is "todo" or "sent" || actor.IsClient || await CanSeeAsync(actor, request, ct))
            {
                visible.Add(new RequestSummary(request.Id, request.Title, request.DocumentType, request.Urgency, request.Secrecy, Time(request.Deadline),
                    request.State, request.Symbol, request.ExternalRef, Time(request.CreatedAt)!.Value, Time(request.UpdatedAt)!.Value));
            }
        }

        return visible;
    }

    /// <summary>One revision of one of a request's documents (the newest when <paramref name="revision"/> is null).</summary>
    public async Task<Result<(byte[] Content, RequestDocument Document)>> DocumentAsync(Actor actor, string id, long index, long? revision, CancellationToken ct)
    {
        var request = await requests.FindAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, ct))
        {
            return NotFound(id);
        }

        var stored = await requests.DocumentsAsync(id, ct);
        var document = revision is { } wanted
            ? stored.FirstOrDefault(d => d.DocumentIndex == index && d.Revision == wanted)
            : Head(stored, index);
        if (document is null)
        {
            return new Failure(FailureKind.NotFound, "revision-not-found", "Revision not found",
                $"Request '{id}' has no document {index} revision {revision?.ToString(CultureInfo.InvariantCulture) ?? "(any)"}.");
        }

        return (await requests.ContentAsync(id, index, document.Revision, ct) ?? [], document);
    }

    /// <summary>
    /// The register of outgoing documents (sổ đăng ký văn bản đi) of the actor's agency for a year and series: each
    /// registered request with its steps and the number of electronic copies made.
    /// </summary>
    public async Task<Result<IReadOnlyList<(SignatureRequest Request, IReadOnlyList<RequestStep> Steps, int Copies)>>> RegisterAsync(
        Actor actor, int year, string? series, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsClient || !(actor.Holds(Roles.Clerk) || actor.Holds(Roles.Admin) || actor.Holds(Roles.Auditor)))
        {
            return new Failure(FailureKind.Forbidden, "register-forbidden", "Register not yours", "The register is kept by the agency's clerks (and read by admins and auditors).");
        }

        if (series is not (null or "general" or "secret"))
        {
            return Failure.BadInput("Unknown series", "series is general or secret.", "series");
        }

        var rows = new List<(SignatureRequest, IReadOnlyList<RequestStep>, int)>();
        foreach (var request in await requests.RegisterAsync(actor.AgencyId, year, series, ct))
        {
            var copies = (await requests.DocumentsAsync(request.Id, ct)).Count(d => d.Kind == "copy");
            rows.Add((request, await requests.StepsAsync(request.Id, ct), copies));
        }

        return rows;
    }

    private Failure? ValidateMetadata(SubmitMetadata metadata)
    {
        if (string.IsNullOrWhiteSpace(metadata.Title) || metadata.Title.Length > MaxTitleLength)
        {
            return Failure.BadInput("Missing title", $"title (trích yếu) is required, at most {MaxTitleLength} characters.", "title");
        }

        if (string.IsNullOrWhiteSpace(metadata.DocumentType) || metadata.DocumentType.Length > 200)
        {
            return Failure.BadInput("Missing document type", "documentType is required (e.g. Quyết định, Công văn).", "documentType");
        }

        if (string.IsNullOrWhiteSpace(metadata.SymbolPattern) || !metadata.SymbolPattern.Contains(SymbolPlaceholder, StringComparison.Ordinal)
            || metadata.SymbolPattern.Length > 100)
        {
            return Failure.BadInput("Bad symbol pattern", $"symbolPattern must hold {SymbolPlaceholder} where the number goes, e.g. {{số}}/QĐ-UBND.", "symbolPattern");
        }

        if (metadata.Urgency is not null && !Urgencies.All.Contains(metadata.Urgency))
        {
            return Failure.BadInput("Unknown urgency", $"urgency is one of {string.Join(", ", Urgencies.All)}.", "urgency");
        }

        if (metadata.Secrecy is not null && !Secrecies.All.Contains(metadata.Secrecy))
        {
            return Failure.BadInput("Unknown secrecy", $"secrecy is one of {string.Join(", ", Secrecies.All)}.", "secrecy");
        }

        if (metadata.Deadline is { } deadline && deadline <= clock.GetUtcNow())
        {
            return Failure.BadInput("Deadline in the past", $"deadline {deadline:yyyy-MM-ddTHH:mm:sszzz} has passed; give a time in the future.", "deadline");
        }

        if (metadata.ExternalRef is { Length: > 200 })
        {
            return Failure.BadInput("Reference too long", "externalRef has at most 200 characters.", "externalRef");
        }

        var route = metadata.Route ?? [];
        if (route.Length is 0 or > MaxRouteSteps)
        {
            return Failure.BadInput("Missing route", $"route lists 1 to {MaxRouteSteps} steps.", "route");
        }

        var kinds = route.Select(step => step.Kind ?? "").ToList();
        for (var i = 0; i < kinds.Count; i++)
        {
            if (!StepKinds.All.Contains(kinds[i]))
            {
                return Failure.BadInput("Unknown step kind", $"route[{i}].kind '{kinds[i]}' is not one of {string.Join(", ", StepKinds.All)}.", $"route[{i}].kind");
            }
        }

        var lastSign = kinds.LastIndexOf(StepKinds.Sign);
        if (lastSign < 0)
        {
            return Failure.BadInput("No sign step", "A route needs a sign step: an official signs every outgoing document.", "route");
        }

        foreach (var once in new[] { StepKinds.Register, StepKinds.Seal, StepKinds.Copy })
        {
            if (kinds.Count(kind => kind == once) > 1)
            {
                return Failure.BadInput("Repeated step", $"A route has at most one {once} step.", "route");
            }
        }

        var register = kinds.IndexOf(StepKinds.Register);
        var seal = kinds.IndexOf(StepKinds.Seal);
        var copy = kinds.IndexOf(StepKinds.Copy);
        if ((register >= 0 && register < lastSign) || (seal >= 0 && seal < lastSign) || (seal >= 0 && register > seal)
            || (copy >= 0 && (seal < 0 || copy < seal)))
        {
            return Failure.BadInput("Steps out of order",
                "Decree 30's order holds: the official signs, then the clerk registers, then seals, then makes copies.", "route");
        }

        // The number, symbol and date go into the document in the seal step's revision, which the agency's signature
        // covers; a register step with no seal after it would take a number the issued document never shows.
        if (register >= 0 && seal < 0)
        {
            return Failure.BadInput("Register without seal",
                "A register step needs a seal step after it: the number, symbol and date are written into the document when the clerk seals it.", "route");
        }

        return null;
    }

    private async Task<Result<List<RequestStep>>> ResolveRouteAsync(Actor actor, RouteStepSpec[] route, CancellationToken ct)
    {
        var steps = new List<RequestStep>();
        for (var i = 0; i < route.Length; i++)
        {
            var spec = route[i];
            var assignees = spec.Assignees ?? [];
            if (assignees.Length is 0 or > MaxAssignees)
            {
                return Failure.BadInput("Missing assignees", $"route[{i}].assignees names 1 to {MaxAssignees} people (usernames) or roles (role:clerk).",
                    $"route[{i}].assignees");
            }

            var resolved = new List<string>();
            var people = new List<User>();
            for (var j = 0; j < assignees.Length; j++)
            {
                var name = assignees[j]?.Trim() ?? "";
                if (name.StartsWith("role:", StringComparison.Ordinal))
                {
                    if (!Roles.All.Contains(name[5..]) || name[5..] is Roles.Caller)
                    {
                        return Failure.BadInput("Unknown role", $"route[{i}].assignees[{j}]: '{name[5..]}' is not a role of people.", $"route[{i}].assignees[{j}]");
                    }

                    resolved.Add(name);
                    continue;
                }

                var user = await accounts.FindUserByUsernameAsync(name, ct);
                if (user is null || user.AgencyId != actor.AgencyId || user.DisabledAt is not null)
                {
                    return Failure.BadInput("Unknown user", $"route[{i}].assignees[{j}]: no user '{name}' in your agency.", $"route[{i}].assignees[{j}]");
                }

                people.Add(user);
                resolved.Add("user:" + user.Id);
            }

            var kind = spec.Kind!;
            if (kind == StepKinds.Sign)
            {
                if (people.Count != 1 || resolved.Count != 1 || !people[0].Holds(Roles.Official))
                {
                    return Failure.BadInput("Bad signer", $"route[{i}]: a sign step names exactly one official (a username with the official role).",
                        $"route[{i}].assignees");
                }

                var capacity = spec.Capacity ?? Capacities.Own;
                if (!Capacities.All.Contains(capacity))
                {
                    return Failure.BadInput("Unknown capacity", $"route[{i}].capacity is one of {string.Join(", ", Capacities.All)}.", $"route[{i}].capacity");
                }

                if (capacity != Capacities.Own && string.IsNullOrWhiteSpace(spec.CapacityTitle))
                {
                    return Failure.BadInput("Missing capacity title", $"route[{i}]: signing {capacity} names the title signed for (capacityTitle, e.g. Chủ tịch).",
                        $"route[{i}].capacityTitle");
                }

                if (spec.Rect is { } rect && !TryParseRect(rect))
                {
                    return Failure.BadInput("Bad rectangle", $"route[{i}].rect is x,y,width,height in points.", $"route[{i}].rect");
                }
            }
            else if (kind is StepKinds.Register or StepKinds.Seal or StepKinds.Copy
                && (people.Any(person => !person.Holds(Roles.Clerk)) || resolved.Any(a => a.StartsWith("role:", StringComparison.Ordinal) && a != "role:clerk")))
            {
                return Failure.BadInput("Not a clerk", $"route[{i}]: {kind} is done by clerks (role:clerk or usernames with the clerk role).", $"route[{i}].assignees");
            }

            var required = kind == StepKinds.Review ? spec.Required ?? resolved.Count(a => a.StartsWith("user:", StringComparison.Ordinal)) : 1;
            if (kind == StepKinds.Review && (required < 1 || (resolved.All(a => a.StartsWith("user:", StringComparison.Ordinal)) && required > resolved.Count)))
            {
                return Failure.BadInput("Bad approval count", $"route[{i}].required is between 1 and the number of reviewers.", $"route[{i}].required");
            }

            steps.Add(new RequestStep(TimeOrderedIds.New(), "", i + 1, kind, StepStates.Pending, string.Join(',', resolved.Distinct()),
                Math.Max(1, required), kind == StepKinds.Sign ? spec.Capacity ?? Capacities.Own : null, spec.CapacityTitle?.Trim(), null,
                kind == StepKinds.Sign ? spec.Anchor?.Trim() : null, kind == StepKinds.Sign ? spec.Page : null, kind == StepKinds.Sign ? spec.Rect : null,
                null, null, null, null, null, null, null, null, null, null));
        }

        return steps;
    }

    // Readable, not encrypted, and open to the changes its route will make (DocMDP); counts its signatures.
    private async Task<Result<(string Sha256, int Signatures)>> InspectAsync(NamedPdf file, string field, bool writesRegistration, CancellationToken ct)
    {
        using var stream = PdfBytes.Open(file.Content);
        CertificationPermissions? certification;
        try
        {
            certification = DocumentCertification.Read(stream, pdf.ReaderLimits);
        }
        catch (PdfEncryptedException)
        {
            return new Failure(FailureKind.Unprocessable, "encrypted-pdf", "Encrypted PDF",
                $"{field} is encrypted; a document to sign must be submitted without encryption.")
            { Field = field };
        }
        catch (PdfFormatException e)
        {
            return new Failure(FailureKind.Unprocessable, "malformed-pdf", "Malformed PDF", $"{field} is not a readable PDF: {e.Message}") { Field = field };
        }

        if (certification == CertificationPermissions.NoChanges)
        {
            return new Failure(FailureKind.Unprocessable, "docmdp-forbids-changes", "Certified against changes",
                $"{field} carries a certification signature with DocMDP P=1, which forbids every change: no signature can be added without breaking it.")
            { Field = field };
        }

        if (certification == CertificationPermissions.FormFillingAndSigning && writesRegistration)
        {
            return new Failure(FailureKind.Unprocessable, "docmdp-forbids-changes", "Certified against annotations",
                $"{field} carries a certification signature with DocMDP P=2, which allows signatures but not the annotations that write the registered number and date; certify it with P=3 or leave it uncertified.")
            { Field = field };
        }

        stream.Position = 0;
        var report = await new PdfSignatureValidator(new PdfValidationOptions
        {
            TrustAnchors = anchors.Certificates,
            OnlineRevocation = null,
            Time = clock,
            ReaderLimits = pdf.ReaderLimits,
        }).ValidateAsync(stream, ct);
        if (report.FormatProblem is { } problem)
        {
            return new Failure(FailureKind.Unprocessable, "malformed-pdf", "Malformed PDF", $"{field} is not a readable PDF: {problem}") { Field = field };
        }

        return (Convert.ToHexStringLower(SHA256.HashData(file.Content)), report.Signatures.Count);
    }

    /// <summary>Whether <paramref name="actor"/> may see <paramref name="request"/>: only its own agency, and within it only those involved.</summary>
    private Task<bool> CanSeeAsync(Actor actor, SignatureRequest request, CancellationToken ct) => CanSeeAsync(actor, request, null, null, ct);

    /// <inheritdoc cref="CanSeeAsync(Actor, SignatureRequest, CancellationToken)" />
    /// <param name="actor">Who asks.</param>
    /// <param name="request">The request.</param>
    /// <param name="steps">The request's steps when the caller has loaded them already.</param>
    /// <param name="snapshot">The request as read in one snapshot, whose steps and approvals are used instead of reading them.</param>
    /// <param name="ct">Cancels the lookups.</param>
    private async Task<bool> CanSeeAsync(
        Actor actor, SignatureRequest request, IReadOnlyList<RequestStep>? steps, RequestSnapshot? snapshot, CancellationToken ct)
    {
        if (!actor.BelongsTo(request.AgencyId))
        {
            return false;
        }

        if (actor.IsClient)
        {
            return request.ClientId == actor.Id;
        }

        if (request.SubmitterId == actor.Id || (request.Secrecy == Secrecies.None && actor.Holds(Roles.Admin)))
        {
            return true;
        }

        steps ??= snapshot?.Steps ?? await requests.StepsAsync(request.Id, ct);
        var reviews = steps.Where(s => s.Kind == StepKinds.Review).ToList();
        return steps.Any(step => step.ActorId == actor.Id || step.DelegateUserId == actor.Id || Names(actor, step))
            || (snapshot is not null
                ? reviews.Any(s => snapshot.ApprovalsOf(s.Id).Contains(actor.Id))
                : (await Task.WhenAll(reviews.Select(s => requests.ApprovalsAsync(s.Id, ct)))).Any(a => a.Contains(actor.Id)));
    }

    // The step names the actor, or one of their roles.
    private static bool Names(Actor actor, RequestStep step)
        => step.AssigneeList.Any(a => a == "user:" + actor.Id || (a.StartsWith("role:", StringComparison.Ordinal) && actor.Holds(a[5..])));

    private static bool CanAct(Actor actor, RequestStep step)
        => !actor.IsClient && step.State == StepStates.Active && (step.DelegateUserId is { } delegated ? delegated == actor.Id : Names(actor, step));

    private static List<AllowedAction> AllowedActions(Actor actor, SignatureRequest request, IReadOnlyList<RequestStep> steps)
    {
        var allowed = new List<AllowedAction>();
        if (request.State == RequestStates.InProgress && steps.FirstOrDefault(s => s.State == StepStates.Active) is { } active && CanAct(actor, active))
        {
            var main = active.Kind switch
            {
                StepKinds.Review => new[] { "approve" },
                StepKinds.Sign => ["sign", "prepare", "complete", "desk-session"],
                StepKinds.Register => ["register"],
                StepKinds.Seal => ["seal"],
                _ => ["copy"],
            };
            allowed.AddRange(main.Concat(["reject", "return", "comment"]).Select(a => new AllowedAction(a, active.Id)));
            if (active.Kind == StepKinds.Sign && active.DelegateUserId is null)
            {
                allowed.Add(new AllowedAction("delegate", active.Id));
            }
        }

        if (request.SubmitterId == actor.Id && request.State is RequestStates.InProgress or RequestStates.Returned)
        {
            allowed.Add(new AllowedAction("withdraw", null));
        }

        if (request.State == RequestStates.Completed && !actor.IsClient && (actor.Holds(Roles.Clerk) || actor.Holds(Roles.Admin)))
        {
            allowed.Add(new AllowedAction("recall", null));
        }

        return allowed;
    }

    private static RequestDocument? Head(IReadOnlyList<RequestDocument> stored, long index)
        => stored.Where(d => d.DocumentIndex == index).MaxBy(d => d.Revision);

    private HistoryEntry History(string requestId, string? stepId, Actor actor, string action, string? capacity, string? input, string? output, string? details)
        => new(0, requestId, stepId, Now, actor.AuditName, action, capacity, input, output, details);

    private async Task EmitAsync(StorageTransaction tx, SignatureRequest request, string type, object data, CancellationToken ct)
    {
        var eventId = TimeOrderedIds.New();
        var payload = JsonSerializer.Serialize(new
        {
            id = eventId,
            type,
            occurredAt = clock.GetUtcNow(),
            request = new { id = request.Id, externalRef = request.ExternalRef, title = request.Secrecy == Secrecies.None ? request.Title : null },
            data,
        }, Json);
        await outbox.AddAsync(tx, new OutboxEvent(eventId, request.AgencyId, request.ClientId, type, request.Id, payload, Now), ct);
    }

    private Task AuditAsync(StorageTransaction tx, Actor actor, string action, SignatureRequest request, string details, CancellationToken ct)
        => audit.AppendAsync(tx, new AuditEntry(actor.AuditName, request.AgencyId, action, request.Id, AuditOutcome.Success, actor.ClientAddress, details), ct);

    // The people a step waits for: its named users and the members of its roles (or its delegate).
    private async Task<List<User>> ActorsOfAsync(SignatureRequest request, RequestStep step, CancellationToken ct)
    {
        var people = new List<User>();
        if (step.DelegateUserId is { } delegated)
        {
            if (await accounts.FindUserAsync(delegated, ct) is { } user)
            {
                people.Add(user);
            }

            return people;
        }

        foreach (var assignee in step.AssigneeList)
        {
            if (assignee.StartsWith("role:", StringComparison.Ordinal))
            {
                people.AddRange(await accounts.ListUsersInRoleAsync(request.AgencyId, assignee[5..], ct));
            }
            else if (await accounts.FindUserAsync(assignee[5..], ct) is { DisabledAt: null } user)
            {
                people.Add(user);
            }
        }

        return people;
    }

    private async Task NotifyStepActorsAsync(StorageTransaction tx, SignatureRequest request, RequestStep step, string kind, CancellationToken ct)
    {
        var approved = step.Kind == StepKinds.Review ? await requests.ApprovalsAsync(step.Id, ct) : [];
        var people = (await ActorsOfAsync(request, step, ct)).Where(person => !approved.Contains(person.Id));
        var verb = step.Kind switch
        {
            StepKinds.Review => "cho ý kiến",
            StepKinds.Sign => "ký",
            StepKinds.Register => "vào số",
            StepKinds.Seal => "đóng dấu",
            _ => "sao văn bản",
        };
        var prefix = kind == "reminder" ? "Nhắc việc: " : "";
        await notifier.NotifyAsync(tx, people, new NotificationMessage(kind, $"{prefix}Văn bản chờ {verb} ({Urgencies.Words(request.Urgency)})",
            $"{request.DocumentType}: {request.Title}", $"/yeu-cau/{request.Id}", request.Id, request.Secrecy != Secrecies.None), ct);
    }

    private async Task NotifyParticipantsAsync(StorageTransaction tx, SignatureRequest request, string kind, string title, string body, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (request.SubmitterKind == Actor.User)
        {
            ids.Add(request.SubmitterId);
        }

        foreach (var step in await requests.StepsAsync(request.Id, ct))
        {
            if (step.ActorId is { } actorId)
            {
                ids.Add(actorId);
            }

            if (step.Kind == StepKinds.Review)
            {
                ids.UnionWith(await requests.ApprovalsAsync(step.Id, ct));
            }
        }

        var people = new List<User>();
        foreach (var id in ids)
        {
            if (await accounts.FindUserAsync(id, ct) is { } user)
            {
                people.Add(user);
            }
        }

        await notifier.NotifyAsync(tx, people, new NotificationMessage(kind, title, body, $"/yeu-cau/{request.Id}", request.Id, request.Secrecy != Secrecies.None), ct);
    }

    private static DateTimeOffset? Time(long? unixMilliseconds) => unixMilliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static string SafeName(string name)
    {
        var file = Path.GetFileName(name);
        return file.Length is 0 or > 200 ? "document.pdf" : file;
    }

    private static bool TryParseRect(string rect)
    {
        try
        {
            global::Signing.Pdf.Drawing.PdfRectangle.Parse(rect);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static Failure NotFound(string id) => new(FailureKind.NotFound, "request-not-found", "Request not found", $"No signature request '{id}' of yours.");
}
