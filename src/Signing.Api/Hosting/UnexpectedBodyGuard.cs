using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Signing.Api.Features.Web;

namespace Signing.Api.Hosting;

/// <summary>
/// Answers 415 when a request carries a body, or says it does with a <c>Content-Type</c>, to an API operation that takes
/// none (disable a key, create an API key, sign out). Accepting any content type there is what lets a plain HTML form
/// on another site reach them; an operation that reads a body declares its media types (<c>Accepts</c> metadata, which
/// minimal APIs add for body parameters), and everything else refuses one. Web pages have their own forms and
/// antiforgery tokens and are not checked here.
/// </summary>
public sealed class UnexpectedBodyGuard(RequestDelegate next, IProblemDetailsService problems)
{
    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var carriesBody = request.ContentType is not null || request.ContentLength > 0
            || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (carriesBody
            && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && !WebPaths.IsPage(request.Path)
            && context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is null)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Type = ProblemMap.TypePrefix + "unexpected-body",
                    Title = "Unsupported media type",
                    Detail = $"{request.Method} {request.Path} takes no request body; send it without a body and without Content-Type.",
                },
            });
            return;
        }

        await next(context);
    }
}
