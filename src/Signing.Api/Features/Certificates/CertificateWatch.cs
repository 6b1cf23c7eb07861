using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Dossiers;
using Signing.Api.Features.Jobs;
using Signing.Api.Features.Keys;
using Signing.Api.Features.Mergers;
using Signing.Api.Features.Notifications;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Verification;
using Signing.Pki.Revocation;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Certificates;
using Signing.Storage.Events;
using Signing.Storage.Jobs;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Certificates;

/// <summary>The certificate events webhooks carry.</summary>
public static class CertificateEvents
{
    /// <summary>A certificate crossed an expiry threshold.</summary>
    public const string Expiring = "certificate.expiring";

    /// <summary>A certificate expired.</summary>
    public const string Expired = "certificate.expired";

    /// <summary>A certificate was found revoked.</summary>
    public const string Revoked = "certificate.revoked";

    /// <summary>A signature-request step lost the key it needs.</summary>
    public const string StepFlagged = "step.flagged";
}

/// <summary>What one run of the watch did.</summary>
/// <param name="Checked">Live certificates looked at.</param>
/// <param name="Inventoried">Registry keys added to the inventory first.</param>
/// <param name="Expiring">Expiry alerts sent.</param>
/// <param name="Expired">Certificates found expired.</param>
/// <param name="Revoked">Certificates found revoked.</param>
/// <param name="FlaggedSteps">Signature-request steps flagged.</param>
/// <param name="Unchecked">Certificates whose revocation could not be checked (no issuer, or no source answered).</param>
public sealed record WatchReport(int Checked, int Inventoried, int Expiring, int Expired, int Revoked, int FlaggedSteps, int Unchecked);

