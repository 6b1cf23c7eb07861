using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Jobs;
using Signing.Api.Hosting;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Certificates;

/// <summary>
/// <c>/api/v1/certificates</c>: the agency's certificate inventory (cert-admins and admins; any person sees their own),
/// its imports (the keys registry, a token scan, a PEM/DER/P7B file, a CSV or XLSX table) and the watch.
/// </summary>
public static class CertificateEndpoints
{
    /// <summary>Who holds a certificate and which key it certifies.</summary>
    /// <param name="HolderUserId">The person (null clears it).</param>
    /// <param name="KeyId">The registry key (null clears it).</param>
    public sealed record AssignRequest(string? HolderUserId, string? KeyId);

    /// <summary>Which token to scan.</summary>
    /// <param name="TokenLabel">A token of Pkcs11:Tokens (default the first).</param>
    public sealed record TokenScanRequest(string? TokenLabel);

    /// <summary>Registers the inventory, the watch and its daily job.</summary>
    public static IServiceCollection AddCertificates(this IServiceCollection services)
    {
        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CertificateOptions>>(new ProblemListValidator<CertificateOptions>(options => options.Problems()));
        services.AddSingleton<CertificateStore>();
        services.AddSingleton<CertificateInventory>();
        services.AddSingleton<CertificateWatch>();
        services.AddSingleton<IJobHandler, CertificateWatchJob>();
        services.AddSingleton<Demo.IDemoSeed, CertificateDemoSeed>();
        services.AddSingleton(provider => new RecurringJob(CertificateWatchJob.JobKind, provider.GetRequiredService<IOptions<CertificateOptions>>().Value.WatchInterval));
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapCertificateEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/certificates").WithTags("Certificates");
        group.MapGet("", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/{id}/pem", PemAsync);
        group.MapGet("/people/{userId}", HistoryAsync);
        group.MapPut("/{id}/holder", AssignAsync).Audited("certificate.assign").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapPost("/import/registry", ImportRegistryAsync).Audited("certificate.import.registry").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapPost("/import/token", ScanTokenAsync).Audited("certificate.import.token").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapPost("/import/file", UploadAsync).Accepts<IFormFile>("multipart/form-data", "application/x-pem-file", "application/pkix-cert", "application/x-pkcs7-certificates", "application/octet-stream").Audited("certificate.import.file").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy).DisableAntiforgery();
        group.MapPost("/import/table", ImportTableAsync).Accepts<IFormFile>("multipart/form-data", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").Audited("certificate.import.table").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy).DisableAntiforgery();
        group.MapPost("/watch", WatchAsync).Audited("certificate.watch").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<CertificateView>>, ProblemHttpResult>> ListAsync(
        HttpContext context, CertificateInventory inventory, CancellationToken ct, string? status = null, string? kind = null, string? source = null,
        string? holder = null, string? q = null, string? tokenSerial = null, string? keyId = null, int? expiresWithinDays = null, string? after = null,
        int limit = 100)
    {
        var found = await inventory.SearchAsync(context.User.ToActor(),
            new CertificateSearch(status, kind, source, holder, q, tokenSerial, keyId, expiresWithinDays, after, limit), ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, CertificateInventory inventory, CancellationToken ct)
    {
        var found = await inventory.GetAsync(context.User.ToActor(), id, ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PemAsync(string id, HttpContext context, CertificateInventory inventory, CancellationToken ct)
    {
        var found = await inventory.FindVisibleAsync(context.User.ToActor(), id, ct);
        if (found.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        if (found.Value!.Der is not { } der)
        {
            return new Failure(FailureKind.NotFound, "certificate-not-held", "Certificate not held",
                "The inventory describes this certificate (from a table) but does not hold the certificate itself.").ToProblem(context);
        }

        var pem = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der)) + "\n";
        return TypedResults.File(Encoding.ASCII.GetBytes(pem), "application/x-pem-file", $"{found.Value.Serial}.pem");
    }

    private static async Task<Results<Ok<IReadOnlyList<CertificateView>>, ProblemHttpResult>> HistoryAsync(
        string userId, HttpContext context, CertificateInventory inventory, CancellationToken ct)
    {
        var found = await inventory.HistoryAsync(context.User.ToActor(), userId, ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> AssignAsync(
        string id, AssignRequest body, HttpContext context, CertificateInventory inventory, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("holder", body.HolderUserId).Add("key", body.KeyId);
        var result = await inventory.AssignAsync(context.User.ToActor(), id, body.HolderUserId, body.KeyId, ct);
        return result.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportRegistryAsync(
        HttpContext context, CertificateInventory inventory, AuditTrail trail, CancellationToken ct)
        => Report(await inventory.ImportRegistryAsync(context.User.ToActor(), ct), context, trail);

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ScanTokenAsync(
        TokenScanRequest? body, HttpContext context, CertificateInventory inventory, AuditTrail trail, CancellationToken ct)
    {
        trail.Add("token", body?.TokenLabel);
        return Report(await inventory.ScanTokenAsync(context.User.ToActor(), body?.TokenLabel, ct), context, trail);
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> UploadAsync(
        HttpContext context, CertificateInventory inventory, AuditTrail trail, CancellationToken ct)
    {
        var file = await UploadedFile.ReadAsync(context.Request, ct);
        if (file is null)
        {
            return Failure.BadInput("Missing file", "Send the certificate file (PEM, DER or P7B) as the multipart part 'file', or as the request body.", "file")
                .ToProblem(context);
        }

        trail.Add("bytes", file.Content.Length.ToString(CultureInfo.InvariantCulture)).Add("name", file.Name);
        var options = new UploadOptions(file.Field("holderUserId"), file.Field("kind"), file.Field("keyId"), file.Field("tokenSerial"));
        return Report(await inventory.UploadAsync(context.User.ToActor(), file.Content, options, ct), context, trail);
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportTableAsync(
        HttpContext context, CertificateInventory inventory, AuditTrail trail, CancellationToken ct, string? format = null)
    {
        var file = await UploadedFile.ReadAsync(context.Request, ct);
        if (file is null)
        {
            return Failure.BadInput("Missing file", "Send the CSV or XLSX table as the multipart part 'file', or as the request body.", "file").ToProblem(context);
        }

        var resolved = format ?? file.Field("format") ?? TableFile.FormatOf(file.Name, file.ContentType, file.Content);
        if (resolved is null || !TableFile.Formats.Contains(resolved))
        {
            return Failure.BadInput("Unknown format", "The table is csv or xlsx: name the file .csv or .xlsx, or give format.", "format").ToProblem(context);
        }

        trail.Add("format", resolved).Add("bytes", file.Content.Length.ToString(CultureInfo.InvariantCulture));
        return Report(await inventory.ImportTableAsync(context.User.ToActor(), file.Content, resolved, ct), context, trail);
    }

    private static async Task<Ok<WatchReport>> WatchAsync(CertificateWatch watch, AuditTrail trail, CancellationToken ct)
    {
        var report = await watch.RunAsync(ct);
        trail.Add("checked", report.Checked.ToString(CultureInfo.InvariantCulture)).Add("revoked", report.Revoked.ToString(CultureInfo.InvariantCulture))
            .Add("expired", report.Expired.ToString(CultureInfo.InvariantCulture));
        return TypedResults.Ok(report);
    }

    private static Results<Ok<ImportReport>, ProblemHttpResult> Report(Result<ImportReport> result, HttpContext context, AuditTrail trail)
    {
        if (result.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        var report = result.Value!;
        trail.Add("added", report.Added.ToString(CultureInfo.InvariantCulture)).Add("present", report.AlreadyPresent.ToString(CultureInfo.InvariantCulture))
            .Add("rejected", report.Rejected.ToString(CultureInfo.InvariantCulture)).Add("ms", report.ElapsedMs.ToString(CultureInfo.InvariantCulture));
        return TypedResults.Ok(report);
    }
}
