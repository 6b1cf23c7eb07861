using System.Text.Json;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.GccRequests;
using Signing.Api.Hosting;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Agencies;
using Signing.Storage.Audit;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Mergers;

/// <summary>
/// The merger wizard (GCC guidance of 2025: change information rather than issue anew). From the merging agencies, the
/// new agency and who moves where, it plans one change of information for the agency certificate the admin keeps (to
/// the new name and code), revocations of the other agency certificates, a change of information for every person who
/// moves (new O, OU, e-mail) and revocations for those who leave, flags positions that no longer fit, and shows every
/// certificate's subject before and after. Confirming makes the dossier for the head to sign; when the GCC's answers
/// close its items the agencies are merged (<see cref="MergerCompletion"/>).
/// </summary>
public sealed class MergerService(
    Database database, MergerStore mergers, AgencyStore agencies, AccountStore accounts, CertificateStore certificates, GccRequestStore requests,
    DossierStore dossiers, MergerCompletion completion, AuditLog audit, IOptions<CertificateOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] LeaveReasons = [RevocationReasons.JobChange, RevocationReasons.Retired, RevocationReasons.Resigned, RevocationReasons.Deceased];

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Plans a merger and keeps it (planned) for review.</summary>
    public async Task<Result<MergerView>> CreateAsync(Actor actor, MergerInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var planned = await PlanAsync(actor, input, ct);
        if (planned.Failure is { } failure)
        {
            return failure;
        }

        var now = Now;
        var merger = new Merger(TimeOrderedIds.New(), actor.AgencyId, MergerStates.Planned, JsonSerializer.Serialize(input, Json),
            JsonSerializer.Serialize(planned.Value!.Plan, Json), planned.Value.Plan.SurvivorAgencyId, null, actor.AuditName, now, now, null, null);
        await mergers.InsertAsync(merger, ct);
        await audit.AppendAsync(new AuditEntry(actor.AuditName, actor.AgencyId, "merger.plan", merger.Id, AuditOutcome.Success, null, Counts(planned.Value.Plan)), ct);
        return View(merger, []);
    }

    /// <summary>Replaces a planned merger's input and plans it again.</summary>
    public async Task<Result<MergerView>> UpdateAsync(Actor actor, string id, MergerInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await ReplanAsync(actor, id, _ => input, [], ct);
    }

    /// <summary>
    /// Replaces the per-person mapping with a CSV or XLSX table (columns <c>username</c>, <c>action</c>, <c>unit</c>,
    /// <c>position</c>, <c>email</c>, <c>reason</c>) and plans again; unusable rows are reported by row and column.
    /// <paramref name="progress"/> hears the phases <see cref="ImportPhases.Read"/>, <see cref="ImportPhases.Check"/> (rows
    /// checked of the table's rows) and <see cref="ImportPhases.Plan"/> (people placed of those mapped).
    /// </summary>
    public async Task<Result<MergerView>> ImportMappingAsync(
        Actor actor, string id, byte[] content, string format, CancellationToken ct, ProgressSink? progress = null)
    {
        progress ??= (_, _) => Task.CompletedTask;
        await progress(new WorkProgress(ImportPhases.Read, 0, 0), ct);
        TableData table;
        try
        {
            table = TableFile.Read(content, format, options.Value.MaxImportRows);
        }
        catch (InvalidDataException e)
        {
            return new Failure(FailureKind.Unprocessable, "unreadable-table", "Table not readable", e.Message) { Field = "file" };
        }

        if (table.IndexOf("username") < 0)
        {
            return Failure.BadInput("Missing column", "The mapping's header needs username (and action, unit, position, email, reason as needed).", "file");
        }

        var problems = new List<ImportProblem>(table.Problems);
        var entries = new List<MappingEntry>();
        var done = 0;
        foreach (var row in table.Rows)
        {
            if (WorkProgress.Worth(++done, table.Rows.Count))
            {
                await progress(new WorkProgress(ImportPhases.Check, done, table.Rows.Count), ct);
            }

            var username = table.Cell(row, "username");
            var action = table.Cell(row, "action")?.ToLowerInvariant();
            var reason = table.Cell(row, "reason")?.ToLowerInvariant();
            if (username is null)
            {
                problems.Add(new ImportProblem(row.Row, "username", "required, and empty"));
            }
            else if (action is not (null or "move" or "leave"))
            {
                problems.Add(new ImportProblem(row.Row, "action", $"'{action}' is neither move nor leave"));
            }
            else if (reason is not null && !LeaveReasons.Contains(reason))
            {
                problems.Add(new ImportProblem(row.Row, "reason", $"'{reason}' is not one of {string.Join(", ", LeaveReasons)}"));
            }
            else
            {
                entries.Add(new MappingEntry(username, action, table.Cell(row, "unit"), table.Cell(row, "position"), table.Cell(row, "email"), reason));
            }
        }

        await progress(new WorkProgress(ImportPhases.Plan, 0, entries.Count), ct);
        var replanned = await ReplanAsync(actor, id, input => input with { People = [.. entries] }, problems, ct);
        if (replanned.Value is not null)
        {
            await progress(new WorkProgress(ImportPhases.Plan, entries.Count, entries.Count), ct);
        }

        return replanned;
    }

    /// <summary>A merger of the actor's agency.</summary>
    public async Task<Result<MergerView>> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        return found.Failure is { } failure ? failure : View(found.Value!, []);
    }

    /// <summary>The agency's mergers, newest first.</summary>
    public async Task<Result<IReadOnlyList<MergerView>>> ListAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        return (await mergers.ListAsync(actor.AgencyId, ct)).Select(m => View(m, [])).ToList();
    }

    /// <summary>
    /// Confirms a planned merger: plans it once more against the inventory as it is now, and writes the dossier with one
    /// request per plan item in one transaction.
    /// </summary>
    public async Task<Result<MergerView>> ConfirmAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var merger = found.Value!;
        if (merger.State != MergerStates.Planned)
        {
            return NotPlanned(merger);
        }

        var input = JsonSerializer.Deserialize<MergerInput>(merger.Input, Json)!;
        var planned = await PlanAsync(actor, input, ct);
        if (planned.Failure is { } planFailure)
        {
            return planFailure;
        }

        var (plan, drafts) = planned.Value!;
        if (drafts.Count == 0)
        {
            return new Failure(FailureKind.Conflict, "nothing-to-request", "Nothing to request", "The plan has no request: no certificate of the merging agencies changes.");
        }

        var now = Now;
        var dossier = new Dossier(TimeOrderedIds.New(), actor.AgencyId, $"Hồ sơ sáp nhập thành {plan.NewAgency.Name}", DossierStates.Draft, merger.Id,
            null, null, null, null, null, null, null, null, null, actor.AuditName, now, now);
        var items = drafts.Select(draft => new GccRequest(TimeOrderedIds.New(), actor.AgencyId, draft.Drafted.Kind, GccRequestStates.Queued,
            dossier.Id, merger.Id, draft.Certificate.HolderUserId, draft.Certificate.Id, GccRequestService.Serialise(draft.Drafted.Fields), draft.Drafted.SubjectBefore,
            draft.Drafted.SubjectAfter, draft.Drafted.RevocationReason, null, null, draft.Drafted.PublicKeySha256, null, null, actor.AuditName, now, now, null)).ToList();
        await using var tx = await database.BeginWriteAsync($"merger:{merger.Id}", ct);
        await dossiers.InsertAsync(tx, dossier, ct);
        await requests.InsertAsync(tx, items, ct);
        if (!await mergers.ConfirmAsync(tx, merger.Id, dossier.Id, ct))
        {
            return NotPlanned(merger);
        }

        await audit.AppendAsync(tx, new AuditEntry(actor.AuditName, actor.AgencyId, "merger.confirm", merger.Id, AuditOutcome.Success, null,
            $"dossier={dossier.Id}; {Counts(plan)}"), ct);
        await tx.CommitAsync(ct);
        await mergers.ReplanAsync(merger.Id, merger.Input, JsonSerializer.Serialize(plan, Json), plan.SurvivorAgencyId, ct);
        return View((await mergers.FindAsync(merger.Id, ct))! with { Plan = JsonSerializer.Serialize(plan, Json) }, []);
    }

    /// <summary>Merges the agencies of a confirmed merger whose dossier items are all closed (it also happens when the last answer is imported).</summary>
    public async Task<Result<MergerView>> CompleteAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        if (found.Value!.State == MergerStates.Confirmed && await completion.CompleteReadyAsync(ct) == 0
            && (await mergers.FindAsync(id, ct))!.State != MergerStates.Completed)
        {
            return new Failure(FailureKind.Conflict, "merger-not-ready", "Answers still open", "The merger's dossier still has open items; import the GCC's answers first.");
        }

        return View((await mergers.FindAsync(id, ct))!, []);
    }

    private async Task<Result<MergerView>> ReplanAsync(Actor actor, string id, Func<MergerInput, MergerInput> change, IReadOnlyList<ImportProblem> problems, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var merger = found.Value!;
        if (merger.State != MergerStates.Planned)
        {
            return NotPlanned(merger);
        }

        var input = change(JsonSerializer.Deserialize<MergerInput>(merger.Input, Json)!);
        var planned = await PlanAsync(actor, input, ct);
        if (planned.Failure is { } planFailure)
        {
            return planFailure;
        }

        var inputJson = JsonSerializer.Serialize(input, Json);
        var planJson = JsonSerializer.Serialize(planned.Value!.Plan, Json);
        if (!await mergers.ReplanAsync(id, inputJson, planJson, planned.Value.Plan.SurvivorAgencyId, ct))
        {
            return NotPlanned(merger);
        }

        return View(merger with { Input = inputJson, Plan = planJson }, problems);
    }

    private sealed record PlannedRequest(CertificateRecord Certificate, DraftedRequest Drafted);

    private async Task<Result<(MergerPlan Plan, List<PlannedRequest> Drafts)>> PlanAsync(Actor actor, MergerInput input, CancellationToken ct)
    {
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        var target = input.NewAgency;
        if (target is null || string.IsNullOrWhiteSpace(target.Name) || string.IsNullOrWhiteSpace(target.Code) || string.IsNullOrWhiteSpace(target.ParentBody)
            || string.IsNullOrWhiteSpace(target.Province))
        {
            return Failure.BadInput("Missing new agency", "newAgency gives name, province, code (Decision 20/2020) and parentBody.", "newAgency");
        }

        target = new NewAgency(Clean(target.Name), Clean(target.Province), target.Code.Trim().ToUpperInvariant(), Clean(target.ParentBody));
        if (!GccRequestDrafting.IsAgencyCode(target.Code!))
        {
            return Failure.BadInput("Bad agency code", $"newAgency.code is an identifier code of Decision 20/2020 such as 000.00.00.H01; got '{target.Code}'.", "newAgency.code");
        }

        var codes = (input.AgencyCodes ?? []).Select(code => code.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count < 2)
        {
            return Failure.BadInput("Too few agencies", "agencyCodes names at least two merging agencies (yours among them).", "agencyCodes");
        }

        var merging = new List<AgencyProfile>();
        foreach (var code in codes)
        {
            var agency = await agencies.FindByCodeAsync(code, ct);
            if (agency is null || agency.ArchivedAt is not null)
            {
                return Failure.BadInput("Unknown agency", $"No agency in service has code '{code}'.", "agencyCodes");
            }

            merging.Add(agency);
        }

        if (merging.All(agency => agency.Id != actor.AgencyId))
        {
            return new Failure(FailureKind.Forbidden, "not-your-merger", "Not your agency's merger", "Your agency must be one of the merging agencies.") { Field = "agencyCodes" };
        }

        if (await agencies.FindByCodeAsync(target.Code!, ct) is { } codeHolder && merging.All(agency => agency.Id != codeHolder.Id))
        {
            return Failure.BadInput("Code in use", $"Code {target.Code} belongs to {codeHolder.Name}, which is not merging.", "newAgency.code");
        }

        var byId = merging.ToDictionary(agency => agency.Id, StringComparer.Ordinal);
        var people = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var agency in merging)
        {
            foreach (var user in await accounts.ListUsersAsync(agency.Id, ct))
            {
                people[user.Id] = user;
            }
        }

        var byUsername = people.Values.ToDictionary(user => user.Username, StringComparer.OrdinalIgnoreCase);
        var mapping = new Dictionary<string, MappingEntry>(StringComparer.OrdinalIgnoreCase);
        var flags = new List<PlanFlag>();
        foreach (var entry in input.People ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry.Username) || !byUsername.ContainsKey(entry.Username))
            {
                flags.Add(new PlanFlag(entry.Username, "not a person of the merging agencies; the line is ignored"));
                continue;
            }

            if (entry.Action is not (null or "move" or "leave") || (entry.Reason is not null && !LeaveReasons.Contains(entry.Reason)))
            {
                return Failure.BadInput("Bad mapping", $"people[{entry.Username}]: action is move or leave, reason one of {string.Join(", ", LeaveReasons)}.", "people");
            }

            mapping[entry.Username] = entry;
        }

        var live = await certificates.LiveOfAgenciesAsync([.. merging.Select(agency => agency.Id)], ct);
        var agencyCertificates = live.Where(c => c.Kind == CertificateKinds.Agency).ToList();
        var keep = input.KeepCertificateId is { } keepId ? agencyCertificates.FirstOrDefault(c => c.Id == keepId)
            : agencyCertificates.FirstOrDefault(c => c.AgencyId == actor.AgencyId) ?? agencyCertificates.FirstOrDefault();
        if (input.KeepCertificateId is not null && keep is null)
        {
            return Failure.BadInput("Unknown certificate", $"keepCertificateId '{input.KeepCertificateId}' is not a live agency certificate of the merging agencies.",
                "keepCertificateId");
        }

        if (keep is null)
        {
            flags.Add(new PlanFlag(null, "no merging agency has an agency certificate in the inventory: request one (issue-agency) for the new agency"));
        }

        var survivorId = keep?.AgencyId ?? actor.AgencyId;
        var domains = options.Value.OfficialEmailDomains;
        var items = new List<PlanItem>();
        var drafts = new List<PlannedRequest>();
        var positions = new List<(string Username, string Position)>();

        Failure? Add(CertificateRecord certificate, GccRequestInput request, string? username, MappingEntry? entry)
        {
            var drafted = GccRequestDrafting.Draft(request, byId[certificate.AgencyId], certificate, domains);
            if (drafted.Failure is { } failure)
            {
                // A certificate that would not change needs no request; anything else is the mapping's or the input's fault.
                return failure.Title == "Nothing changes" ? null : failure with { Detail = $"{username ?? certificate.CommonName}: {failure.Detail}" };
            }

            drafts.Add(new PlannedRequest(certificate, drafted.Value!));
            items.Add(new PlanItem(drafted.Value!.Kind, certificate.Id, certificate.Kind, byId[certificate.AgencyId].Code, username, drafted.Value.SubjectBefore ?? certificate.Subject,
                drafted.Value.SubjectAfter, drafted.Value.RevocationReason, entry?.Position, entry?.Unit, entry?.Email));
            return null;
        }

        foreach (var certificate in live.OrderBy(c => c.Kind == CertificateKinds.Agency ? 0 : c.Kind == CertificateKinds.Device ? 1 : 2).ThenBy(c => c.Id, StringComparer.Ordinal))
        {
            Failure? problem;
            if (certificate.Kind == CertificateKinds.Agency)
            {
                problem = certificate.Id == keep?.Id
                    ? Add(certificate, new GccRequestInput(GccRequestKinds.ChangeInfo, null, certificate.Id, null,
                        new GccRequestFields(AgencyName: target.Name, ParentBody: target.ParentBody, Province: target.Province, AgencyCode: target.Code)), null, null)
                    : Add(certificate, new GccRequestInput(GccRequestKinds.Revoke, null, certificate.Id, RevocationReasons.AgencyMerged,
                        new GccRequestFields(Note: $"Sáp nhập vào {target.Name}")), null, null);
            }
            else if (certificate.Kind == CertificateKinds.Device)
            {
                problem = Add(certificate, new GccRequestInput(GccRequestKinds.ChangeInfo, null, certificate.Id, null,
                    new GccRequestFields(AgencyName: target.Name, Province: target.Province, AgencyCode: target.Code)), null, null);
            }
            else
            {
                var holder = certificate.HolderUserId is { } holderId ? people.GetValueOrDefault(holderId) : null;
                if (holder is null)
                {
                    flags.Add(new PlanFlag(null, $"certificate {certificate.Serial} ({certificate.CommonName}) has no holder in the merging agencies; it changes as it is"));
                }

                var entry = holder is null ? null : mapping.GetValueOrDefault(holder.Username);
                if (holder is not null && entry is null)
                {
                    flags.Add(new PlanFlag(holder.Username, "not in the mapping: moves with the same unit, position and e-mail"));
                }

                if (entry?.Action == "leave")
                {
                    problem = Add(certificate, new GccRequestInput(GccRequestKinds.Revoke, null, certificate.Id, entry.Reason ?? RevocationReasons.JobChange,
                        new GccRequestFields(Note: $"Không chuyển sang {target.Name}")), holder?.Username, entry);
                }
                else
                {
                    problem = Add(certificate, new GccRequestInput(GccRequestKinds.ChangeInfo, null, certificate.Id, null,
                        new GccRequestFields(Organization: target.Name, Unit: entry?.Unit, Email: entry?.Email, Province: target.Province, Position: entry?.Position,
                            AgencyCode: target.Code)), holder?.Username, entry);
                    if (holder is not null)
                    {
                        positions.Add((holder.Username, entry?.Position ?? holder.Title ?? ""));
                        if (entry?.Position is null && holder.AgencyId != survivorId && IsSingleHolder(holder.Title))
                        {
                            flags.Add(new PlanFlag(holder.Username, $"{holder.Title} of {byId[holder.AgencyId].Name}: the position no longer exists in {target.Name}; give a new position"));
                        }
                    }
                }
            }

            if (problem is not null)
            {
                return problem;
            }
        }

        foreach (var group in positions.Where(p => IsSingleHolder(p.Position)).GroupBy(p => p.Position.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            flags.AddRange(group.Select(p => new PlanFlag(p.Username, $"{group.Key}: {group.Count()} people would hold this position, which one person holds")));
        }

        var counts = new MergerCounts(
            items.Count(i => i.CertificateKind == CertificateKinds.Agency && i.Kind == GccRequestKinds.ChangeInfo),
            items.Count(i => i.CertificateKind == CertificateKinds.Agency && i.Kind == GccRequestKinds.Revoke),
            items.Count(i => i.CertificateKind == CertificateKinds.Individual && i.Kind == GccRequestKinds.ChangeInfo),
            items.Count(i => i.CertificateKind == CertificateKinds.Individual && i.Kind == GccRequestKinds.Revoke),
            items.Count(i => i.CertificateKind == CertificateKinds.Device),
            flags.Count(f => f.Problem.Contains("position", StringComparison.Ordinal)),
            flags.Count(f => f.Problem.StartsWith("not in the mapping", StringComparison.Ordinal)),
            items.Count);
        return (new MergerPlan(counts, survivorId, target, codes, items, flags), drafts);
    }

    private bool IsSingleHolder(string? position)
        => position is { Length: > 0 } && options.Value.SingleHolderPositions.Any(p => string.Equals(p, position.Trim(), StringComparison.OrdinalIgnoreCase));

    private async Task<Result<Merger>> FindAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        var merger = await mergers.FindAsync(id, ct);
        return merger is null || (!actor.BelongsTo(merger.AgencyId) && merger.SurvivorAgencyId != actor.AgencyId)
            ? new Failure(FailureKind.NotFound, "merger-not-found", "Merger not found", $"No merger '{id}' of your agency.")
            : merger;
    }

    private static MergerView View(Merger merger, IReadOnlyList<ImportProblem> problems) => new(merger.Id, merger.State,
        JsonSerializer.Deserialize<MergerInput>(merger.Input, Json)!, JsonSerializer.Deserialize<MergerPlan>(merger.Plan, Json)!, merger.DossierId, problems,
        DateTimeOffset.FromUnixTimeMilliseconds(merger.CreatedAt), merger.ConfirmedAt is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null,
        merger.CompletedAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null);

    private static string Counts(MergerPlan plan)
        => $"agencyChangeInfo={plan.Counts.AgencyChangeInfo}; agencyRevocations={plan.Counts.AgencyRevocations}; personalChangeInfo={plan.Counts.PersonalChangeInfo}; " +
           $"personalRevocations={plan.Counts.PersonalRevocations}; deviceChangeInfo={plan.Counts.DeviceChangeInfo}; flaggedPositions={plan.Counts.FlaggedPositions}; total={plan.Counts.Total}";

    private static string? Clean(string? text) => text is null ? null : string.Join(' ', text.Normalize(System.Text.NormalizationForm.FormC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static Failure NotPlanned(Merger merger) => new(FailureKind.Conflict, "merger-not-planned", "Merger confirmed",
        $"The merger is {merger.State}; only a planned merger changes or is confirmed.");
}
