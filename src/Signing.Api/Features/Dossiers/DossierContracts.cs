using Signing.Api.Features.Certificates;
using Signing.Api.Features.GccRequests;

namespace Signing.Api.Features.Dossiers;

/// <summary>A new dossier.</summary>
/// <param name="Title">Its title on the PDF (default one naming the agency and date).</param>
/// <param name="RequestIds">The draft requests it carries.</param>
public sealed record CreateDossierRequest(string? Title, string[]? RequestIds);

/// <summary>Requests to add to a draft dossier.</summary>
/// <param name="RequestIds">Draft requests of the agency.</param>
public sealed record DossierItemsRequest(string[]? RequestIds);

/// <summary>Sending a dossier to its head for signature.</summary>
/// <param name="Head">The username of the head (an official of the agency) who signs it.</param>
public sealed record SendDossierRequest(string? Head);

/// <summary>Recording that a signed dossier went to the GCC.</summary>
/// <param name="DispatchNumber">The dispatch number it went under (số công văn).</param>
/// <param name="DispatchDate">The dispatch date (yyyy-MM-dd; default today in Vietnam).</param>
public sealed record SubmitDossierRequest(string? DispatchNumber, string? DispatchDate);

/// <summary>The GCC's answer on an item that no certificate answers (a revocation, a restored device), or a refusal.</summary>
/// <param name="Outcome">done or rejected.</param>
/// <param name="Note">What the GCC said.</param>
public sealed record ItemOutcomeRequest(string? Outcome, string? Note);

/// <summary>A dossier as shown.</summary>
/// <param name="Id">The dossier id.</param>
/// <param name="Title">Its title.</param>
/// <param name="State">draft, awaiting-signature, signed, submitted, in-progress or completed.</param>
/// <param name="MergerId">The merger that made it.</param>
/// <param name="SignatureRequestId">The signature request that carries its PDF to the head.</param>
/// <param name="HeadUserId">The head.</param>
/// <param name="DispatchNumber">The dispatch number.</param>
/// <param name="DispatchDate">The dispatch date.</param>
/// <param name="SubmittedAt">When it was recorded as submitted.</param>
/// <param name="DueDate">When the GCC's answer is due (working days from the dispatch date).</param>
/// <param name="Overdue">Whether the due date passed with items still open.</param>
/// <param name="CompletedAt">When its last item closed.</param>
/// <param name="Note">Why it came back to draft, if it did.</param>
/// <param name="Counts">Items per kind.</param>
/// <param name="Open">Items not yet done or rejected.</param>
/// <param name="Items">The requests.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record DossierView(
    string Id, string Title, string State, string? MergerId, string? SignatureRequestId, string? HeadUserId, string? DispatchNumber, string? DispatchDate,
    DateTimeOffset? SubmittedAt, string? DueDate, bool Overdue, DateTimeOffset? CompletedAt, string? Note, IReadOnlyDictionary<string, int> Counts, int Open,
    IReadOnlyList<GccRequestView> Items, DateTimeOffset CreatedAt);

/// <summary>A dossier in a list.</summary>
/// <param name="Id">The dossier id.</param>
/// <param name="Title">Its title.</param>
/// <param name="State">Its state.</param>
/// <param name="DueDate">When the GCC's answer is due.</param>
/// <param name="Overdue">Whether it is overdue.</param>
/// <param name="MergerId">The merger that made it.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record DossierSummary(string Id, string Title, string State, string? DueDate, bool Overdue, string? MergerId, DateTimeOffset CreatedAt);

/// <summary>What importing the GCC's answers did.</summary>
/// <param name="Matched">Certificates matched to items.</param>
/// <param name="Matches">Each match.</param>
/// <param name="Problems">Certificates that matched no open item, and other problems.</param>
/// <param name="RevocationsClosed">Revocation items closed because their certificate is now seen revoked.</param>
/// <param name="DossierState">The dossier's state afterwards.</param>
/// <param name="Open">Items still open.</param>
/// <param name="MergerCompleted">Whether the import closed a merger's dossier and the agencies were merged.</param>
public sealed record AnswerReport(
    int Matched, IReadOnlyList<AnswerMatch> Matches, IReadOnlyList<ImportProblem> Problems, int RevocationsClosed, string DossierState, int Open,
    bool MergerCompleted);

/// <summary>A certificate matched to its item.</summary>
/// <param name="RequestId">The item.</param>
/// <param name="CertificateId">The new inventory certificate.</param>
/// <param name="Serial">Its serial.</param>
/// <param name="MatchedBy">public-key (the CSR's or the kept key) or subject (subject and holder).</param>
/// <param name="SupersededId">The certificate it replaced.</param>
/// <param name="KeyId">The registry key it now certifies (enabled).</param>
public sealed record AnswerMatch(string RequestId, string CertificateId, string Serial, string MatchedBy, string? SupersededId, string? KeyId);
