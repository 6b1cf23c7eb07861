using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Hosting;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Dossiers;

/// <summary><c>/api/v1/dossiers</c>: dossiers of GCC requests, their documents, the head's signature, the submission and the answers.</summary>
public static class DossierEndpoints
{
    /// <summary>A due date in working days.</summary>
    /// <param name="From">The day counted from (not itself counted).</param>
    /// <param name="Days">Working days.</param>
    /// <param name="Due">The due day.</param>
    /// <param name="DaysOff">The days off on the way, with why.</param>
    /// <param name="Calendar">Which calendar counted them.</param>
    public sealed record WorkingDaysView(string From, int Days, string Due, IReadOnlyList<CalendarDay> DaysOff, string Calendar);

    /// <summary>Registers the dossiers, the working calendar and the hook into the signature-request workflow.</summary>
    public static IServiceCollection AddDossiers(this IServiceCollection services)
    {
        services.AddOptions<DossierOptions>().BindConfiguration(DossierOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DossierOptions>>(new ProblemListValidator<DossierOptions>(options => options.Problems()));
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<DossierOptions>>().Value.CalendarFile is { Length: > 0 } file
            ? WorkingCalendar.Load(file)
            : WorkingCalendar.Shipped());
        services.AddSingleton<DossierStore>();
        services.AddSingleton<DossierAnswers>();
        services.AddSingleton<DossierService>();
        services.AddSingleton<IRequestCompletionListener, DossierCompletionListener>();
        return services;
    }

