using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Signing.Storage;

namespace Signing.Api.Hosting;

/// <summary>
/// Maps exceptions that escape an endpoint to RFC 7807 problem details. Bad input gets its 4xx with a
/// plain message; anything unexpected gets a 500 that carries a trace id and never a stack trace.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            context.Response.StatusCode = 499;
            return true;
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                => (StatusCodes.Status413PayloadTooLarge, "Payload too large", bad.Message),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            Signing.Pdf.Signatures.SignatureNotPermittedException => (StatusCodes.Status409Conflict, "Signing not permitted", exception.Message),
            Signing.Pdf.Signatures.LtvDataUnavailableException
                => (StatusCodes.Status503ServiceUnavailable, "Validation data unavailable", exception.Message),
            StorageBusyException => (StatusCodes.Status503ServiceUnavailable, "Service busy", "The service is overloaded; try again shortly."),
            JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON."),
            InvalidDataException invalid => (StatusCodes.Status400BadRequest, "Malformed request", invalid.Message),
            // Token errors name modules, labels and PIN states: callers get a generic answer, operators the log.
            Signing.Pkcs11.Pkcs11Exception or Signing.Pkcs11.Pkcs11TokenException
                => (StatusCodes.Status503ServiceUnavailable, "Signing device unavailable", "The signing device could not be used; try again later."),
            Signing.Pki.MalformedPkiDataException => (StatusCodes.Status422UnprocessableEntity, "Unprocessable cryptographic data", exception.Message),
            CryptographicException => (StatusCodes.Status422UnprocessableEntity, "Unprocessable cryptographic data", "The cryptographic data could not be processed."),
            System.Data.Common.DbException db when IsUniqueViolation(db)
                => (StatusCodes.Status409Conflict, "Conflict", "A record with the same unique value already exists."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server could not complete the request. Quote the trace id when reporting it."),
        };

        if (status >= 500 || exception is Signing.Pkcs11.Pkcs11Exception or Signing.Pkcs11.Pkcs11TokenException)
        {
            LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        if (exception is StorageBusyException)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = null,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static bool IsUniqueViolation(System.Data.Common.DbException exception) => exception switch
    {
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
