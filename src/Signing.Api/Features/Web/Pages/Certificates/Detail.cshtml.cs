using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Storage.Accounts;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>A certificate of the chain above the one shown.</summary>
/// <param name="Subject">Its subject.</param>
/// <param name="Issuer">Its issuer (its own subject for a root).</param>
/// <param name="NotAfter">Its end of validity.</param>
public sealed record ChainLink(string Subject, string Issuer, DateTimeOffset NotAfter);

/// <summary>An event of a certificate's life, as the inventory's record tells it.</summary>
/// <param name="At">When.</param>
/// <param name="What">What happened.</param>
/// <param name="CertificateId">A certificate it links to (the one that replaced it).</param>
/// <param name="RequestId">A signature request it links to (a flagged step).</param>
public sealed record CertificateEvent(DateTimeOffset At, string What, string? CertificateId = null, string? RequestId = null);

/// <summary>
/// One certificate: its subject field by field, its chain up to the root, its status history (from the inventory's
/// record: validity, entry, checks, revocation, replacement, flagged steps), the signing key it certifies, the token
/// that holds that key and the person who holds it, with that person's other certificates. A certificate of another
/// agency is 403, like every page of another agency.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class CertificateDetailModel(CertificateInventory inventory, SigningKeyStore keys, AccountStore accounts, TimeProvider clock) : PageModel
{
    /// <summary>The certificate.</summary>
    public CertificateView Certificate { get; private set; } = null!;

    /// <summary>Its issuers, nearest first; empty when the inventory holds no chain.</summary>
    public IReadOnlyList<ChainLink> Chain { get; private set; } = [];

    /// <summary>Its history, oldest first.</summary>
    public IReadOnlyList<CertificateEvent> History { get; private set; } = [];

    /// <summary>The registry key it certifies.</summary>
    public SigningKey? Key { get; private set; }

    /// <summary>The person who holds it.</summary>
    public User? Person { get; private set; }

    /// <summary>That person's certificates, this one included, newest first.</summary>
    public IReadOnlyList<CertificateView> PersonCertificates { get; private set; } = [];

    /// <summary>Shows the certificate.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        var found = await inventory.GetAsync(actor, id, ct);
        var record = await inventory.FindVisibleAsync(actor, id, ct);
        if (found.Value is not { } certificate || record.Value is not { } stored)
        {
            // Not found and another agency's read the same to the service; to a person both are a page they may not open.
            return Forbid();
        }

        Certificate = certificate;
        Chain = ChainOf(stored.ChainPem);
        Key = certificate.KeyId is { } keyId ? await keys.FindAsync(keyId, ct) : null;
        Person = certificate.HolderUserId is { } holder ? await accounts.FindUserAsync(holder, ct) : null;
        if (Person is not null)
        {
            PersonCertificates = (await inventory.HistoryAsync(actor, Person.Id, ct)).Value ?? [];
        }

        History = HistoryOf(certificate, clock.GetUtcNow());
        return Page();
    }

    /// <summary>The certificate as a PEM file, when the inventory holds the certificate itself.</summary>
    public async Task<IActionResult> OnGetPemAsync(string id, CancellationToken ct)
    {
        var found = await inventory.FindVisibleAsync(User.ToActor(), id, ct);
        if (found.Value is not { } certificate)
        {
            return Forbid();
        }

        return certificate.Der is { } der
            ? File(System.Text.Encoding.ASCII.GetBytes(new string(PemEncoding.Write("CERTIFICATE", der)) + "\n"), "application/x-pem-file", $"{certificate.Serial}.pem")
            : NotFound();
    }

    private static List<CertificateEvent> HistoryOf(CertificateView c, DateTimeOffset now)
    {
        var events = new List<CertificateEvent>
        {
            new(c.NotBefore, CertificateText.EventValidFrom.ToString()),
            new(c.CreatedAt, CertificateText.EventAdded.Format(CertificateText.SourceName(c.Source))),
        };
        if (c.CheckedAt is { } checkedAt)
        {
            events.Add(new(checkedAt, CertificateText.EventChecked.ToString()));
        }

        if (c.RevokedAt is { } revokedAt)
        {
            events.Add(new(revokedAt, CertificateText.EventRevoked.Format(c.RevocationReason ?? "—")));
        }

        if (c.SupersededById is { } newer)
        {
            events.Add(new(c.CheckedAt ?? now, CertificateText.EventSuperseded.ToString(), CertificateId: newer));
        }

        events.AddRange((c.FlaggedSteps ?? []).Select(flag => new CertificateEvent(flag.At, CertificateText.EventFlagged.Format(flag.Reason), RequestId: flag.RequestId)));
        events.Add(new(c.NotAfter, (c.NotAfter <= now ? CertificateText.EventExpired : CertificateText.EventExpires).ToString()));
        return [.. events.OrderBy(e => e.At)];
    }

    private static List<ChainLink> ChainOf(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return [];
        }

        var links = new List<ChainLink>();
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(pem);
            foreach (var certificate in collection)
            {
                links.Add(new ChainLink(certificate.Subject, certificate.Issuer, certificate.NotAfter));
                certificate.Dispose();
            }
        }
        catch (CryptographicException)
        {
            // A chain the inventory could not have checked revocation with either; the page says it holds none.
            return [];
        }

        // Nearest issuer first: the sub-CA, then the root, whose subject is its own issuer.
        return [.. links.OrderBy(link => link.Subject == link.Issuer ? 1 : 0)];
    }
}
