namespace Signing.Storage.Requests;

/// <summary>A signature request (an outgoing document on its way through Decree 30's steps), as stored.</summary>
/// <param name="Id">The request id.</param>
/// <param name="AgencyId">The agency the document goes out from.</param>
/// <param name="Title">The abstract (trích yếu).</param>
/// <param name="DocumentType">The document type, e.g. <c>Quyết định</c>.</param>
/// <param name="SymbolPattern">The symbol with the number's place, e.g. <c>{số}/QĐ-UBND</c>.</param>
/// <param name="Urgency">normal, urgent, very-urgent or flash (thường, khẩn, thượng khẩn, hỏa tốc).</param>
/// <param name="Secrecy">none, confidential, secret or top-secret (độ mật).</param>
/// <param name="Deadline">When the request expires if not completed (Unix ms), or null.</param>
/// <param name="SubmitterKind">user or client.</param>
/// <param name="SubmitterId">The submitting person's or system's id.</param>
/// <param name="SubmitterName">Their username or client name.</param>
/// <param name="ClientId">The calling system that submitted, whose webhooks get the events; null for people.</param>
/// <param name="ExternalRef">The calling system's own reference.</param>
/// <param name="State">in-progress, returned, rejected, withdrawn, completed, recalled, expired or superseded.</param>
/// <param name="SupersedesId">The request this one replaces with a new version of the document.</param>
/// <param name="Series">The numbering series: <c>general</c>, or <c>secret</c> for documents with a secrecy level.</param>
/// <param name="Number">The registered number.</param>
/// <param name="NumberYear">The year the number belongs to.</param>
/// <param name="Symbol">The registered symbol, e.g. <c>15/QĐ-UBND</c>.</param>
/// <param name="IssuedDate">The date of issue (yyyy-MM-dd).</param>
/// <param name="CompletedAt">When the last step completed (the document was issued).</param>
/// <param name="Version">Bumped by every change; a change names the version it read.</param>
/// <param name="CreatedAt">Creation time (Unix ms).</param>
/// <param name="UpdatedAt">Last change (Unix ms).</param>
public sealed record SignatureRequest(
    string Id, string AgencyId, string Title, string DocumentType, string SymbolPattern, string Urgency, string Secrecy,
    long? Deadline, string SubmitterKind, string SubmitterId, string SubmitterName, string? ClientId, string? ExternalRef,
    string State, string? SupersedesId, string Series, long? Number, long? NumberYear, string? Symbol, string? IssuedDate,
    long? CompletedAt, long Version, long CreatedAt, long UpdatedAt);

/// <summary>One step of a request's route, as stored.</summary>
/// <param name="Id">The step id.</param>
/// <param name="RequestId">The request.</param>
/// <param name="Ordinal">Its place in the route, from 1.</param>
/// <param name="Kind">review, sign, register, seal or copy.</param>
/// <param name="State">pending, active, done or cancelled.</param>
/// <param name="Assignees">Who may act: <c>user:ID</c> and <c>role:NAME</c> entries separated by commas.</param>
/// <param name="RequiredApprovals">For review: how many of the assignees must approve (n of m).</param>
/// <param name="Capacity">For sign: own, kt, tl, tuq or q (Decree 30's signing capacities).</param>
/// <param name="CapacityTitle">For sign in another's name: the title signed for, e.g. <c>CHỦ TỊCH</c> in <c>KT. CHỦ TỊCH</c>.</param>
/// <param name="DelegateUserId">The official the assignee delegated the step to.</param>
/// <param name="Anchor">For sign: the text line the signature block goes below (the signer's title).</param>
/// <param name="Page">For sign: the page of the rectangle.</param>
/// <param name="Rect">For sign: the rectangle <c>x,y,w,h</c>, instead of an anchor.</param>
/// <param name="AnchorLine">
/// For sign with an anchor: the line of the submitted document that holds it, <c>page:x,baseline,width,font-size</c>,
/// found at submission; null for steps stored before submissions looked anchors up.
/// </param>
/// <param name="InputSha256">The SHA-256 of the revision shown to the actor.</param>
/// <param name="OutputSha256">The SHA-256 of the revision the step produced.</param>
/// <param name="ActorId">Who completed the step.</param>
/// <param name="ActorName">Their name.</param>
/// <param name="KeyId">The key that signed.</param>
/// <param name="ImageBox">For sign: where the signature image is, <c>page:x,y,w,h</c>, so that the seal can overlap it.</param>
/// <param name="LastRemindedAt">When the actors were last reminded.</param>
/// <param name="StartedAt">When the step became active.</param>
/// <param name="CompletedAt">When it was done.</param>
public sealed record RequestStep(
    string Id, string RequestId, long Ordinal, string Kind, string State, string Assignees, long RequiredApprovals, string? Capacity,
    string? CapacityTitle, string? DelegateUserId, string? Anchor, long? Page, string? Rect, string? AnchorLine, string? InputSha256, string? OutputSha256,
    string? ActorId, string? ActorName, string? KeyId, string? ImageBox, long? LastRemindedAt, long? StartedAt, long? CompletedAt)
{
    /// <summary>The assignee entries.</summary>
    public IReadOnlyList<string> AssigneeList => Assignees.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A stored revision of one of a request's documents, without its bytes.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="DocumentIndex">0 for the main document, 1… for attachments (phụ lục), 100… for electronic copies.</param>
/// <param name="Revision">0 as submitted, then one per step that changed the PDF.</param>
/// <param name="Kind">main, attachment or copy.</param>
/// <param name="Name">The file name.</param>
/// <param name="Sha256">The SHA-256 of the bytes.</param>
/// <param name="Length">Their length.</param>
/// <param name="Signatures">How many signatures (and document timestamps) the revision holds.</param>
/// <param name="StepId">The step that produced it (null for the submitted document).</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record RequestDocument(
    string RequestId, long DocumentIndex, long Revision, string Kind, string Name, string Sha256, long Length, long Signatures, string? StepId,
    long CreatedAt);

