using System.Text.Json;
using Signing.Api.Features.Notifications;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Agencies;
using Signing.Storage.Audit;
using Signing.Storage.Certificates;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Mergers;

/// <summary>
/// Merges the agencies of a confirmed merger once the GCC has answered every item of its dossier: the agency that keeps
/// its certificate takes the new name, code, province and parent body (the old ones stay as a version); the people of
/// the others move to it with their new positions and e-mails (those who leave are disabled); their keys and
/// certificates re-point to it; and the other agencies are archived, with their history and audit records intact. One
/// transaction, conditional on the merger still being confirmed, so a merger completes once on whichever node sees it
/// ready first (the import of the last answer, or the watch).
/// </summary>
public sealed class MergerCompletion(
    Database database, MergerStore mergers, AgencyStore agencies, AccountStore accounts, SigningKeyStore keys, CertificateStore certificates,
    Notifier notifier, AuditLog audit)
{
    private const string SystemActor = "system:mergers";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Completes every confirmed merger whose dossier has no open item; returns how many.</summary>
    public async Task<int> CompleteReadyAsync(CancellationToken ct)
    {
        var completed = 0;
        foreach (var merger in await mergers.ReadyAsync(ct))
        {
            completed += await CompleteAsync(merger, ct) ? 1 : 0;
        }

        return completed;
    }

    private async Task<bool> CompleteAsync(Merger merger, CancellationToken ct)
    {
        var input = JsonSerializer.Deserialize<MergerInput>(merger.Input, Json)!;
        var plan = JsonSerializer.Deserialize<MergerPlan>(merger.Plan, Json)!;
        var mapping = (input.People ?? []).Where(entry => entry.Username is not null)
            .GroupBy(entry => entry.Username!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        var survivor = (await agencies.FindAsync(plan.SurvivorAgencyId, ct))!;
        var others = new List<AgencyProfile>();
        foreach (var code in plan.Agencies)
        {
            if (await agencies.FindByCodeAsync(code, ct) is { } agency && agency.Id != survivor.Id && agency.ArchivedAt is null)
            {
                others.Add(agency);
            }
        }

        var peopleOf = new Dictionary<string, IReadOnlyList<User>>(StringComparer.Ordinal);
        foreach (var agency in others.Append(survivor))
        {
            peopleOf[agency.Id] = await accounts.ListUsersAsync(agency.Id, ct);
        }

        await using var tx = await database.BeginWriteAsync($"merger:{merger.Id}", ct);
        if (!await mergers.CompleteAsync(tx, merger.Id, ct))
        {
            return false;
        }

        var target = plan.NewAgency;
        var reason = $"merger {merger.Id}";
        // An absorbed agency may hold the new code: it passes to the merged agency, and the archived one keeps a marked copy.
        foreach (var holder in others.Where(agency => agency.Code == target.Code))
        {
            await agencies.RenameAsync(tx, holder.Id, holder.Code, $"{holder.Code}#{holder.Id[^6..]}", holder.Name, holder.Province, holder.ParentBody,
                $"{reason}: code passed to {target.Name}", SystemActor, ct);
        }

        await agencies.RenameAsync(tx, survivor.Id, survivor.Code, target.Code!, target.Name!, target.Province, target.ParentBody, reason, SystemActor, ct);
        int moved = 0, left = 0;
        foreach (var agency in others.Append(survivor))
        {
            foreach (var person in peopleOf[agency.Id])
            {
                var entry = mapping.GetValueOrDefault(person.Username);
                if (entry?.Action == "leave")
                {
                    left += await agencies.DisablePersonAsync(tx, person.Id, ct) ? 1 : 0;
                }
                else if (await agencies.MovePersonAsync(tx, person.Id, agency.Id, survivor.Id, entry?.Position, entry?.Email, ct))
                {
                    moved += agency.Id == survivor.Id ? 0 : 1;
                }
            }

            if (agency.Id == survivor.Id)
            {
                continue;
            }

            var movedKeys = await keys.MoveAgencyAsync(tx, agency.Id, survivor.Id, ct);
            var movedCertificates = await certificates.MoveAgencyAsync(tx, agency.Id, survivor.Id, ct);
            await agencies.ArchiveAsync(tx, agency.Id, survivor.Id, ct);
            await audit.AppendAsync(tx, new AuditEntry(SystemActor, agency.Id, "agency.archive", agency.Id, AuditOutcome.Success, null,
                $"merger={merger.Id}; mergedInto={survivor.Id}; keys={movedKeys}; certificates={movedCertificates}"), ct);
        }

        await audit.AppendAsync(tx, new AuditEntry(SystemActor, survivor.Id, "merger.complete", merger.Id, AuditOutcome.Success, null,
            $"code={survivor.Code}->{target.Code}; name={target.Name}; absorbed={string.Join(",", others.Select(a => a.Code))}; peopleMoved={moved}; peopleLeft={left}"), ct);
        var admins = await accounts.ListUsersInRoleAsync(survivor.Id, Roles.CertAdmin, ct);
        await notifier.NotifyAsync(tx, admins, new NotificationMessage("merger.completed", "Sáp nhập đã hoàn tất",
            $"{target.Name} ({target.Code}): {others.Count} cơ quan đã sáp nhập, {moved} người chuyển sang.", $"/sap-nhap/{merger.Id}", merger.Id), ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
