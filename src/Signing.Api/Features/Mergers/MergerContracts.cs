using Signing.Api.Features.Certificates;

namespace Signing.Api.Features.Mergers;

/// <summary>What a merger is asked to do.</summary>
/// <param name="AgencyCodes">The merging agencies, by identifier code (already in the service; yours among them).</param>
/// <param name="NewAgency">The agency they become.</param>
/// <param name="KeepCertificateId">The agency certificate that gets the change of information (default: your agency's); the others are revoked.</param>
/// <param name="People">Who moves where and who leaves; people with certificates who are not listed move as they are and are flagged.</param>
public sealed record MergerInput(string[]? AgencyCodes, NewAgency? NewAgency, string? KeepCertificateId, MappingEntry[]? People);

/// <summary>The agency the merging ones become.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Province">Its province.</param>
/// <param name="Code">Its new identifier code (Decision 20/2020).</param>
/// <param name="ParentBody">The body above it (O of its agency certificate).</param>
public sealed record NewAgency(string? Name, string? Province, string? Code, string? ParentBody);

/// <summary>One person's move.</summary>
/// <param name="Username">The person.</param>
/// <param name="Action">move (default) or leave.</param>
/// <param name="Unit">Their new unit (OU).</param>
/// <param name="Position">Their new position.</param>
/// <param name="Email">Their new official e-mail.</param>
/// <param name="Reason">For leave: retired, resigned, job-change or deceased (default job-change).</param>
public sealed record MappingEntry(string? Username, string? Action = null, string? Unit = null, string? Position = null, string? Email = null, string? Reason = null);

/// <summary>The plan's counts.</summary>
/// <param name="AgencyChangeInfo">Agency certificates whose information changes (one).</param>
/// <param name="AgencyRevocations">Agency certificates revoked.</param>
/// <param name="PersonalChangeInfo">People's certificates whose information changes.</param>
/// <param name="PersonalRevocations">People's certificates revoked (they leave).</param>
/// <param name="DeviceChangeInfo">Device and service certificates whose information changes.</param>
/// <param name="FlaggedPositions">Positions that no longer fit.</param>
/// <param name="Unmapped">People with certificates the mapping does not list.</param>
/// <param name="Total">Requests the dossier will carry.</param>
public sealed record MergerCounts(
    int AgencyChangeInfo, int AgencyRevocations, int PersonalChangeInfo, int PersonalRevocations, int DeviceChangeInfo, int FlaggedPositions, int Unmapped, int Total);

/// <summary>One certificate's line of the plan: the request it gets and its subject before and after.</summary>
/// <param name="Kind">change-info or revoke.</param>
/// <param name="CertificateId">The certificate.</param>
/// <param name="CertificateKind">individual, agency or device.</param>
/// <param name="AgencyCode">The agency that holds it now.</param>
/// <param name="Username">Its holder.</param>
/// <param name="SubjectBefore">Its subject now.</param>
/// <param name="SubjectAfter">Its subject after the change (change-info).</param>
/// <param name="RevocationReason">For revoke: the Art. 17 reason.</param>
/// <param name="Position">The holder's new position.</param>
/// <param name="Unit">The holder's new unit.</param>
/// <param name="Email">The holder's new e-mail.</param>
public sealed record PlanItem(
    string Kind, string CertificateId, string CertificateKind, string AgencyCode, string? Username, string SubjectBefore, string? SubjectAfter,
    string? RevocationReason, string? Position, string? Unit, string? Email);

/// <summary>Something the admin should look at before confirming.</summary>
/// <param name="Username">The person, if it is about one.</param>
/// <param name="Problem">What.</param>
public sealed record PlanFlag(string? Username, string Problem);

/// <summary>The plan of a merger.</summary>
/// <param name="Counts">The counts.</param>
/// <param name="SurvivorAgencyId">The agency that becomes the new one (it holds the agency certificate that changes).</param>
/// <param name="NewAgency">The new agency.</param>
/// <param name="Agencies">The merging agencies' codes.</param>
/// <param name="Items">Every certificate's request.</param>
/// <param name="Flags">Positions that no longer fit, people not in the mapping, certificates without a holder.</param>
public sealed record MergerPlan(
    MergerCounts Counts, string SurvivorAgencyId, NewAgency NewAgency, IReadOnlyList<string> Agencies, IReadOnlyList<PlanItem> Items, IReadOnlyList<PlanFlag> Flags);

/// <summary>A merger as shown.</summary>
/// <param name="Id">The merger id.</param>
/// <param name="State">planned, confirmed or completed.</param>
/// <param name="Input">What was asked.</param>
/// <param name="Plan">The plan.</param>
/// <param name="DossierId">The dossier, once confirmed.</param>
/// <param name="Problems">Rows of an imported mapping that could not be used.</param>
/// <param name="CreatedAt">When it was planned.</param>
/// <param name="ConfirmedAt">When it was confirmed.</param>
/// <param name="CompletedAt">When the agencies were merged.</param>
public sealed record MergerView(
    string Id, string State, MergerInput Input, MergerPlan Plan, string? DossierId, IReadOnlyList<ImportProblem> Problems, DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt, DateTimeOffset? CompletedAt);

/// <summary>An agency's codes and names over time.</summary>
/// <param name="AgencyId">The agency.</param>
/// <param name="Code">Its code now.</param>
/// <param name="Name">Its name now.</param>
/// <param name="Province">Its province now.</param>
/// <param name="ParentBody">Its parent body now.</param>
/// <param name="ArchivedAt">When it was archived (merged into another).</param>
/// <param name="MergedIntoId">The agency it merged into.</param>
/// <param name="Versions">Its earlier codes and names, oldest first.</param>
public sealed record AgencyHistoryView(
    string AgencyId, string Code, string Name, string? Province, string? ParentBody, DateTimeOffset? ArchivedAt, string? MergedIntoId,
    IReadOnlyList<AgencyVersionView> Versions);

/// <summary>An earlier code and name of an agency.</summary>
/// <param name="Code">The code.</param>
/// <param name="Name">The name.</param>
/// <param name="Province">The province.</param>
/// <param name="ParentBody">The parent body.</param>
/// <param name="ValidFrom">From.</param>
/// <param name="ValidTo">Until.</param>
/// <param name="Reason">Why it changed.</param>
/// <param name="ChangedBy">Who changed it.</param>
public sealed record AgencyVersionView(
    string Code, string Name, string? Province, string? ParentBody, DateTimeOffset ValidFrom, DateTimeOffset ValidTo, string Reason, string ChangedBy);

/// <summary>The phases of a mapping import, as its progress reports them.</summary>
public static class ImportPhases
{
    /// <summary>Reading the CSV or XLSX file.</summary>
    public const string Read = "read";

    /// <summary>Checking each row (done of the table's rows).</summary>
    public const string Check = "check";

    /// <summary>Planning the merger again with the mapping (people placed of those mapped).</summary>
    public const string Plan = "plan";
}
