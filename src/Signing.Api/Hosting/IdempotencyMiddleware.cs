using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Signing.Api.Features.Auth;
using Signing.Storage;
using Signing.Storage.Audit;
using Signing.Storage.Idempotency;
using Signing.Storage.Results;

namespace Signing.Api.Hosting;

/// <summary>
/// Makes POST requests that carry an <c>Idempotency-Key</c> header safe to retry, and never signs twice for one key:
/// <list type="bullet">
/// <item>The reply is held back until it is stored, and stored in the same transaction as the request's audit record:
/// after a crash either both exist (a retry replays) or neither does (a retry runs), and nothing left the service.</item>
/// <item>A reply up to <see cref="LimitsOptions.MaxIdempotentReplyBytes"/> is replayed (header
/// <c>Idempotent-Replayed: true</c>); a larger one is stored by id and a retry gets 409 "reply too large to replay; fetch
/// it at /api/v1/results/{id}", never a second signature.</item>
/// <item>A claim belongs to this node (<see cref="NodeIdentity"/>); when the node stops renewing its heartbeat (it
/// crashed), a retry takes the key over within <see cref="LimitsOptions.NodeDeadAfter"/>.</item>
/// <item>A different request under the same key gets 422; a retry while the first still runs gets 409.</item>
/// </list>
/// </summary>
public sealed partial class IdempotencyMiddleware(
    RequestDelegate next, IdempotencyStore store, StoredResultStore results, AuditLog audit, Database database, NodeIdentity node,
    IOptions<LimitsOptions> limits, IProblemDetailsService problems, ILogger<IdempotencyMiddleware> logger)
{
    /// <summary>The request header.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Set on replayed replies.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Where a stored result is fetched: <c>/api/v1/results/{id}</c>.</summary>
    public const string ResultsPath = "/api/v1/results/";

    // Replies up to this size wait in memory for their turn to be stored; larger ones in a private scratch file.
    private const int InMemoryReplyBytes = 4 * 1024 * 1024;

    private static readonly string[] ReplayedHeaders = ["Location", "Content-Disposition", "X-Signature-Id", "X-Operation-Id"];

    /// <summary>
    /// Marks the reply as one that must never be stored for replay (it carries a secret, such as a new API key): the key is
    /// released instead, and a retry runs again.
    /// </summary>
    public static void DoNotStore(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[typeof(NotReplayable)] = NotReplayable.Instance;
    }

    /// <summary>
    /// The audit records of the current request that must commit with its stored reply, when the request carries an
    /// Idempotency-Key; null otherwise (append them as usual).
    /// </summary>
    public static IdempotentAudit? AuditOf(HttpContext context) => context?.Features.Get<IdempotentAudit>();

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
        var options = limits.Value;
        var (claim, reply) = await store.ClaimAsync(principal, key, requestHash, options.IdempotencyWindow, options.IdempotencyLease,
            node.Id, options.NodeDeadAfter, context.RequestAborted);
        switch (claim)
        {
            case IdempotencyStore.Claim.Replay when reply!.ResultId is { } resultId:
                context.Response.Headers.Location = ResultsPath + resultId;
                await WriteProblemAsync(context, StatusCodes.Status409Conflict,
                    $"The reply is too large to replay (over {options.MaxIdempotentReplyBytes} bytes, Limits:MaxIdempotentReplyBytes); fetch it at {ResultsPath}{resultId}.",
                    "reply-too-large-to-replay", ResultsPath + resultId);
                return;
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
        await using var buffer = new ReplyBuffer(InMemoryReplyBytes);
        var deferred = new IdempotentAudit();
        context.Response.Body = buffer;
        context.Features.Set(deferred);
        var stored = false;
        try
        {
            await next(context);
            // A reply marked no-store by its endpoint (it carries a secret, such as a new API key) is never kept either.
            var noStore = context.Items.ContainsKey(typeof(NotReplayable))
                || context.Response.Headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase);
            if (context.Response.StatusCode < 500 && !noStore)
            {
                await StoreAsync(context, principal, key, buffer, deferred);
                stored = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            context.Features.Set<IdempotentAudit>(null);
            if (!stored)
            {
                await ReleaseAsync(principal, key, deferred);
            }
        }

        // Only now, with the reply stored (or released), does a byte go to the client.
        buffer.Rewind();
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>
    /// Stores the reply (inline, or as a stored result when it is too large) and the request's audit records in one
    /// transaction.
    /// </summary>
    private async Task StoreAsync(HttpContext context, string principal, string key, ReplyBuffer buffer, IdempotentAudit deferred)
    {
        var response = context.Response;
        var headers = JsonSerializer.Serialize(ReplayedHeaders
            .Where(name => response.Headers.ContainsKey(name))
            .ToDictionary(name => name, name => response.Headers[name].ToString()));
        IdempotentReply reply;
        if (buffer.Length <= limits.Value.MaxIdempotentReplyBytes)
        {
            reply = new IdempotentReply(response.StatusCode, response.ContentType, headers, await buffer.ToArrayAsync(CancellationToken.None));
        }
        else
        {
            var resultId = FirstHeader(response, "X-Signature-Id", "X-Operation-Id") ?? TimeOrderedIds.New();
            buffer.Rewind();
            await results.SaveAsync(resultId, principal, response.ContentType, headers, buffer, CancellationToken.None);
            response.Headers.ContentLocation = ResultsPath + resultId;
            reply = new IdempotentReply(response.StatusCode, response.ContentType, headers, null) { ResultId = resultId };
        }

        await using var transaction = await database.BeginWriteAsync($"idempotency:{principal}", CancellationToken.None);
        foreach (var entry in deferred.Entries)
        {
            await audit.AppendAsync(transaction, entry, CancellationToken.None);
        }

        await store.CompleteAsync(transaction, principal, key, reply, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        deferred.Entries.Clear();
    }

    private async Task ReleaseAsync(string principal, string key, IdempotentAudit deferred)
    {
        try
        {
            await store.ReleaseAsync(principal, key, CancellationToken.None);
        }
        finally
        {
            // The reply is not kept (a failure, or a secret): its audit records are written on their own.
            foreach (var entry in deferred.Entries)
            {
                try
                {
                    await audit.AppendAsync(entry, CancellationToken.None);
                }
                catch (Exception exception) when (exception is System.Data.Common.DbException or StorageBusyException)
                {
                    LogAuditLost(logger, exception, entry.Action);
                }
            }
        }
    }

    private static string? FirstHeader(HttpResponse response, params string[] names)
        => names.Select(name => response.Headers[name].ToString()).FirstOrDefault(value => value.Length is > 0 and <= 100
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));

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
        request.EnableBuffering(ServiceHosting.UploadMemoryBufferBytes);
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
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task WriteProblemAsync(HttpContext context, int status, string detail, string? code = null, string? location = null)
    {
        context.Response.StatusCode = status;
        var details = new ProblemDetails { Status = status, Title = "Idempotency conflict", Detail = detail };
        if (code is not null)
        {
            details.Type = ProblemMap.TypePrefix + code;
        }

        if (location is not null)
        {
            details.Extensions["location"] = location;
        }

        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details }).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit record of {Action} could not be written")]
    private static partial void LogAuditLost(ILogger logger, Exception exception, string action);

    private sealed class NotReplayable
    {
        public static readonly NotReplayable Instance = new();
    }
}

/// <summary>
/// The audit records of a request that carries an Idempotency-Key, handed to <see cref="IdempotencyMiddleware"/> so that
/// they commit in the same transaction as the stored reply.
/// </summary>
public sealed class IdempotentAudit
{
    /// <summary>The records, in order.</summary>
    public List<AuditEntry> Entries { get; } = [];
}
