using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Hosting;
using Signing.Storage.Agencies;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Mergers;

/// <summary><c>/api/v1/mergers</c>: the merger wizard; and <c>/api/v1/agencies/{id}/history</c>, an agency's codes and names over time.</summary>
public static class MergerEndpoints
{
    /// <summary>Registers the wizard and the merge itself.</summary>
    public static IServiceCollection AddMergers(this IServiceCollection services)
    {
        services.AddSingleton<MergerStore>();
        services.AddSingleton<AgencyStore>();
        services.AddSingleton<MergerCompletion>();
        services.AddSingleton<MergerService>();
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapMergerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/mergers").WithTags("Mergers").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapGet("", ListAsync);
        group.MapPost("", CreateAsync).Audited("merger.create");
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}", UpdateAsync).Audited("merger.update");
        group.MapPost("/{id}/mapping", MappingAsync).Accepts<IFormFile>("multipart/form-data", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").Audited("merger.mapping").DisableAntiforgery();
        group.MapPost("/{id}/confirm", ConfirmAsync).Audited("merger.confirm.http");
        group.MapPost("/{id}/complete", CompleteAsync).Audited("merger.complete.http");
        app.MapGet("/api/v1/agencies/{agencyId}/history", HistoryAsync).WithTags("Accounts");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<MergerView>>, ProblemHttpResult>> ListAsync(HttpContext context, MergerService service, CancellationToken ct)
    {
        var found = await service.ListAsync(context.User.ToActor(), ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Created<MergerView>, ProblemHttpResult>> CreateAsync(
        MergerInput body, HttpContext context, MergerService service, AuditTrail trail, CancellationToken ct)
    {
        var created = await service.CreateAsync(context.User.ToActor(), body, ct);
        if (created.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Target = created.Value!.Id;
        trail.Add("total", created.Value.Plan.Counts.Total.ToString(CultureInfo.InvariantCulture));
        return TypedResults.Created($"/api/v1/mergers/{created.Value.Id}", created.Value);
    }

    private static async Task<Results<Ok<MergerView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, MergerService service, CancellationToken ct)
        => Answer(await service.GetAsync(context.User.ToActor(), id, ct), context);

    private static async Task<Results<Ok<MergerView>, ProblemHttpResult>> UpdateAsync(
        string id, MergerInput body, HttpContext context, MergerService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        return Answer(await service.UpdateAsync(context.User.ToActor(), id, body, ct), context);
    }

    private static async Task<Results<Ok<MergerView>, ProblemHttpResult>> MappingAsync(
        string id, HttpContext context, MergerService service, AuditTrail trail, CancellationToken ct, string? format = null)
    {
        trail.Target = id;
        var file = await UploadedFile.ReadAsync(context.Request, ct);
        if (file is null)
        {
            return Failure.BadInput("Missing file", "Send the mapping (CSV or XLSX) as the multipart part 'file', or as the request body.", "file").ToProblem(context);
        }

        var resolved = format ?? file.Field("format") ?? TableFile.FormatOf(file.Name, file.ContentType, file.Content);
        if (resolved is null || !TableFile.Formats.Contains(resolved))
        {
            return Failure.BadInput("Unknown format", "The mapping is csv or xlsx: name the file .csv or .xlsx, or give format.", "format").ToProblem(context);
        }

        return Answer(await service.ImportMappingAsync(context.User.ToActor(), id, file.Content, resolved, ct), context);
    }

    private static async Task<Results<Ok<MergerView>, ProblemHttpResult>> ConfirmAsync(
        string id, HttpContext context, MergerService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        var confirmed = await service.ConfirmAsync(context.User.ToActor(), id, ct);
        trail.Add("dossier", confirmed.Value?.DossierId);
        return Answer(confirmed, context);
    }

    private static async Task<Results<Ok<MergerView>, ProblemHttpResult>> CompleteAsync(
        string id, HttpContext context, MergerService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        return Answer(await service.CompleteAsync(context.User.ToActor(), id, ct), context);
    }

    private static async Task<Results<Ok<AgencyHistoryView>, ProblemHttpResult>> HistoryAsync(
        string agencyId, HttpContext context, AgencyStore agencies, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        var agency = await agencies.FindAsync(agencyId, ct);
        // Members see their agency's history, and that of the agencies merged into it.
        if (agency is null || (!actor.BelongsTo(agency.Id) && agency.MergedIntoId != actor.AgencyId))
        {
            return new Failure(FailureKind.NotFound, "agency-not-found", "Agency not found", $"No agency '{agencyId}' of yours.").ToProblem(context);
        }

        var versions = await agencies.HistoryAsync(agencyId, ct);
        return TypedResults.Ok(new AgencyHistoryView(agency.Id, agency.Code, agency.Name, agency.Province, agency.ParentBody,
            agency.ArchivedAt is { } archived ? DateTimeOffset.FromUnixTimeMilliseconds(archived) : null, agency.MergedIntoId,
            [.. versions.Select(v => new AgencyVersionView(v.Code, v.Name, v.Province, v.ParentBody, DateTimeOffset.FromUnixTimeMilliseconds(v.ValidFrom),
                DateTimeOffset.FromUnixTimeMilliseconds(v.ValidTo), v.Reason, v.ChangedBy))]));
    }

    private static Results<Ok<MergerView>, ProblemHttpResult> Answer(Result<MergerView> result, HttpContext context)
        => result.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(result.Value!);
}