/// <summary>A line of a request's history: who did what to which revision, in what capacity.</summary>
/// <param name="Seq">Its order.</param>
/// <param name="RequestId">The request.</param>
/// <param name="StepId">The step, if the action was on one.</param>
/// <param name="At">When (Unix ms).</param>
/// <param name="Actor">Who, e.g. <c>user:chutich</c>.</param>
/// <param name="Action">submit, approve, sign, register, seal, copy, reject, return, delegate, withdraw, recall, comment, expire.</param>
/// <param name="Capacity">The signing capacity, for sign and delegate.</param>
/// <param name="InputSha256">The revision the actor saw.</param>
/// <param name="OutputSha256">The revision the action produced.</param>
/// <param name="Details">The reason, the comment or the number.</param>
public sealed record HistoryEntry(
    long Seq, string RequestId, string? StepId, long At, string Actor, string Action, string? Capacity, string? InputSha256,
    string? OutputSha256, string? Details);

/// <summary>A request as one snapshot of the database saw it (see <see cref="SignatureRequestStore.SnapshotAsync"/>).</summary>
/// <param name="Request">The request.</param>
/// <param name="Steps">Its steps in route order.</param>
/// <param name="Documents">Its documents' stored revisions, without their bytes.</param>
/// <param name="History">Its history, oldest first.</param>
/// <param name="Approvals">Who approved each review step, by step id, first approval first; a step nobody approved is absent.</param>
public sealed record RequestSnapshot(
    SignatureRequest Request, IReadOnlyList<RequestStep> Steps, IReadOnlyList<RequestDocument> Documents, IReadOnlyList<HistoryEntry> History,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Approvals)
{
    /// <summary>Who approved <paramref name="stepId"/>, first approval first.</summary>
    public IReadOnlyList<string> ApprovalsOf(string stepId) => Approvals.TryGetValue(stepId, out var approvals) ? approvals : [];
}

/// <summary>Which requests a list shows, and how many.</summary>
/// <param name="AgencyId">Only this agency's requests.</param>
/// <param name="State">Only requests in this state.</param>
/// <param name="ClientId">Only requests a calling system submitted.</param>
/// <param name="SubmitterId">Only requests a person submitted.</param>
/// <param name="ActorUserId">With <paramref name="ActorRoles"/>: only requests whose active step this person may act on (to do).</param>
/// <param name="ActorRoles">The roles of <paramref name="ActorUserId"/>.</param>
/// <param name="ActedByUserId">Only requests this person acted on (done).</param>
/// <param name="Search">Text in the title, symbol or external reference.</param>
/// <param name="Urgency">Only this urgency.</param>
/// <param name="After">Cursor: only requests created before this id (the ids sort by time).</param>
/// <param name="Limit">At most this many (1–200).</param>
public sealed record RequestQuery(
    string AgencyId, string? State = null, string? ClientId = null, string? SubmitterId = null, string? ActorUserId = null,
    IReadOnlyList<string>? ActorRoles = null, string? ActedByUserId = null, string? Search = null, string? Urgency = null,
    string? After = null, int Limit = 50);
