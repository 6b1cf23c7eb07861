using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Signing.Api.Hosting;

/// <summary>
/// Refuses request bodies above <see cref="LimitsOptions.MaxDocumentBytes"/> with 413 before any
/// handler reads them: at once when Content-Length says so, and while streaming otherwise.
/// </summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> options, IProblemDetailsService problems)
{
    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxDocumentBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Payload too large",
                    Detail = $"The request body is {context.Request.ContentLength} bytes; the limit is {limit} bytes (Limits:MaxDocumentBytes).",
                },
            });
            return;
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        else if (sizeFeature is null)
        {
            // Servers without the feature (in-process hosts) get the same limit on the stream itself.
            context.Request.Body = new BoundedRequestStream(context.Request.Body, limit);
        }

        await next(context);
    }
}
