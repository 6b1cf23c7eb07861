using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Auth;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Audit;

/// <summary>Reading and checking the audit log.</summary>
public static class AuditEndpoints
{
    /// <summary>A page of the agency's audit records.</summary>
    public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, long? NextAfter);

    /// <summary>Maps <c>/api/v1/audit</c>.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(AuthenticationSetup.AuditReaderPolicy);
        group.MapGet("", ReadAsync);
        group.MapGet("/verify", VerifyAsync);
        return app;
    }

    private static async Task<Ok<AuditPage>> ReadAsync(
        ClaimsPrincipal user, AuditLog audit, CancellationToken ct, long after = 0, int limit = 100)
    {
        var records = await audit.ReadAsync(user.AgencyId(), after, limit, ct);
        return TypedResults.Ok(new AuditPage(records, records.Count == 0 ? null : records[^1].Seq));
    }

    private static async Task<Ok<AuditVerification>> VerifyAsync(
        HttpContext context, AuditLog audit, TokenCheckpointSigner checkpointSigner, CancellationToken ct)
    {
        // The whole chain is checked, but an agency's reader learns only how many of the records are its agency's. The
        // checkpoint key's public half comes from the token, never from the database.
        var verification = await audit.VerifyAsync(context.User.AgencyId(), checkpointSigner.Configured ? checkpointSigner.PublicKey : null, ct);
        await audit.AppendAsync(context.AuditEntry("audit.verify", null,
            verification.Intact ? AuditOutcome.Success : AuditOutcome.Failure, verification.Problem), ct);
        return TypedResults.Ok(verification);
    }
}
