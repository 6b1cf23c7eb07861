using Signing.Api.Features.Auth;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Audit;

/// <summary>Builds audit entries from the current request: actor, agency and client address.</summary>
public static class HttpAuditEntries
{
    /// <summary>An entry for an action by the request's principal.</summary>
    public static AuditEntry AuditEntry(
        this HttpContext context, string action, string? target, string outcome, string? details = null, string? agencyId = null)
        => new(
            context.User.AuditActor(),
            agencyId ?? context.User.AgencyId(),
            action,
            target,
            outcome,
            context.Connection.RemoteIpAddress?.ToString(),
            details);
}
