namespace Signing.Api.Features.SignatureRequests;

/// <summary>The states of a signature request.</summary>
public static class RequestStates
{
    /// <summary>Moving through its route.</summary>
    public const string InProgress = "in-progress";

    /// <summary>Sent back to its submitter for revision; a new version is a new request that supersedes this one.</summary>
    public const string Returned = "returned";

    /// <summary>Refused by an actor, with a reason.</summary>
    public const string Rejected = "rejected";

    /// <summary>Taken back by its submitter.</summary>
    public const string Withdrawn = "withdrawn";

    /// <summary>Every step done: the document is issued (phát hành).</summary>
    public const string Completed = "completed";

    /// <summary>Recalled after issue (thu hồi); the history stays.</summary>
    public const string Recalled = "recalled";

    /// <summary>Its deadline passed before it was completed.</summary>
    public const string Expired = "expired";

    /// <summary>Replaced by a new version of the document.</summary>
    public const string Superseded = "superseded";
}

/// <summary>The kinds of route steps (Decree 30/2020's life of an outgoing document).</summary>
public static class StepKinds
{
    /// <summary>Officials approve without signing; n of m.</summary>
    public const string Review = "review";

    /// <summary>The competent official signs, with a visible signature.</summary>
    public const string Sign = "sign";

    /// <summary>The clerk takes the next number and dates the document (Art. 15).</summary>
    public const string Register = "register";

    /// <summary>The clerk adds the agency's signature with the seal (Art. 33).</summary>
    public const string Seal = "seal";

    /// <summary>The clerk makes electronic copies (Art. 25).</summary>
    public const string Copy = "copy";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Review, Sign, Register, Seal, Copy];
}

/// <summary>The states of a route step.</summary>
public static class StepStates
{
    /// <summary>Not reached yet.</summary>
    public const string Pending = "pending";

    /// <summary>Waiting for its actors.</summary>
    public const string Active = "active";

    /// <summary>Done.</summary>
    public const string Done = "done";

    /// <summary>The request left the route before this step was done.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>Signing capacities (Decree 30/2020, Art. 13 and Appendix I): whose authority the official signs with.</summary>
public static class Capacities
{
    /// <summary>In the official's own right.</summary>
    public const string Own = "own";

    /// <summary>KT. (ký thay): a deputy signs for the head.</summary>
    public const string OnBehalf = "kt";

    /// <summary>TL. (thừa lệnh): by order of the head.</summary>
    public const string ByOrder = "tl";

    /// <summary>TUQ. (thừa ủy quyền): by authorisation.</summary>
    public const string ByAuthorisation = "tuq";

    /// <summary>Q. (quyền): acting head.</summary>
    public const string Acting = "q";

    /// <summary>Every capacity.</summary>
    public static IReadOnlyList<string> All { get; } = [Own, OnBehalf, ByOrder, ByAuthorisation, Acting];

    /// <summary>The prefix printed before the title signed for: <c>KT.</c>, <c>TL.</c>, <c>TUQ.</c>, <c>Q.</c>; null for own.</summary>
    public static string? Prefix(string? capacity) => capacity switch
    {
        OnBehalf => "KT.",
        ByOrder => "TL.",
        ByAuthorisation => "TUQ.",
        Acting => "Q.",
        _ => null,
    };
}

/// <summary>Urgency (độ khẩn), which also sets how often the current actors are reminded.</summary>
public static class Urgencies
{
    /// <summary>Thường.</summary>
    public const string Normal = "normal";

    /// <summary>Khẩn.</summary>
    public const string Urgent = "urgent";

    /// <summary>Thượng khẩn.</summary>
    public const string VeryUrgent = "very-urgent";

    /// <summary>Hỏa tốc.</summary>
    public const string Flash = "flash";

    /// <summary>Every urgency.</summary>
    public static IReadOnlyList<string> All { get; } = [Normal, Urgent, VeryUrgent, Flash];

    /// <summary>The Vietnamese word.</summary>
    public static string Words(string urgency) => urgency switch
    {
        Urgent => "Khẩn",
        VeryUrgent => "Thượng khẩn",
        Flash => "Hỏa tốc",
        _ => "Thường",
    };
}

/// <summary>Secrecy (độ mật). Secret documents have their own numbering series and content-free e-mails.</summary>
public static class Secrecies
{
    /// <summary>Not secret.</summary>
    public const string None = "none";

    /// <summary>Mật.</summary>
    public const string Confidential = "confidential";

    /// <summary>Tối mật.</summary>
    public const string Secret = "secret";

    /// <summary>Tuyệt mật.</summary>
    public const string TopSecret = "top-secret";

    /// <summary>Every level.</summary>
    public static IReadOnlyList<string> All { get; } = [None, Confidential, Secret, TopSecret];

    /// <summary>The numbering series for a level: secret documents are numbered apart (Decree 30 Art. 15).</summary>
    public static string SeriesOf(string secrecy) => secrecy == None ? "general" : "secret";
}
