using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Hosting;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Audit;

/// <summary>
/// Writes the one audit record of an audited endpoint, whichever way its handler ends: success for a 2xx answer,
/// denied for a 4xx, failure for a 5xx or an exception. The record is appended before the answer is sent, so no
/// signature leaves without its record; if the append fails, the request fails. For a request with an Idempotency-Key
/// the record is handed to <see cref="IdempotencyMiddleware"/>, which commits it with the stored reply, before the
/// reply leaves.
/// </summary>
public sealed class AuditedEndpointFilter(string action, AuditLog audit, ILogger<AuditedEndpointFilter> logger) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var trail = AuditTrail.Of(http);
        trail.Action = action;
        trail.SuccessEntry = written => Entry(http, written, StatusCodes.Status200OK, null);
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            var failure = ProblemMap.Classify(exception, logger);
            var status = failure is null ? StatusCodes.Status500InternalServerError : ProblemMap.StatusOf(failure.Kind);
            await AppendAsync(http, trail, status, failure?.Title ?? "Internal error");
            throw;
        }

        var (statusCode, title) = Describe(result);
        if (trail.SuccessRecorded && statusCode < 400)
        {
            return result;
        }

        await AppendAsync(http, trail, statusCode, title, deferrable: true);
        return result;
    }

    private static AuditEntry Entry(HttpContext http, AuditTrail trail, int status, string? title)
    {
        var outcome = status switch
        {
            < 400 => AuditOutcome.Success,
            < 500 => AuditOutcome.Denied,
            _ => AuditOutcome.Failure,
        };
        var details = outcome == AuditOutcome.Success ? trail.Details : $"{trail.Details}; status={status}; {title}";
        var entry = http.AuditEntry(trail.Action, trail.Target, outcome, details, trail.AgencyId);
        return trail.Actor is null ? entry : entry with { Actor = trail.Actor };
    }

    private Task AppendAsync(HttpContext http, AuditTrail trail, int status, string? title, bool deferrable = false)
    {
        var entry = Entry(http, trail, status, title);
        if (deferrable && IdempotencyMiddleware.AuditOf(http) is { } idempotent)
        {
            idempotent.Entries.Add(entry);
            return Task.CompletedTask;
        }

        return audit.AppendAsync(entry, http.RequestAborted.IsCancellationRequested
            ? CancellationToken.None
            : http.RequestAborted);
    }

    // Results<A, B> wraps the handler's real answer; a file or content result carries no status and means 200.
    private static (int Status, string? Title) Describe(object? result) => result switch
    {
        INestedHttpResult nested => Describe(nested.Result),
        ProblemHttpResult problem => (problem.StatusCode, problem.ProblemDetails.Title),
        IStatusCodeHttpResult { StatusCode: { } status } => (status, null),
        _ => (StatusCodes.Status200OK, null),
    };
}

/// <summary>Marks endpoints as audited.</summary>
public static class AuditedEndpoints
{
    /// <summary>Audits every call of the endpoint as <paramref name="action"/> through <see cref="AuditedEndpointFilter"/>.</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder endpoint, string action)
        => endpoint.AddEndpointFilterFactory((factory, next) =>
        {
            var filter = ActivatorUtilities.CreateInstance<AuditedEndpointFilter>(factory.ApplicationServices, action);
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
