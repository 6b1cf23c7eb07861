namespace Signing.Api.Hosting;

/// <summary>What kind of failure an operation met; each kind has one HTTP status in <see cref="ProblemMap"/>.</summary>
public enum FailureKind
{
    /// <summary>The input is malformed or incomplete (400).</summary>
    BadInput,

    /// <summary>The caller may not do this with this resource (403).</summary>
    Forbidden,

    /// <summary>No such resource for this caller (404); other agencies' resources look the same.</summary>
    NotFound,

    /// <summary>The resource is in a state that forbids the action (409).</summary>
    Conflict,

    /// <summary>The resource expired (410).</summary>
    Gone,

    /// <summary>The input is larger than a configured limit (413).</summary>
    TooLarge,

    /// <summary>The resource is locked until someone unlocks it, such as a signing credential after wrong PINs (423).</summary>
    Locked,

    /// <summary>The input's media type is not accepted (415).</summary>
    UnsupportedMediaType,

    /// <summary>The input is well-formed but cannot be processed: a broken PDF, a wrong signature (422).</summary>
    Unprocessable,

    /// <summary>A device or service the operation needs is unavailable; retry later (503).</summary>
    Unavailable,

    /// <summary>Too many attempts from this caller; retry after the time given (429).</summary>
    Throttled,
}

/// <summary>
/// An expected failure of an operation, in words for the caller. Services return it (they know no HTTP);
/// <see cref="ProblemMap"/> turns it into RFC 7807 problem details.
/// </summary>
/// <param name="Kind">The kind, which decides the status.</param>
/// <param name="Code">A stable, kebab-case name of the problem; the problem's <c>type</c> is built from it.</param>
/// <param name="Title">A short summary that does not vary between occurrences.</param>
/// <param name="Detail">What went wrong this time. Never a PIN, key, stack trace or device message.</param>
public sealed record Failure(FailureKind Kind, string Code, string Title, string Detail)
{
    /// <summary>The input field at fault, reported in the problem's <c>errors</c>; null when no one field is.</summary>
    public string? Field { get; init; }

    /// <summary>Seconds after which a retry may succeed, sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A 400 failure for a malformed or missing input.</summary>
    public static Failure BadInput(string title, string detail, string? field = null)
        => new(FailureKind.BadInput, "bad-input", title, detail) { Field = field };

    /// <summary>Wraps the failure as a failed <see cref="Result{T}"/>.</summary>
    public Result<T> As<T>() => new(default, this);
}

/// <summary>A value, or the failure that explains why there is none.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value when the operation succeeded.</param>
/// <param name="Failure">The failure when it did not.</param>
public readonly record struct Result<T>(T? Value, Failure? Failure)
{
    /// <summary>True when there is a value.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>A successful result.</summary>
    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>A failed result.</summary>
    public static implicit operator Result<T>(Failure failure) => new(default, failure);
}
