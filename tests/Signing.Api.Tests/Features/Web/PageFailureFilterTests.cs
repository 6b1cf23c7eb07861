using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Signing.Api.Features.Web;
using Signing.Storage;

namespace Signing.Api.Tests.Features.Web;

/// <summary>A page handler's exception becomes the status that the error page then explains, as the APIs map it.</summary>
public sealed class PageFailureFilterTests
{
    [Fact]
    public void ExpectedFailures_KeepTheirStatus_UnexpectedOnesAre500_AndAnAbandonedRequestIsNotAnError()
    {
        var busy = Run(new StorageBusyException("The database is busy."));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, busy.Status);
        Assert.Equal("5", busy.Context.HttpContext.Response.Headers.RetryAfter.ToString());

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, Run(new global::Signing.Pdf.PdfFormatException("broken")).Status);
        Assert.Equal(StatusCodes.Status500InternalServerError, Run(new InvalidOperationException("bug")).Status);

        using var abandoned = new CancellationTokenSource();
        abandoned.Cancel();
        Assert.Equal(499, Run(new OperationCanceledException(abandoned.Token), abandoned.Token).Status);
    }

    private static (int Status, ExceptionContext Context) Run(Exception exception, CancellationToken aborted = default)
    {
        var http = new DefaultHttpContext { RequestAborted = aborted };
        var context = new ExceptionContext(new ActionContext(http, new RouteData(), new ActionDescriptor()), []) { Exception = exception };
        new PageFailureFilter(NullLogger<PageFailureFilter>.Instance).OnException(context);
        Assert.True(context.ExceptionHandled);
        return (Assert.IsType<StatusCodeResult>(context.Result).StatusCode, context);
    }
}
