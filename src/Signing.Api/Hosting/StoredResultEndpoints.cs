using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Auth;
using Signing.Storage.Results;

namespace Signing.Api.Hosting;

/// <summary>
/// <c>GET /api/v1/results/{id}</c>: a reply too large to replay for an Idempotency-Key (a signed PDF), stored by its
/// signature or operation id; only the principal that made the request may fetch it, for the idempotency window.
/// </summary>
public static class StoredResultEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapStoredResultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/results/{id}", FetchAsync).WithTags("Idempotency");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> FetchAsync(
        string id, ClaimsPrincipal user, HttpContext context, StoredResultStore results, CancellationToken ct)
    {
        var result = await results.FindAsync(id, ct);
        if (result is null || result.Principal != user.Subject())
        {
            // Someone else's result looks like none at all.
            return new Failure(FailureKind.NotFound, "result-not-found", "Result not found", $"No stored result '{id}' for you.").ToProblem(context);
        }

        var response = context.Response;
        response.ContentType = result.ContentType ?? "application/octet-stream";
        response.ContentLength = result.Length;
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(result.Headers ?? "{}") ?? [])
        {
            response.Headers[name] = value;
        }

        await results.CopyToAsync(id, response.Body, ct);
        return TypedResults.Empty;
    }
}
