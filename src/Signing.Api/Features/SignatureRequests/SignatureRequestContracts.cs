namespace Signing.Api.Features.SignatureRequests;

/// <summary>The metadata part (<c>request</c>, JSON) of a submission.</summary>
/// <param name="Title">The abstract (trích yếu).</param>
/// <param name="DocumentType">E.g. <c>Quyết định</c>, <c>Công văn</c>.</param>
/// <param name="SymbolPattern">The symbol with the number's place: <c>{số}/QĐ-UBND</c>.</param>
/// <param name="Urgency">normal, urgent, very-urgent or flash.</param>
/// <param name="Secrecy">none, confidential, secret or top-secret.</param>
/// <param name="Deadline">When the request expires if not completed.</param>
/// <param name="ExternalRef">The calling system's own reference (unique per system).</param>
/// <param name="Supersedes">The id of the request this new version replaces.</param>
/// <param name="Route">The ordered steps.</param>
public sealed record SubmitMetadata(
    string? Title, string? DocumentType, string? SymbolPattern, string? Urgency, string? Secrecy, DateTimeOffset? Deadline,
    string? ExternalRef, string? Supersedes, RouteStepSpec[]? Route);

/// <summary>One step of a submitted route.</summary>
/// <param name="Kind">review, sign, register, seal or copy.</param>
/// <param name="Assignees">Usernames of the agency, or <c>role:NAME</c> (e.g. <c>role:clerk</c>); a sign step names one official.</param>
/// <param name="Required">For review: how many assignees must approve (default all).</param>
/// <param name="Capacity">For sign: own (default), kt, tl, tuq or q.</param>
/// <param name="CapacityTitle">For sign in another's name: the title signed for, e.g. <c>Chủ tịch</c>.</param>
/// <param name="Anchor">For sign: the text line the signature block goes below.</param>
/// <param name="Page">For sign with <paramref name="Rect"/>: the page.</param>
/// <param name="Rect">For sign: <c>x,y,w,h</c> in points, instead of an anchor.</param>
public sealed record RouteStepSpec(
    string? Kind, string[]? Assignees, int? Required, string? Capacity, string? CapacityTitle, string? Anchor, int? Page, string? Rect);

/// <summary>The body of a step action.</summary>
/// <param name="ExpectedSha256">The SHA-256 of the revision the actor looked at; any other is refused with 409.</param>
/// <param name="Reason">Why (required to reject, return or recall).</param>
/// <param name="Comment">A comment.</param>
/// <param name="Pin">The actor's signing PIN, to sign with a key the service holds.</param>
/// <param name="Otp">Instead of the PIN, a code from the actor's authenticator.</param>
/// <param name="KeyId">Which of the actor's keys to sign with, when there are several.</param>
/// <param name="DelegateTo">For delegate: the username of the official who will sign.</param>
/// <param name="Capacity">For delegate: kt, tl, tuq or q.</param>
/// <param name="CapacityTitle">For delegate: the title signed for (default the assignee's).</param>
/// <param name="IssuedDate">For register: the date of issue (yyyy-MM-dd, default today in Vietnam).</param>
/// <param name="CopyForms">For copy: sao-y, sao-luc or trich-sao (default sao-y).</param>
/// <param name="OperationId">For complete: the operation from prepare.</param>
/// <param name="Signature">For complete: the external signature, base64.</param>
/// <param name="Certificate">For complete: the signer certificate, base64 DER or PEM.</param>
public sealed record StepAction(
    string? ExpectedSha256 = null, string? Reason = null, string? Comment = null, string? Pin = null, string? Otp = null, string? KeyId = null,
    string? DelegateTo = null, string? Capacity = null, string? CapacityTitle = null, string? IssuedDate = null, string[]? CopyForms = null,
    string? OperationId = null, string? Signature = null, string? Certificate = null);

/// <summary>A request as its actors and submitter see it.</summary>
/// <param name="Id">The request id.</param>
/// <param name="Title">The abstract.</param>
/// <param name="DocumentType">The document type.</param>
/// <param name="SymbolPattern">The symbol pattern.</param>
/// <param name="Urgency">The urgency.</param>
/// <param name="Secrecy">The secrecy level.</param>
/// <param name="Deadline">The deadline.</param>
/// <param name="Submitter">Who submitted, e.g. <c>client:qlvb</c>.</param>
/// <param name="ExternalRef">The calling system's reference.</param>
/// <param name="State">The request's state.</param>
/// <param name="SupersedesId">The request this one replaces.</param>
/// <param name="Number">The registered number.</param>
/// <param name="Symbol">The registered symbol.</param>
/// <param name="IssuedDate">The date of issue.</param>
/// <param name="CreatedAt">Submission time.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="CompletedAt">Completion (issue) time.</param>
/// <param name="HeadSha256">The SHA-256 of the main document's current revision: send it as expectedSha256.</param>
/// <param name="Steps">The route and each step's state and hashes.</param>
/// <param name="Documents">Every stored revision.</param>
/// <param name="History">What happened, oldest first.</param>
/// <param name="Actions">What the caller may do now, e.g. <c>sign</c> on step N.</param>
public sealed record RequestView(
    string Id, string Title, string DocumentType, string SymbolPattern, string Urgency, string Secrecy, DateTimeOffset? Deadline, string Submitter,
    string? ExternalRef, string State, string? SupersedesId, long? Number, string? Symbol, string? IssuedDate, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt, string? HeadSha256, IReadOnlyList<StepView> Steps, IReadOnlyList<DocumentView> Documents,
    IReadOnlyList<HistoryView> History, IReadOnlyList<AllowedAction> Actions);

