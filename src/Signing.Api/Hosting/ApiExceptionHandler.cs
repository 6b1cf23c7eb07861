using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Signing.Api.Hosting;

/// <summary>
/// Answers exceptions that escape an endpoint with RFC 7807 problem details through <see cref="ProblemMap"/>: bad input
/// gets its 4xx, anything unexpected a 500 that carries a trace id and never a stack trace.
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

        var failure = ProblemMap.Classify(exception, logger);
        ProblemDetails details;
        if (failure is null)
        {
            LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
            details = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemMap.TypePrefix + "internal-error",
                Title = "Internal error",
                Detail = "The server could not complete the request. Quote the trace id when reporting it.",
            };
        }
        else
        {
            details = ProblemMap.Details(failure);
            if (failure.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        context.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = null,
            ProblemDetails = details,
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
