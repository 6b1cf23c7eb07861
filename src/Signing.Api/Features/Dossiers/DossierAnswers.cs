using System.Security.Cryptography.X509Certificates;
using System.Text;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.GccRequests;
using Signing.Api.Features.Notifications;
using Signing.Pki.Certificates;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Certificates;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Dossiers;

/// <summary>
/// Closes a dossier's items with the GCC's answers. An issued certificate is matched to its item by public key (the
/// CSR's, or the key a renewal or change of information keeps), else by the subject asked for (and the item's holder);
/// it enters the inventory linked to the person and the key, supersedes the certificate it replaces, and puts itself on
/// that key, which is enabled again. Each item closes in one transaction with its audit record, conditional on being
/// open, so an answer imported twice closes it once.
/// </summary>
public sealed class DossierAnswers(
    Database database, GccRequestStore requests, DossierStore dossiers, CertificateStore certificates, SigningKeyStore keys, CertificateInventory inventory,
    AccountStore accounts, Notifier notifier, AuditLog audit)
{
    /// <summary>Matches <paramref name="answers"/> to the open items of <paramref name="dossier"/> and closes those matched.</summary>
    public async Task<(IReadOnlyList<AnswerMatch> Matches, IReadOnlyList<ImportProblem> Problems)> ImportAsync(
        Actor actor, Dossier dossier, IReadOnlyList<X509Certificate2> answers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(dossier);
        ArgumentNullException.ThrowIfNull(answers);
        var chainPem = string.Concat(answers.Where(CertificateInventory.IsAuthority).Select(c => c.ExportCertificatePem()));
        var open = (await requests.ForDossierAsync(dossier.Id, ct))
            .Where(item => item.State == GccRequestStates.Submitted && GccRequestKinds.AnsweredWithCertificate(item.Kind)).ToList();
        var matches = new List<AnswerMatch>();
        var problems = new List<ImportProblem>();
        var index = 0;
        foreach (var answer in answers.Where(c => !CertificateInventory.IsAuthority(c)))
        {
            index++;
            var facts = CertificateFacts.Of(answer);
            var byKey = open.Where(item => item.PublicKeySha256 == facts.PublicKeySha256).ToList();
            var matchedBy = "public-key";
            var candidates = byKey;
            if (candidates.Count == 0)
            {
                matchedBy = "subject";
                candidates = [.. open.Where(item => item.PublicKeySha256 is null && SameSubject(item.SubjectAfter, facts.SubjectText))];
            }

            if (candidates.Count != 1)
            {
                problems.Add(new ImportProblem(index, "certificate", candidates.Count == 0
                    ? $"serial {facts.SerialHex} ({facts.SubjectText}) matches no open item of this dossier by public key or subject"
                    : $"serial {facts.SerialHex} matches {candidates.Count} open items; import it on its own after closing the others"));
                continue;
            }

            var item = candidates[0];
            var match = await CloseWithCertificateAsync(actor, dossier, item, answer, chainPem.Length > 0 ? chainPem : null, matchedBy, ct);
            if (match.Problem is { } problem)
            {
                problems.Add(new ImportProblem(index, "certificate", problem));
                continue;
            }

            matches.Add(match.Match!);
            open.Remove(item);
        }

        return (matches, problems);
    }

    /// <summary>Closes a submitted item that no certificate answers (a revocation, a restored device), or any item the GCC refused.</summary>
    public async Task<bool> CloseAsync(Actor actor, Dossier dossier, GccRequest item, string outcome, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(dossier);
        ArgumentNullException.ThrowIfNull(item);
        await using var tx = await database.BeginWriteAsync($"dossier:{dossier.Id}", ct);
        if (!await requests.CloseAsync(tx, item.Id, outcome, null, note, ct))
        {
            return false;
        }

        await ProgressAsync(tx, dossier.Id, ct);
        await audit.AppendAsync(tx, new AuditEntry(actor.AuditName, dossier.AgencyId, $"certificate-request.{outcome}", item.Id, AuditOutcome.Success, null,
            $"dossier={dossier.Id}; kind={item.Kind}; note={note}"), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Closes the submitted revocation items of a certificate now seen revoked, inside the transaction that records it.</summary>
    public async Task<int> CloseRevocationsAsync(StorageTransaction tx, string certificateId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var closed = 0;
        foreach (var item in (await requests.OpenForCertificateAsync(certificateId, ct)).Where(item => item.Kind == GccRequestKinds.Revoke))
        {
            if (await requests.CloseAsync(tx, item.Id, GccRequestStates.Done, null, "the certificate is revoked (seen by its CA's OCSP or CRL)", ct))
            {
                closed++;
                if (item.DossierId is { } dossierId)
                {
                    await ProgressAsync(tx, dossierId, ct);
                }
            }
        }

        return closed;
    }

    /// <summary>Moves a dossier on after an item closed: in progress at the first answer, completed when none is open.</summary>
    public async Task ProgressAsync(StorageTransaction tx, string dossierId, CancellationToken ct)
    {
        if (await requests.OpenCountAsync(tx, dossierId, ct) == 0)
        {
            await dossiers.CompleteAsync(tx, dossierId, ct);
        }
        else
        {
            await dossiers.StartAsync(tx, dossierId, ct);
        }
    }

    private async Task<(AnswerMatch? Match, string? Problem)> CloseWithCertificateAsync(
        Actor actor, Dossier dossier, GccRequest item, X509Certificate2 answer, string? chainPem, string matchedBy, CancellationToken ct)
    {
        var facts = CertificateFacts.Of(answer);
        if (await certificates.FindByThumbprintAsync(facts.Thumbprint, ct) is not null)
        {
            return (null, $"serial {facts.SerialHex} is already in the inventory");
        }

        var previous = item.CertificateId is { } previousId ? await certificates.FindAsync(previousId, ct) : null;
        var agencyId = previous?.AgencyId ?? dossier.AgencyId;
        var kind = GccRequestKinds.Find(item.Kind)?.CertificateKind ?? previous?.Kind ?? CertificateKinds.Individual;
        var holder = item.HolderUserId ?? previous?.HolderUserId;
        var chain = chainPem ?? previous?.ChainPem;
        var record = inventory.Describe(answer, agencyId, kind, CertificateSources.Gcc, holder, null, chain, previous?.TokenSerial, previous?.TokenLabel);

        await using var tx = await database.BeginWriteAsync($"dossier:{dossier.Id}", ct);
        string? keyId = null;
        if (previous?.KeyId is { } previousKeyId && await keys.FindAsync(previousKeyId, ct) is { } key
            && CertificateFacts.PublicKeyDigest(key.SignerCertificate().PublicKey) == facts.PublicKeySha256)
        {
            // The same key, newly certified: it signs again with the new certificate.
            keyId = await keys.ReplaceCertificateAsync(tx, key.Id, key.Thumbprint, answer, chain, ct) ? key.Id : null;
        }
        else if (item.KeyUri is { } uri && item.PublicKeySha256 == facts.PublicKeySha256)
        {
            // A key generated on the HSM for this request: registered now that it has its certificate.
            var purpose = kind switch
            {
                CertificateKinds.Agency => KeyPurpose.AgencySeal,
                CertificateKinds.Device => KeyPurpose.System,
                _ => KeyPurpose.Official,
            };
            var owner = purpose == KeyPurpose.Official ? holder : null;
            if (purpose != KeyPurpose.Official || owner is not null)
            {
                keyId = (await keys.CreateAsync(tx, agencyId, owner, purpose, KeyLocation.Pkcs11, uri, answer, chain, ct)).Id;
            }
        }

        record = record with { KeyId = keyId };
        if (!await certificates.InsertAsync(tx, record, new StatusCause(actor.AuditName, StatusReasons.Of(StatusReasons.Added, record.Source)), ct))
        {
            return (null, $"serial {facts.SerialHex} is already in the inventory");
        }

        string? superseded = null;
        if (previous is not null && item.Kind is GccRequestKinds.Renew or GccRequestKinds.ChangeInfo && await certificates.SupersedeAsync(tx, previous.Id, record.Id,
            new StatusCause(actor.AuditName, StatusReasons.Of(StatusReasons.Superseded, record.Id)), ct))
        {
            superseded = previous.Id;
        }

        if (!await requests.CloseAsync(tx, item.Id, GccRequestStates.Done, record.Id, $"answered by serial {facts.SerialHex} (matched by {matchedBy})", ct))
        {
            return (null, $"item {item.Id} was closed meanwhile");
        }

        await ProgressAsync(tx, dossier.Id, ct);
        await audit.AppendAsync(tx, new AuditEntry(actor.AuditName, dossier.AgencyId, "certificate-request.done", item.Id, AuditOutcome.Success, null,
            $"dossier={dossier.Id}; kind={item.Kind}; certificate={record.Id}; serial={facts.SerialHex}; matchedBy={matchedBy}; superseded={superseded ?? "-"}; key={keyId ?? "-"}"), ct);
        if (holder is not null && await accounts.FindUserAsync(holder, ct) is { DisabledAt: null } person)
        {
            await notifier.NotifyAsync(tx, [person], new NotificationMessage("certificate.issued", "Chứng thư số mới đã được cấp",
                $"{record.Subject}, hiệu lực đến {CertificateInventory.Day(record.NotAfter)}.", $"/chung-thu/{record.Id}", record.Id), ct);
        }

        await tx.CommitAsync(ct);
        return (new AnswerMatch(item.Id, record.Id, record.Serial, matchedBy, superseded, keyId), null);
    }

    // Subjects as the requests write them and as certificates carry them: same attributes, same values, in NFC.
    private static bool SameSubject(string? asked, string issued)
        => asked is not null && string.Equals(asked.Normalize(NormalizationForm.FormC).Trim(), issued.Normalize(NormalizationForm.FormC).Trim(), StringComparison.OrdinalIgnoreCase);
}