/// <summary>A request in a list.</summary>
/// <param name="Id">The request id.</param>
/// <param name="Title">The abstract.</param>
/// <param name="DocumentType">The type.</param>
/// <param name="Urgency">The urgency.</param>
/// <param name="Secrecy">The secrecy level.</param>
/// <param name="Deadline">The deadline.</param>
/// <param name="State">The state.</param>
/// <param name="Symbol">The registered symbol, if any.</param>
/// <param name="ExternalRef">The calling system's reference.</param>
/// <param name="CreatedAt">Submission time.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record RequestSummary(
    string Id, string Title, string DocumentType, string Urgency, string Secrecy, DateTimeOffset? Deadline, string State, string? Symbol,
    string? ExternalRef, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A route step as shown.</summary>
/// <param name="Id">The step id.</param>
/// <param name="Ordinal">Its place, from 1.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="State">Its state.</param>
/// <param name="Assignees">Who may act.</param>
/// <param name="RequiredApprovals">For review: approvals needed.</param>
/// <param name="Approvals">For review: who approved.</param>
/// <param name="Capacity">For sign: the capacity.</param>
/// <param name="CapacityTitle">For sign: the title signed for.</param>
/// <param name="DelegateTo">For sign: the official it was delegated to.</param>
/// <param name="InputSha256">The revision shown to the actor.</param>
/// <param name="OutputSha256">The revision produced.</param>
/// <param name="Actor">Who completed it.</param>
/// <param name="KeyId">The key that signed.</param>
/// <param name="StartedAt">When it became active.</param>
/// <param name="CompletedAt">When it ended.</param>
public sealed record StepView(
    string Id, long Ordinal, string Kind, string State, IReadOnlyList<string> Assignees, long RequiredApprovals, IReadOnlyList<string> Approvals,
    string? Capacity, string? CapacityTitle, string? DelegateTo, string? InputSha256, string? OutputSha256, string? Actor, string? KeyId,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);

/// <summary>A stored revision as shown.</summary>
/// <param name="Index">0 main, 1… attachments, 100… copies.</param>
/// <param name="Kind">main, attachment or copy.</param>
/// <param name="Name">The file name.</param>
/// <param name="Revision">The revision number.</param>
/// <param name="Sha256">Its SHA-256.</param>
/// <param name="Length">Its length.</param>
/// <param name="StepId">The step that made it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Url">Where to download it.</param>
public sealed record DocumentView(long Index, string Kind, string Name, long Revision, string Sha256, long Length, string? StepId, DateTimeOffset CreatedAt, string Url);

/// <summary>A history line as shown.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="StepId">On which step.</param>
/// <param name="Capacity">In what capacity.</param>
/// <param name="InputSha256">The revision the actor saw.</param>
/// <param name="OutputSha256">The revision produced.</param>
/// <param name="Details">Reason, comment or number.</param>
public sealed record HistoryView(
    DateTimeOffset At, string Actor, string Action, string? StepId, string? Capacity, string? InputSha256, string? OutputSha256, string? Details);

/// <summary>Something the caller may do now.</summary>
/// <param name="Action">The action: approve, sign, register, seal, copy, reject, return, delegate, comment, withdraw, recall.</param>
/// <param name="StepId">The step it applies to, or null for request-level actions.</param>
public sealed record AllowedAction(string Action, string? StepId);

/// <summary>Many signatures in one action: one PIN or code entry for a server-held key.</summary>
/// <param name="Items">The steps to sign, each with the hash of the revision the official looked at.</param>
/// <param name="Pin">The signing PIN.</param>
/// <param name="Otp">Or a one-time code.</param>
public sealed record BulkSignRequest(BulkSignItem[]? Items, string? Pin, string? Otp);

/// <summary>One step of a bulk signature.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="StepId">Its active sign step.</param>
/// <param name="ExpectedSha256">The revision the official looked at.</param>
public sealed record BulkSignItem(string? RequestId, string? StepId, string? ExpectedSha256);

/// <summary>How one item of a bulk action ended.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="StepId">The step.</param>
/// <param name="Status">The HTTP status it would have had alone.</param>
/// <param name="Title">The problem's title when it failed.</param>
/// <param name="Detail">What went wrong.</param>
/// <param name="OutputSha256">The new revision when it succeeded.</param>
public sealed record BulkOutcome(string RequestId, string StepId, int Status, string? Title, string? Detail, string? OutputSha256);
