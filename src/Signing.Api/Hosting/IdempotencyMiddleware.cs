using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Signing.Api.Features.Auth;
using Signing.Storage.Idempotency;

namespace Signing.Api.Hosting;

/// <summary>
/// Makes POST requests that carry an <c>Idempotency-Key</c> header safe to retry: the first reply is
/// stored and replayed for the same principal, key and request; a different request under the same
/// key gets 422, and a retry while the first is still running gets 409.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, IOptions<LimitsOptions> limits, IProblemDetailsService problems)
{
    /// <summary>The request header.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Set on replayed replies.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    private static readonly string[] ReplayedHeaders = ["Location", "Content-Disposition", "X-Signature-Id", "X-Operation-Id"];

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var principal = context.User.Subject();
        if (!HttpMethods.IsPost(context.Request.Method)
            || !context.Request.Headers.TryGetValue(HeaderName, out var keyValues)
            || principal is null)
        {
            await next(context);
            return;
        }

        var key = keyValues.ToString();
        if (key.Length is 0 or > 200)
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Idempotency-Key must be 1 to 200 characters.");
            return;
        }

        var requestHash = await FingerprintAsync(context.Request, context.RequestAborted);
        var window = limits.Value.IdempotencyWindow;
        var (claim, reply) = await store.ClaimAsync(principal, key, requestHash, window, limits.Value.IdempotencyLease, context.RequestAborted);
        switch (claim)
        {
            case IdempotencyStore.Claim.Replay:
                await ReplayAsync(context, reply!);
                return;
            case IdempotencyStore.Claim.InProgress:
                context.Response.Headers.RetryAfter = "1";
                await WriteProblemAsync(context, StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still being processed.");
                return;
            case IdempotencyStore.Claim.Mismatch:
                await WriteProblemAsync(context, StatusCodes.Status422UnprocessableEntity,
                    "This Idempotency-Key was already used for a different request.");
                return;
        }

        var original = context.Response.Body;
        using var recorder = new ReplyRecordingStream(original, limits.Value.MaxIdempotentReplyBytes);
        context.Response.Body = recorder;
        var completed = false;
        try
        {
            await next(context);
            // A reply marked no-store (it carries a secret, such as a new API key) is never kept.
            var noStore = context.Response.Headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase);
            if (context.Response.StatusCode < 500 && !recorder.Overflowed && !noStore)
            {
                var headers = ReplayedHeaders
                    .Where(name => context.Response.Headers.ContainsKey(name))
                    .ToDictionary(name => name, name => context.Response.Headers[name].ToString());
                await store.CompleteAsync(principal, key, new IdempotentReply(
                    context.Response.StatusCode, context.Response.ContentType,
                    JsonSerializer.Serialize(headers), recorder.Recorded()), CancellationToken.None);
                completed = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            if (!completed)
            {
                await store.ReleaseAsync(principal, key, CancellationToken.None);
            }
        }
    }

    private static async Task ReplayAsync(HttpContext context, IdempotentReply reply)
    {
        context.Response.StatusCode = (int)reply.StatusCode;
        if (reply.ContentType is not null)
        {
            context.Response.ContentType = reply.ContentType;
        }

        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(reply.Headers ?? "{}") ?? [])
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers[ReplayedHeader] = "true";
        if (reply.Body is { Length: > 0 } body)
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    // The method, path, query and content: for multipart bodies the parts' headers and bytes, not the boundary, which
    // most clients pick at random for every attempt, so a retry of the same upload is recognised as the same request.
    private static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var boundary = MultipartBoundary(request.ContentType);
        var mediaType = boundary is null ? request.ContentType : "multipart/form-data";
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString} {mediaType}\n"));
        if (boundary is null || !await TryAppendPartsAsync(hash, request.Body, boundary, ct))
        {
            request.Body.Position = 0;
            await AppendAsync(hash, request.Body, ct);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string? MultipartBoundary(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(parsed.Boundary).Value is { Length: > 0 and <= 200 } boundary
                ? boundary
                : null;

    private static async Task<bool> TryAppendPartsAsync(IncrementalHash hash, Stream body, string boundary, CancellationToken ct)
    {
        try
        {
            var reader = new MultipartReader(boundary, body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                foreach (var (name, value) in (section.Headers ?? []).OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
                {
                    hash.AppendData(Encoding.UTF8.GetBytes($"{name.ToLowerInvariant()}: {value}\n"));
                }

                await AppendAsync(hash, section.Body, ct);
                hash.AppendData("\n--part--\n"u8);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // Not well-formed multipart: the raw bytes identify it; the endpoint will say what is wrong.
            return false;
        }
    }

    private static async Task AppendAsync(IncrementalHash hash, Stream stream, CancellationToken ct)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }

    private Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = "Idempotency conflict", Detail = detail },
        }).AsTask();
    }
}
