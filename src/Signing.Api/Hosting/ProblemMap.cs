using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Pkcs11;
using Signing.Pki;
using Signing.Pki.Timestamping;
using Signing.Storage;

namespace Signing.Api.Hosting;

/// <summary>
/// The one map from failures to RFC 7807 problem details: which exceptions are expected and what each means for
/// the caller, and which HTTP status each kind of <see cref="Failure"/> gets. Messages from tokens and crypto
/// libraries name modules, slots and PIN states: they go to the log, and callers get a stable problem type, a fixed
/// sentence and the trace id to quote.
/// </summary>
public static partial class ProblemMap
{
    /// <summary>The prefix of every problem <c>type</c>: a URN, so no client expects to dereference it.</summary>
    public const string TypePrefix = "urn:signing:problem:";

    /// <summary>Seconds a client should wait after the database refused a write turn.</summary>
    public const int BusyRetryAfterSeconds = 5;

    /// <summary>The failure an expected exception stands for, or null for an unexpected one (a 500).</summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="logger">Where the hidden messages of token and crypto failures go.</param>
    public static Failure? Classify(Exception exception, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failure = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad
                => new Failure(FailureKind.TooLarge, "payload-too-large", "Payload too large", bad.Message),
            BadHttpRequestException bad => new Failure(FailureKind.BadInput, "bad-request", "Bad request", bad.Message),
            JsonException => new Failure(FailureKind.BadInput, "malformed-json", "Malformed JSON", "The request body is not valid JSON."),
            InvalidDataException invalid => new Failure(FailureKind.BadInput, "malformed-request", "Malformed request", invalid.Message),
            PdfPageLimitException => new Failure(FailureKind.TooLarge, "too-many-pages", "Too many pages", $"{exception.Message} (Limits:MaxPages)."),
            PdfResourceLimitException limit => new Failure(FailureKind.Unprocessable, "resource-limit", "Resource limit reached",
                $"{limit.Message} The limit is {limit.Limit} ({(limit.Resource == PdfResource.DecodedBytes ? "Limits:MaxDecodedBytes" : "Limits:MaxParseOperations")})."),
            PdfEncryptedException => new Failure(FailureKind.Unprocessable, "encrypted-pdf", "Encrypted PDF",
                "The PDF is encrypted; remove the encryption before signing. " + exception.Message),
            PdfFormatException => new Failure(FailureKind.Unprocessable, "malformed-pdf", "Malformed PDF", exception.Message),
            SignatureOutsidePageException => new Failure(FailureKind.Unprocessable, "signature-outside-page", "Signature outside the page", exception.Message)
            {
                Field = "rect",
            },
            SignatureNotPermittedException => new Failure(FailureKind.Conflict, "signing-not-permitted", "Signing not permitted", exception.Message),
            LtvDataUnavailableException => new Failure(FailureKind.Unavailable, "validation-data-unavailable", "Validation data unavailable", exception.Message),
            TimestampAuthorityException => new Failure(FailureKind.Unavailable, "tsa-unavailable", "Time-stamping authority unavailable", exception.Message),
            StorageBusyException => new Failure(FailureKind.Unavailable, "service-busy", "Service busy", "The service is overloaded; try again shortly.")
            {
                RetryAfterSeconds = BusyRetryAfterSeconds,
            },
            Pkcs11Exception or Pkcs11TokenException or Features.Tokens.TokenNotConfiguredException => TokenUnavailable(),
            MalformedPkiDataException => new Failure(FailureKind.Unprocessable, "unprocessable-crypto-data", "Unprocessable cryptographic data", exception.Message),
            CryptographicException => new Failure(FailureKind.Unprocessable, "unprocessable-crypto-data", "Unprocessable cryptographic data",
                "The cryptographic data could not be processed."),
            System.Data.Common.DbException db when Database.IsUniqueViolation(db)
                => new Failure(FailureKind.Conflict, "conflict", "Conflict", "A record with the same unique value already exists."),
            _ => null,
        };

        if (failure is { Code: "token-unavailable" or "unprocessable-crypto-data" } && exception is not MalformedPkiDataException)
        {
            LogHidden(logger, exception, failure.Code);
        }

        return failure;
    }

    /// <summary>The answer when a token or HSM cannot be used: the reason is in the log, never in the reply.</summary>
    public static Failure TokenUnavailable() => new(FailureKind.Unavailable, "token-unavailable", "Token not available",
        "The signing device could not be used; try again later, or quote the trace id to the operator.")
    {
        // The binding retries a missing token every 2 s (Pkcs11TokenOptions.RecoveryRetryInterval), so a client that
        // waits this long asks a reconnected token or gets the same answer without touching the module again.
        RetryAfterSeconds = TokenRetryAfterSeconds,
    };

    /// <summary>The <c>Retry-After</c> of a token-unavailable answer, in seconds.</summary>
    public const int TokenRetryAfterSeconds = 2;

    /// <summary>The HTTP status of a kind of failure.</summary>
    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.BadInput => StatusCodes.Status400BadRequest,
        FailureKind.Forbidden => StatusCodes.Status403Forbidden,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Gone => StatusCodes.Status410Gone,
        FailureKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        FailureKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        FailureKind.Locked => StatusCodes.Status423Locked,
        FailureKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        FailureKind.Throttled => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// The problem details of <paramref name="failure"/>, with <c>Retry-After</c> set on the response when the failure
    /// names one. The trace id is added by the problem-details service for every problem.
    /// </summary>
    public static ProblemHttpResult ToProblem(this Failure failure, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(context);
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(Details(failure));
    }

    /// <summary>The problem details of <paramref name="failure"/>.</summary>
    public static Microsoft.AspNetCore.Mvc.ProblemDetails Details(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusOf(failure.Kind),
            Type = TypePrefix + failure.Code,
            Title = failure.Title,
            Detail = failure.Detail,
        };
        if (failure.Field is { } field)
        {
            details.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [failure.Detail] };
        }

        return details;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Answered {Code}; the cause is not shown to the caller")]
    private static partial void LogHidden(ILogger logger, Exception exception, string code);
}
