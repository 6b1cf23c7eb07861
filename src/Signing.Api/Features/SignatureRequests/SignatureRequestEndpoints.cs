using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.DeskSign;
using Signing.Api.Features.Jobs;
using Signing.Api.Features.Limits;
using Signing.Api.Features.Signing;
using Signing.Api.Hosting;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>
/// <c>/api/v1/signature-requests</c> and <c>/api/v1/register</c>: submit a document along a route, read the boxes, act
/// on steps, and read the register of outgoing documents.
/// </summary>
public static class SignatureRequestEndpoints
{
    /// <summary>The response header carrying the SHA-256 of the document revision sent.</summary>
    public const string DocumentHashHeader = "X-Document-Sha256";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Registers the workflow, its options and its recurring jobs.</summary>
    public static IServiceCollection AddSignatureRequests(this IServiceCollection services)
    {
        services.AddOptions<SignatureRequestOptions>().BindConfiguration(SignatureRequestOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignatureRequestOptions>>(new ProblemListValidator<SignatureRequestOptions>(options => options.Problems()));
        services.AddSingleton<SignatureRequestStore>();
        services.AddSingleton<StepDocuments>();
        services.AddSingleton<SignatureRequestService>();
        services.AddSingleton<IDeskSignedDocumentSink>(provider => provider.GetRequiredService<SignatureRequestService>());
        services.AddSingleton<IJobHandler, RequestScanJob>();
        services.AddSingleton<Demo.IDemoSeed, RequestDemoSeed>();
        services.AddSingleton(provider => new RecurringJob(RequestScanJob.JobKind, provider.GetRequiredService<IOptions<SignatureRequestOptions>>().Value.ScanInterval));
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapSignatureRequestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/signature-requests").WithTags("Signature requests");
        // What parses an uploaded document or reaches the token spends its principal's signing budget
        // (Limits:SignRequestsPerMinute) and the node's signing slots, as /api/v1/sign does: a calling system or a
        // script cannot drive the HSM through the workflow faster than through the sign API.
        group.MapPost("", SubmitAsync).Accepts<IFormFile>("multipart/form-data").Audited("request.submit.http").DisableAntiforgery()
            .RequireRateLimiting(SigningLimits.PolicyName);
        group.MapGet("", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/{id}/document", DocumentAsync);
        group.MapPost("/{id}/steps/{stepId}/prepare", PrepareAsync).Audited("request.prepare").RequireRateLimiting(SigningLimits.PolicyName);
        group.MapPost("/{id}/steps/{stepId}/desk-session", DeskSessionAsync).Audited("request.desk-session").RequireRateLimiting(SigningLimits.PolicyName);
        group.MapPost("/{id}/steps/{stepId}/{action}", ActAsync).Audited("request.step.http").RequireRateLimiting(SigningLimits.PolicyName);
        group.MapPost("/{id}/withdraw", WithdrawAsync).Audited("request.withdraw.http");
        group.MapPost("/{id}/recall", RecallAsync).Audited("request.recall.http");
        group.MapPost("/bulk-sign", BulkSignAsync).Audited("request.bulk-sign").RequireRateLimiting(SigningLimits.PolicyName);
        app.MapGet("/api/v1/register", RegisterAsync).WithTags("Signature requests");
        return app;
    }

    // The service commits each successful action's audit record (request.submit, request.sign, …, with the hashes, key
    // and capacity) in the action's own transaction, so the endpoints mark the trail recorded on success: a second record
    // per action would cost a write transaction and say less. Refusals are still recorded by the filter.
    private static async Task<Results<Created<RequestView>, ProblemHttpResult>> SubmitAsync(
        HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType)
        {
            return new Failure(FailureKind.UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send multipart/form-data: 'request' (JSON metadata), 'document' (the PDF) and any 'attachment' files.").ToProblem(context);
        }

        var read = await UploadForm.ReadAsync(context.Request, ["attachment"], ct);
        if (read.Failure is { } formProblem)
        {
            return formProblem.ToProblem(context);
        }

        var form = read.Value!;
        SubmitMetadata? metadata;
        try
        {
            metadata = form["request"].Count == 1 ? JsonSerializer.Deserialize<SubmitMetadata>(form["request"][0]!, Json) : null;
        }
        catch (JsonException e)
        {
            return Failure.BadInput("Malformed metadata", $"The 'request' field is not valid JSON: {e.Message}", "request").ToProblem(context);
        }

        var documents = form.Files.GetFiles("document");
        if (documents.Count > 1)
        {
            return Failure.BadInput("Several documents", "Send exactly one 'document'; attachments go in 'attachment'.", "document").ToProblem(context);
        }

        var main = documents.Count == 1 ? await ReadAsync(documents[0], ct) : null;
        var attachments = new List<NamedPdf>();
        foreach (var file in form.Files.GetFiles("attachment"))
        {
            attachments.Add(await ReadAsync(file, ct));
        }

        var submitted = await service.SubmitAsync(context.ToActor(), metadata, main, attachments,
            context.Request.Headers[IdempotencyMiddleware.HeaderName].FirstOrDefault(), ct);
        if (submitted.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Target = submitted.Value!.Id;
        trail.Add("sha256", submitted.Value.HeadSha256);
        trail.SuccessRecorded = true;
        return TypedResults.Created($"/api/v1/signature-requests/{submitted.Value.Id}", submitted.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<RequestSummary>>, ProblemHttpResult>> ListAsync(
        HttpContext context, SignatureRequestService service, CancellationToken ct,
        string? box = null, string? state = null, string? q = null, string? urgency = null, string? after = null, int limit = 50)
    {
        var found = await service.ListAsync(context.User.ToActor(), box, state, q, urgency, after, limit, ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, SignatureRequestService service, CancellationToken ct)
    {
        var view = await service.ViewAsync(context.User.ToActor(), id, ct);
        return view.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(view.Value!);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DocumentAsync(
        string id, HttpContext context, SignatureRequestService service, CancellationToken ct, long index = 0, long? revision = null)
    {
        var document = await service.DocumentAsync(context.User.ToActor(), id, index, revision, ct);
        if (document.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        var (content, stored) = document.Value;
        context.Response.Headers[DocumentHashHeader] = stored.Sha256;
        context.Response.Headers["X-Document-Revision"] = stored.Revision.ToString(CultureInfo.InvariantCulture);
        return TypedResults.File(content, "application/pdf", stored.Name);
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> ActAsync(
        string id, string stepId, string action, StepAction? body, HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("step", stepId).Add("action", action).Add("expected", body?.ExpectedSha256);
        return Recorded(await service.ActAsync(context.ToActor(), id, stepId, action, body ?? new StepAction(), ct), trail, context);
    }

    // A successful action's audit record was committed by the service with it (see above).
    private static Results<Ok<RequestView>, ProblemHttpResult> Recorded(Result<RequestView> result, AuditTrail trail, HttpContext context)
    {
        if (result.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.SuccessRecorded = true;
        return TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<Ok<TwoStepEndpoints.PrepareResponse>, ProblemHttpResult>> PrepareAsync(
        string id, string stepId, StepAction? body, HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("step", stepId).Add("expected", body?.ExpectedSha256);
        var prepared = await service.PrepareSignAsync(context.User.ToActor(), id, stepId, body ?? new StepAction(), ct);
        if (prepared.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        var operation = prepared.Value!;
        trail.Add("operation", operation.OperationId);
        return TypedResults.Ok(new TwoStepEndpoints.PrepareResponse(operation.OperationId, Convert.ToBase64String(operation.SignedAttributes), "SHA-256",
            Convert.ToBase64String(operation.DigestToSign), operation.ExpiresAt));
    }

    private static async Task<Results<Ok<DeskSessionLinks>, ProblemHttpResult>> DeskSessionAsync(
        string id, string stepId, StepAction? body, HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("step", stepId).Add("expected", body?.ExpectedSha256);
        var links = await service.StartDeskSessionAsync(context.User.ToActor(), id, stepId, body ?? new StepAction(), DeskSignEndpoints.BaseUrl(context.Request), ct);
        return links.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(links.Value!);
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> WithdrawAsync(
        string id, StepAction? body, HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        return Recorded(await service.WithdrawAsync(context.ToActor(), id, body ?? new StepAction(), ct), trail, context);
    }

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> RecallAsync(
        string id, StepAction? body, HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        return Recorded(await service.RecallAsync(context.ToActor(), id, body ?? new StepAction(), ct), trail, context);
    }

    private static async Task<Results<Ok<IReadOnlyList<BulkOutcome>>, ProblemHttpResult>> BulkSignAsync(
        BulkSignRequest body, HttpContext context, SignatureRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Add("items", (body.Items?.Length ?? 0).ToString(CultureInfo.InvariantCulture));
        var result = await service.BulkSignAsync(context.User.ToActor(), body, ct);
        if (result.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Add("signed", result.Value!.Count(o => o.Status == StatusCodes.Status200OK).ToString(CultureInfo.InvariantCulture));
        return TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<Ok<IReadOnlyList<RegisterEntry>>, FileContentHttpResult, ProblemHttpResult>> RegisterAsync(
        HttpContext context, SignatureRequestService service, Storage.Accounts.AccountStore accounts, TimeProvider clock, CancellationToken ct,
        int? year = null, string? series = null, string? format = null)
    {
        if (format is not (null or "json" or "csv" or "pdf"))
        {
            return Failure.BadInput("Unknown format", "format is json (default), csv or pdf.", "format").ToProblem(context);
        }

        var actor = context.User.ToActor();
        var wantedYear = year ?? clock.GetUtcNow().ToOffset(TimeSpan.FromHours(7)).Year;
        var found = await service.RegisterAsync(actor, wantedYear, series, ct);
        if (found.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        var entries = RegisterExport.Entries(found.Value!);
        return format switch
        {
            "csv" => TypedResults.File(RegisterExport.Csv(entries), "text/csv; charset=utf-8", $"so-van-ban-di-{wantedYear}.csv"),
            "pdf" => TypedResults.File(await RegisterExport.PdfAsync(entries, (await accounts.FindAgencyAsync(actor.AgencyId, ct))!.Name, wantedYear, series, ct),
                "application/pdf", $"so-van-ban-di-{wantedYear}.pdf"),
            _ => TypedResults.Ok(entries),
        };
    }

    private static async Task<NamedPdf> ReadAsync(IFormFile file, CancellationToken ct)
    {
        var content = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(content, ct);
        return new NamedPdf(file.FileName, content);
    }
}
