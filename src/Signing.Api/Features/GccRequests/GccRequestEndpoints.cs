using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Hosting;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.GccRequests;

/// <summary><c>/api/v1/certificate-requests</c>: requests to the GCC, drafted per kind, with keys generated on the HSM and their CSRs.</summary>
public static class GccRequestEndpoints
{
    /// <summary>The kinds and revocation reasons, for forms.</summary>
    /// <param name="Kinds">The request kinds.</param>
    /// <param name="RevocationReasons">The reasons of Decree 68/2024 Art. 17.</param>
    public sealed record Vocabulary(IReadOnlyList<GccRequestKind> Kinds, IReadOnlyList<RevocationReason> RevocationReasons);

    /// <summary>Registers the service.</summary>
    public static IServiceCollection AddGccRequests(this IServiceCollection services)
    {
        services.AddSingleton<GccRequestStore>();
        services.AddSingleton<GccRequestService>();
        return services;
    }

    /// <summary>Maps the endpoints (cert-admins and admins).</summary>
    public static IEndpointRouteBuilder MapGccRequestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/certificate-requests").WithTags("Certificate requests").RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapGet("/vocabulary", () => TypedResults.Ok(new Vocabulary(GccRequestKinds.All, RevocationReasons.All)));
        group.MapGet("", ListAsync);
        group.MapPost("", CreateAsync).Audited("certificate-request.create");
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}", UpdateAsync).Audited("certificate-request.update");
        group.MapDelete("/{id}", DeleteAsync).Audited("certificate-request.delete");
        group.MapPost("/{id}/key", KeyAsync).Audited("certificate-request.key");
        group.MapPost("/{id}/csr", UploadCsrAsync).Accepts<IFormFile>("multipart/form-data", "application/pkcs10", "application/x-pem-file", "text/plain").Audited("certificate-request.csr").DisableAntiforgery();
        group.MapGet("/{id}/csr", CsrAsync);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<GccRequestView>>, ProblemHttpResult>> ListAsync(
        HttpContext context, GccRequestService service, CancellationToken ct, string? state = null, string? kind = null, int limit = 100)
    {
        var found = await service.ListAsync(context.User.ToActor(), state, kind, limit, ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Created<GccRequestView>, ProblemHttpResult>> CreateAsync(
        GccRequestInput body, HttpContext context, GccRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Add("kind", body.Kind).Add("certificate", body.CertificateId);
        var created = await service.CreateAsync(context.User.ToActor(), body, ct);
        if (created.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Target = created.Value!.Id;
        return TypedResults.Created($"/api/v1/certificate-requests/{created.Value.Id}", created.Value);
    }

    private static async Task<Results<Ok<GccRequestView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, GccRequestService service, CancellationToken ct)
    {
        var found = await service.GetAsync(context.User.ToActor(), id, ct);
        return found.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(found.Value!);
    }

    private static async Task<Results<Ok<GccRequestView>, ProblemHttpResult>> UpdateAsync(
        string id, GccRequestInput body, HttpContext context, GccRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        var updated = await service.UpdateAsync(context.User.ToActor(), id, body, ct);
        return updated.Failure is { } failure ? failure.ToProblem(context) : TypedResults.Ok(updated.Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext context, GccRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        var deleted = await service.DeleteAsync(context.User.ToActor(), id, ct);
        return deleted.Failure is { } failure ? failure.ToProblem(context) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<GccRequestView>, ProblemHttpResult>> KeyAsync(
        string id, KeyRequest? body, HttpContext context, GccRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        trail.Add("token", body?.TokenLabel).Add("keyUri", body?.KeyUri).Add("algorithm", body?.Algorithm);
        var result = await service.MakeKeyAsync(context.User.ToActor(), id, body ?? new KeyRequest(), ct);
        if (result.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Add("key", result.Value!.KeyUri).Add("publicKey", result.Value.PublicKeySha256);
        return TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Ok<GccRequestView>, ProblemHttpResult>> UploadCsrAsync(
        string id, HttpContext context, GccRequestService service, AuditTrail trail, CancellationToken ct)
    {
        trail.Target = id;
        var file = await UploadedFile.ReadAsync(context.Request, ct);
        if (file is null)
        {
            return Failure.BadInput("Missing CSR", "Send the PKCS#10 request (PEM or DER) as the multipart part 'file', or as the request body.", "file").ToProblem(context);
        }

        var result = await service.UploadCsrAsync(context.User.ToActor(), id, file.Content, ct);
        if (result.Failure is { } failure)
        {
            return failure.ToProblem(context);
        }

        trail.Add("publicKey", result.Value!.PublicKeySha256);
        return TypedResults.Ok(result.Value);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CsrAsync(string id, HttpContext context, GccRequestService service, CancellationToken ct)
    {
        var csr = await service.CsrAsync(context.User.ToActor(), id, ct);
        return csr.Failure is { } failure ? failure.ToProblem(context) : TypedResults.File(csr.Value!, "application/pkcs10", $"{DossierCode(id)}.csr");
    }

    private static string DossierCode(string id) => Dossiers.DossierDocuments.ShortCode(id);
}
