using System.Text.Json;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Hosting;
using Signing.Storage;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Audit;

/// <summary>
/// Records a <c>config.change</c> audit entry at start-up whenever the effective security-relevant
/// settings differ from those of the last start. Secrets (connection strings, PINs) are never included.
/// </summary>
public sealed class ConfigurationAudit(
    AuditLog audit, IOptions<StorageOptions> storage, IOptions<LimitsOptions> limits, IOptions<AuthOptions> auth, IOptions<AuditOptions> auditOptions)
{
    /// <summary>The audit action for a changed configuration.</summary>
    public const string Action = "config.change";

    /// <summary>The settings that are recorded, as a stable JSON document.</summary>
    public string Snapshot() => JsonSerializer.Serialize(new SortedDictionary<string, string>
    {
        ["Storage:Provider"] = storage.Value.Provider.ToString(),
        ["Limits:MaxDocumentBytes"] = limits.Value.MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:IdempotencyWindow"] = limits.Value.IdempotencyWindow.ToString(),
        ["Auth:ClientCertificateAuthorities"] = string.Join(";", auth.Value.ClientCertificateAuthorities),
        ["Auth:SessionIdleTimeout"] = auth.Value.SessionIdleTimeout.ToString(),
        ["Audit:KeyId"] = audit.KeyId,
        ["Audit:CheckpointKey"] = auditOptions.Value.CheckpointKey ?? "",
        ["Audit:CheckpointInterval"] = auditOptions.Value.CheckpointInterval.ToString(),
        ["Audit:WitnessUrl"] = auditOptions.Value.WitnessUrl?.ToString() ?? "",
    });

    /// <summary>Appends an entry when the snapshot differs from the last recorded one; returns whether it did.</summary>
    public async Task<bool> RecordIfChangedAsync(CancellationToken ct)
    {
        var snapshot = Snapshot();
        var last = await audit.LastDetailsAsync(Action, ct);
        if (last == snapshot)
        {
            return false;
        }

        await audit.AppendAsync(new AuditEntry("system", null, Action, null, AuditOutcome.Success, null, snapshot), ct);
        return true;
    }
}
