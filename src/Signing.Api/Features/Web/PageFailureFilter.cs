using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web;

/// <summary>
/// Turns an exception in a page handler into a bare status code, through the same <see cref="ProblemMap"/> as the
/// APIs (a malformed or encrypted PDF is a 422, a busy database a 503 with Retry-After, anything unexpected a 500 that
/// is logged). The status-code pages then show the person <c>/error</c> in their language, with the trace id.
/// </summary>
public sealed partial class PageFailureFilter(ILogger<PageFailureFilter> logger) : IExceptionFilter
{
    /// <inheritdoc />
    public void OnException(ExceptionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        if (context.Exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The person left; there is no one to answer.
            context.Result = new StatusCodeResult(499);
            context.ExceptionHandled = true;
            return;
        }

        var failure = ProblemMap.Classify(context.Exception, logger);
        if (failure is null)
        {
            LogUnhandled(logger, context.Exception, http.Request.Method, http.Request.Path);
        }
        else if (failure.RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        context.Result = new StatusCodeResult(failure is null ? StatusCodes.Status500InternalServerError : ProblemMap.StatusOf(failure.Kind));
        context.ExceptionHandled = true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on page {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