/// <summary>
/// The certificate watch: inventories new registry keys, then checks every live certificate of every agency. Expiry is
/// alerted at each threshold (60, 30 and 7 days by default) once; an expired or revoked certificate (OCSP, then the CRL,
/// through the keys' revocation cache) disables its signing key at once, flags the open signature-request steps that
/// need that key, and tells the agency's cert-admins and the holder (in-app, e-mail) and the agency's webhooks. Each
/// change commits with its events, notifications and audit record, conditional on the status it read, so two nodes
/// running the watch at once report each change once.
/// </summary>
public sealed partial class CertificateWatch(
    Database database, CertificateStore store, CertificateInventory inventory, SigningKeyStore keys, AccountStore accounts, Notifier notifier,
    EventOutbox outbox, AuditLog audit, KeyRevocationCache revocation, TrustAnchors anchors, DossierAnswers answers, MergerCompletion mergers,
    IOptions<CertificateOptions> options, TimeProvider clock, ILogger<CertificateWatch> logger)
{
    private const string SystemActor = "system:certificate-watch";
    private const int Page = 200;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly StepVocabulary Steps = new(RequestStates.InProgress, [StepStates.Pending, StepStates.Active], StepKinds.Sign,
        [StepKinds.Seal, StepKinds.Copy]);

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs the watch over every agency once.</summary>
    public async Task<WatchReport> RunAsync(CancellationToken ct)
    {
        var inventoried = (await inventory.AddRegistryKeysAsync(null, SystemActor, ct)).Count;
        int checkedCount = 0, expiring = 0, expired = 0, revoked = 0, flagged = 0, noAnswer = 0;
        string? after = null;
        while (true)
        {
            var page = await store.LiveAsync(after, Page, ct);
            foreach (var certificate in page)
            {
                checkedCount++;
                var outcome = await CheckOneAsync(certificate, ct);
                expiring += outcome.Expiring ? 1 : 0;
                expired += outcome.Expired ? 1 : 0;
                revoked += outcome.Revoked ? 1 : 0;
                flagged += outcome.Flagged;
                noAnswer += outcome.Unchecked ? 1 : 0;
            }

            if (page.Count < Page)
            {
                break;
            }

            after = page[^1].Id;
        }

        await mergers.CompleteReadyAsync(ct);
        var report = new WatchReport(checkedCount, inventoried, expiring, expired, revoked, flagged, noAnswer);
        LogRun(logger, report.Checked, report.Expiring, report.Expired, report.Revoked, report.FlaggedSteps, report.Unchecked);
        return report;
    }

    private async Task<(bool Expiring, bool Expired, bool Revoked, int Flagged, bool Unchecked)> CheckOneAsync(CertificateRecord certificate, CancellationToken ct)
    {
        var now = Now;
        if (certificate.NotAfter <= now)
        {
            var flaggedExpired = await LeaveServiceAsync(certificate, CertificateStatuses.Expired, null, null, ct);
            return (false, flaggedExpired is not null, false, flaggedExpired ?? 0, false);
        }

        var noAnswer = false;
        if (certificate.Der is { } der)
        {
            using var x509 = X509CertificateLoader.LoadCertificate(der);
            var chain = new X509Certificate2Collection();
            if (!string.IsNullOrWhiteSpace(certificate.ChainPem))
            {
                chain.ImportFromPem(certificate.ChainPem);
            }

            if (certificate.KeyId is { } keyId && await keys.FindAsync(keyId, ct) is { } key)
            {
                chain.AddRange(key.RegisteredChain());
            }

            chain.AddRange(anchors.Certificates);
            // The watch runs rarely and exists to notice revocations: it asks the CA afresh rather than trusting a good
            // answer cached for signing (until the responder's nextUpdate), and its answer refreshes that cache.
            var status = await revocation.StatusAsync(x509, chain, fresh: true, ct);
            if (status?.Status == RevocationStatus.Revoked)
            {
                var flaggedRevoked = await LeaveServiceAsync(certificate, CertificateStatuses.Revoked, status.RevocationTime?.ToUnixTimeMilliseconds() ?? now,
                    status.Reason?.ToString(), ct);
                return (false, false, flaggedRevoked is not null, flaggedRevoked ?? 0, false);
            }

            noAnswer = status is null || status.Status == RevocationStatus.Unknown;
        }

        var alerted = await AlertExpiryAsync(certificate, now, ct);
        await store.MarkCheckedAsync(certificate.Id, ct);
        return (alerted, false, false, 0, noAnswer);
    }

    /// <summary>Checks the given certificates now (those still live), as a run would: after importing answers that await a revocation.</summary>
    public async Task<WatchReport> CheckAsync(IReadOnlyCollection<string> certificateIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificateIds);
        int checkedCount = 0, expiring = 0, expired = 0, revoked = 0, flagged = 0, noAnswer = 0;
        foreach (var certificate in (await store.FindManyAsync(certificateIds, ct)).Where(c => CertificateStatuses.Live.Contains(c.Status)))
        {
            checkedCount++;
            var outcome = await CheckOneAsync(certificate, ct);
            expiring += outcome.Expiring ? 1 : 0;
            expired += outcome.Expired ? 1 : 0;
            revoked += outcome.Revoked ? 1 : 0;
            flagged += outcome.Flagged;
            noAnswer += outcome.Unchecked ? 1 : 0;
        }

        return new WatchReport(checkedCount, 0, expiring, expired, revoked, flagged, noAnswer);
    }

    // The smallest threshold the certificate is within, alerted once (a later, smaller threshold alerts again).
    private async Task<bool> AlertExpiryAsync(CertificateRecord certificate, long now, CancellationToken ct)
    {
        var daysLeft = (certificate.NotAfter - now) / (double)TimeSpan.MillisecondsPerDay;
        var threshold = options.Value.ExpiryThresholdDays.Where(days => daysLeft <= days).DefaultIfEmpty(int.MaxValue).Min();
        if (threshold == int.MaxValue || (certificate.AlertedDays is { } alerted && alerted <= threshold))
        {
            return false;
        }

        await using var tx = await database.BeginWriteAsync($"certificate:{certificate.Id}", ct);
        if (!await store.MarkAlertedAsync(tx, certificate.Id, certificate.Status, certificate.AlertedDays, threshold,
            new StatusCause(SystemActor, StatusReasons.Of(StatusReasons.Expiring, threshold.ToString(CultureInfo.InvariantCulture))), ct))
        {
            return false;
        }

        var left = (int)Math.Ceiling(daysLeft);
        await NotifyAsync(tx, certificate, CertificateEvents.Expiring, $"Chứng thư số sắp hết hạn ({left} ngày)",
            $"{certificate.Subject} hết hạn ngày {CertificateInventory.Day(certificate.NotAfter)}. Lập yêu cầu gia hạn gửi Ban Cơ yếu Chính phủ.", ct);
        await EmitAsync(tx, certificate, CertificateEvents.Expiring, new { daysLeft = left, threshold, notAfter = Time(certificate.NotAfter) }, ct);
        await AuditAsync(tx, certificate, "certificate.expiring", $"days={left}; threshold={threshold}", ct);
        await tx.CommitAsync(ct);
        return true;
    }

    // Expired or revoked: the status, the key, the stranded steps, the people and the webhooks, in one commit. Returns
    // the number of flagged steps, or null when another run recorded the change first.
    private async Task<int?> LeaveServiceAsync(CertificateRecord certificate, string status, long? revokedAt, string? reason, CancellationToken ct)
    {
        await using var tx = await database.BeginWriteAsync($"certificate:{certificate.Id}", ct);
        var changed = status == CertificateStatuses.Revoked
            ? await store.MarkRevokedAsync(tx, certificate.Id, CertificateStatuses.Live, revokedAt!.Value, reason,
                new StatusCause(SystemActor, StatusReasons.Of(StatusReasons.Revoked, reason)), ct)
            : await store.SetStatusAsync(tx, certificate.Id, certificate.Status, CertificateStatuses.Expired, certificate.AlertedDays,
                new StatusCause(SystemActor, StatusReasons.Expired), ct);
        if (!changed)
        {
            return null;
        }

        var key = certificate.KeyId is { } keyId ? await keys.FindAsync(keyId, ct) : null;
        var disabled = key is not null && await keys.DisableAsync(tx, key.Id, ct);
        var flagged = key is null ? 0 : await FlagStepsAsync(tx, certificate, key, status, ct);
        if (status == CertificateStatuses.Revoked)
        {
            await answers.CloseRevocationsAsync(tx, certificate.Id, ct);
        }

        var revokedWords = status == CertificateStatuses.Revoked;
        await NotifyAsync(tx, certificate, revokedWords ? CertificateEvents.Revoked : CertificateEvents.Expired,
            revokedWords ? "Chứng thư số đã bị thu hồi" : "Chứng thư số đã hết hạn",
            $"{certificate.Subject} (số hiệu {certificate.Serial}){(disabled ? "; khóa ký tương ứng đã bị vô hiệu hóa" : "")}" +
            $"{(flagged > 0 ? $"; {flagged} bước ký đang chờ cần khóa khác" : "")}.", ct);
        await EmitAsync(tx, certificate, revokedWords ? CertificateEvents.Revoked : CertificateEvents.Expired, new
        {
            revokedAt = revokedAt is { } at ? Time(at) : (DateTimeOffset?)null,
            reason,
            notAfter = Time(certificate.NotAfter),
            keyDisabled = disabled,
            flaggedSteps = flagged,
        }, ct);
        await AuditAsync(tx, certificate, revokedWords ? "certificate.revoked" : "certificate.expired",
            $"serial={certificate.Serial}; key={certificate.KeyId ?? "-"}; keyDisabled={disabled}; flaggedSteps={flagged}{(reason is null ? "" : $"; reason={reason}")}", ct);
        await tx.CommitAsync(ct);
        return flagged;
    }

    // The open steps that need this key, unless the person (or the agency, for the seal) has another usable key of the kind.
    private async Task<int> FlagStepsAsync(StorageTransaction tx, CertificateRecord certificate, SigningKey key, string status, CancellationToken ct)
    {
        IReadOnlyList<StrandedStep> stranded;
        if (key.Purpose == KeyPurpose.Official && key.OwnerUserId is { } owner)
        {
            var others = (await keys.ListForOwnerAsync(owner, ct)).Any(k => k.Id != key.Id && k.Purpose == KeyPurpose.Official && k.DisabledAt is null);
            stranded = others ? [] : await store.OpenStepsNeedingAsync(tx, owner, null, Steps, ct);
        }
        else if (key.Purpose == KeyPurpose.AgencySeal)
        {
            var others = (await keys.ListForAgencyAsync(key.AgencyId, ct))
                .Any(k => k.Id != key.Id && k.Purpose == KeyPurpose.AgencySeal && k.Location == KeyLocation.Pkcs11 && k.DisabledAt is null);
            stranded = others ? [] : await store.OpenStepsNeedingAsync(tx, null, key.AgencyId, Steps, ct);
        }
        else
        {
            stranded = [];
        }

        var reason = status == CertificateStatuses.Revoked
            ? $"the certificate of key {key.Id} (serial {certificate.Serial}) was revoked"
            : $"the certificate of key {key.Id} (serial {certificate.Serial}) expired";
        var flagged = 0;
        foreach (var step in stranded)
        {
            if (!await store.FlagStepAsync(tx, new StepFlag(step.StepId, certificate.Id, step.RequestId, key.Id, reason, Now), ct))
            {
                continue;
            }

            flagged++;
            var eventId = TimeOrderedIds.New();
            var payload = JsonSerializer.Serialize(new
            {
                id = eventId,
                type = CertificateEvents.StepFlagged,
                occurredAt = clock.GetUtcNow(),
                request = new { id = step.RequestId, title = step.Secrecy == Secrecies.None ? step.Title : null },
                data = new { step = new { id = step.StepId, ordinal = step.Ordinal, kind = step.Kind }, certificateId = certificate.Id, keyId = key.Id, reason },
            }, Json);
            await outbox.AddAsync(tx, new OutboxEvent(eventId, step.AgencyId, step.ClientId, CertificateEvents.StepFlagged, step.RequestId, payload, Now), ct);
        }

        return flagged;
    }

    private async Task NotifyAsync(StorageTransaction tx, CertificateRecord certificate, string kind, string title, string body, CancellationToken ct)
    {
        var people = (await accounts.ListUsersInRoleAsync(certificate.AgencyId, Roles.CertAdmin, ct)).ToList();
        if (certificate.HolderUserId is { } holderId && await accounts.FindUserAsync(holderId, ct) is { DisabledAt: null } holder)
        {
            people.Add(holder);
        }

        await notifier.NotifyAsync(tx, people, new NotificationMessage(kind, title, body, $"/chung-thu/{certificate.Id}", certificate.Id), ct);
    }

    private async Task EmitAsync(StorageTransaction tx, CertificateRecord certificate, string type, object data, CancellationToken ct)
    {
        var eventId = TimeOrderedIds.New();
        var payload = JsonSerializer.Serialize(new
        {
            id = eventId,
            type,
            occurredAt = clock.GetUtcNow(),
            certificate = new
            {
                id = certificate.Id,
                kind = certificate.Kind,
                subject = certificate.Subject,
                serial = certificate.Serial,
                issuer = certificate.Issuer,
                notAfter = Time(certificate.NotAfter),
                keyId = certificate.KeyId,
                holderUserId = certificate.HolderUserId,
            },
            data,
        }, Json);
        // Agency-wide (no client): every webhook endpoint of the agency that asked for the type gets it.
        await outbox.AddAsync(tx, new OutboxEvent(eventId, certificate.AgencyId, null, type, certificate.Id, payload, Now), ct);
    }

    private Task AuditAsync(StorageTransaction tx, CertificateRecord certificate, string action, string details, CancellationToken ct)
        => audit.AppendAsync(tx, new AuditEntry(SystemActor, certificate.AgencyId, action, certificate.Id, AuditOutcome.Success, null, details), ct);

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Certificate watch: {Checked} checked, {Expiring} expiring, {Expired} expired, {Revoked} revoked, {Flagged} steps flagged, {NoAnswer} without a revocation answer")]
    private static partial void LogRun(ILogger logger, int @checked, int expiring, int expired, int revoked, int flagged, int noAnswer);
}

/// <summary>The recurring job that runs the watch; claimed like any other, so one node runs each run.</summary>
public sealed class CertificateWatchJob(CertificateWatch watch, IOptions<CertificateOptions> options, TimeProvider clock) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "certificate-watch";

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(Job job, string node, CancellationToken ct)
    {
        await watch.RunAsync(ct);
        return JobOutcome.Reschedule(clock.GetUtcNow() + options.Value.WatchInterval);
    }
}