    /// <summary>Maps the endpoints (cert-admins and admins).</summary>
    public static IEndpointRouteBuilder MapDossierEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dossiers").WithTags("Dossiers").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapGet("/working-days", WorkingDays);
        group.MapGet("", ListAsync);
        group.MapPost("", CreateAsync).Audited("dossier.create.http");
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/items", AddItemsAsync).Audited("dossier.add.http");
        group.MapDelete("/{id}/items/{requestId}", RemoveItemAsync).Audited("dossier.remove.http");
        group.MapPost("/{id}/items/{requestId}/outcome", OutcomeAsync).Audited("dossier.outcome");
        group.MapGet("/{id}/pdf", PdfAsync);
        group.MapGet("/{id}/csv", CsvAsync);
        group.MapGet("/{id}/xlsx", XlsxAsync);
        group.MapPost("/{id}/send", SendAsync).Audited("dossier.send.http");
        group.MapPost("/{id}/submit", SubmitAsync).Audited("dossier.submit.http");
        group.MapGet("/{id}/package", (string id, HttpContext context, DossierService service, CancellationToken ct) => PackageAsync(id, false, context, service, ct));
        group.MapPost("/{id}/package", (string id, HttpContext context, DossierService service, CancellationToken ct) => PackageAsync(id, true, context, service, ct))
            .Audited("dossier.package");
        group.MapPost("/{id}/answers", AnswersAsync).Accepts<IFormFile>("multipart/form-data", "application/x-pem-file", "application/x-pkcs7-certificates", "application/octet-stream").Audited("dossier.answers").DisableAntiforgery();
        return app;
    }

    private static Results<Ok<WorkingDaysView>, ProblemHttpResult> WorkingDays(HttpContext context, WorkingCalendar calendar, string? from = null, int days = 3)
    {
        if (from is null || !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) || days is < 0 or > 366)
        {
            return Failure.BadInput("Bad query", "from is a yyyy-MM-dd date and days 0 to 366.", "from").ToProblem(context);
        }

        var due = calendar.AddWorkingDays(start, days);
        var off = new List<CalendarDay>();
        for (var day = start.AddDays(1); day <= due; day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day))
            {
                off.Add(new CalendarDay(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), calendar.Why(day) ?? (day.DayOfWeek == DayOfWeek.Saturday ? "Thứ Bảy" : "Chủ nhật")));
            }
        }

        return TypedResults.Ok(new WorkingDaysView(from, days, due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), off, calendar.Source));
    }

    private static async Task<Results<Ok<IReadOnlyList<DossierSummary>>, ProblemHttpResult>> ListAsync(
        HttpContext context, DossierService service, CancellationToken ct, string? state = null, bool overdue = false, int limit = 100)
    {
        var found = await service.ListAsync(context.User.ToActor(), state, overdue, limit, ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Created<DossierView>, ProblemHttpResult>> CreateAsync(
        CreateDossierRequest body, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        var created = await service.CreateAsync(context.User.ToActor(), body, ct);
        if (created.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Target = created.Value!.Id;
        return TypedResults.Created($"/api/v1/dossiers/{created.Value.Id}", created.Value);
    }

    private static async Task<Results<Ok<DossierView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, DossierService service, CancellationToken ct)
        => Answer(await service.ViewAsync(context.User.ToActor(), id, ct), context);

    private static async Task<Results<Ok<DossierView>, ProblemHttpResult>> AddItemsAsync(
        string id, DossierItemsRequest body, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        return Answer(await service.AddItemsAsync(context.User.ToActor(), id, body, ct), context);
    }

    private static async Task<Results<Ok<DossierView>, ProblemHttpResult>> RemoveItemAsync(
        string id, string requestId, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("request", requestId);
        return Answer(await service.RemoveItemAsync(context.User.ToActor(), id, requestId, ct), context);
    }

    private static async Task<Results<Ok<DossierView>, ProblemHttpResult>> OutcomeAsync(
        string id, string requestId, ItemOutcomeRequest body, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("request", requestId).Add("outcome", body.Outcome);
        return Answer(await service.SetOutcomeAsync(context.User.ToActor(), id, requestId, body, ct), context);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PdfAsync(string id, HttpContext context, DossierService service, CancellationToken ct)
    {
        var pdf = await service.PdfAsync(context.User.ToActor(), id, ct);
        return pdf.Failure is { } failure ? failure.ToProblem(context) : TypedResults.File(pdf.Value!, "application/pdf", $"ho-so-{DossierDocuments.ShortCode(id)}.pdf");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CsvAsync(string id, HttpContext context, DossierService service, CancellationToken ct)
    {
        var rows = await service.RowsAsync(context.User.ToActor(), id, ct);
        return rows.Failure is { } failure ? failure.ToProblem(context)
            : TypedResults.File(DossierDocuments.Csv(rows.Value!), "text/csv; charset=utf-8", $"ho-so-{DossierDocuments.ShortCode(id)}.csv");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> XlsxAsync(string id, HttpContext context, DossierService service, CancellationToken ct)
    {
        var rows = await service.RowsAsync(context.User.ToActor(), id, ct);
        return rows.Failure is { } failure ? failure.ToProblem(context)
            : TypedResults.File(DossierDocuments.Xlsx(rows.Value!), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                $"ho-so-{DossierDocuments.ShortCode(id)}.xlsx");
    }

    private static async Task<Results<Ok<DossierView>, ProblemHttpResult>> SendAsync(
        string id, SendDossierRequest body, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("head", body.Head);
        var sent = await service.SendAsync(context.User.ToActor(), id, body, ct);
        if (sent.Value is { } view)
        {
            trail.Add("request", view.SignatureRequestId);
        }

        return Answer(sent, context);
    }

    private static async Task<Results<Ok<DossierView>, ProblemHttpResult>> SubmitAsync(
        string id, SubmitDossierRequest body, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("dispatch", body.DispatchNumber).Add("date", body.DispatchDate);
        return Answer(await service.SubmitAsync(context.User.ToActor(), id, body, ct), context);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PackageAsync(
        string id, bool submit, HttpContext context, DossierService service, CancellationToken ct)
    {
        if (submit)
        {
            AuditTrail.Of(context).Target = id;
        }

        var package = await service.PackageAsync(context.User.ToActor(), id, submit, ct);
        return package.Failure is { } failure ? failure.ToProblem(context) : TypedResults.File(package.Value.Zip, "application/zip", package.Value.Name);
    }

    private static async Task<Results<Ok<AnswerReport>, ProblemHttpResult>> AnswersAsync(
        string id, HttpContext context, DossierService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        var file = await UploadedFile.ReadAsync(context.Request, ct);
        if (file is null)
        {
            return Failure.BadInput("Missing file", "Send the GCC's certificates (PEM, DER or P7B) as the multipart part 'file', or as the request body.", "file")
                .ToProblem(context);
        }

        var report = await service.ImportAnswersAsync(context.User.ToActor(), id, file.Content, ct);
        if (report.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Add("matched", report.Value!.Matched.ToString(CultureInfo.InvariantCulture)).Add("unmatched", report.Value.Problems.Count.ToString(CultureInfo.InvariantCulture))
            .Add("state", report.Value.DossierState);
        return TypedResults.Ok(report.Value);
    }

    private static Results<Ok<DossierView>, ProblemHttpResult> Answer(Result<DossierView> result, HttpContext context)
        => result.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(result.Value!);
}
