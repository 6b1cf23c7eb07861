using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>A certificate of the chain above the one shown.</summary>
/// <param name="Subject">Its subject.</param>
/// <param name="Issuer">Its issuer (its own subject for a root).</param>
/// <param name="NotAfter">Its end of validity.</param>
public sealed record ChainLink(string Subject, string Issuer, DateTimeOffset NotAfter);

/// <summary>A row of a certificate's status history, in words.</summary>
/// <param name="At">When.</param>
/// <param name="From">The status before; null when the change added the certificate.</param>
/// <param name="To">The status after.</param>
/// <param name="By">Who or what made it.</param>
/// <param name="Why">Why, when known.</param>
/// <param name="CertificateId">The certificate that replaced this one, when the change was that.</param>
public sealed record StatusHistoryRow(DateTimeOffset At, string? From, string To, string By, string? Why, string? CertificateId = null);

/// <summary>
/// One certificate: its subject field by field, its chain up to the root, its status history (every change the
/// inventory made, from its status-change table, with who made it and why), the steps flagged because of it, the
/// signing key it certifies, the token that holds that key and the person who holds it, with that person's other
/// certificates. A certificate of another agency is 403, like every page of another agency.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class CertificateDetailModel(CertificateInventory inventory, CertificateStore certificates, SigningKeyStore keys, AccountStore accounts) : PageModel
{
    /// <summary>The certificate.</summary>
    public CertificateView Certificate { get; private set; } = null!;

    /// <summary>Its issuers, nearest first; empty when the inventory holds no chain.</summary>
    public IReadOnlyList<ChainLink> Chain { get; private set; } = [];

    /// <summary>Its status changes, oldest first.</summary>
    public IReadOnlyList<StatusHistoryRow> History { get; private set; } = [];

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

        History = await HistoryAsync(await certificates.StatusChangesAsync(stored.Id, ct), ct);
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

    private async Task<List<StatusHistoryRow>> HistoryAsync(IReadOnlyList<CertificateStatusChange> changes, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var actor in changes.Select(change => change.Actor).Distinct(StringComparer.Ordinal))
        {
            names[actor] = actor.StartsWith("user:", StringComparison.Ordinal)
                ? await accounts.FindUserByUsernameAsync(actor[5..], ct) is { } person ? $"{person.DisplayName} ({person.Username})" : actor[5..]
                : actor == "system:certificate-watch" ? CertificateText.ByWatch.ToString()
                : actor.StartsWith("client:", StringComparison.Ordinal) ? actor[7..]
                : ShellText.AppName.ToString();
        }

        return [.. changes.Select(change =>
        {
            var (code, argument) = change.Reason is { } reason ? StatusReasons.Parse(reason) : ("", null);
            var why = code switch
            {
                StatusReasons.Added => CertificateText.EventAdded.Format(CertificateText.SourceName(argument ?? "")),
                StatusReasons.Expiring => CertificateText.EventExpiring.Format(argument),
                StatusReasons.Expired => CertificateText.EventExpired.ToString(),
                StatusReasons.Revoked => CertificateText.EventRevoked.Format(argument ?? "—"),
                StatusReasons.Superseded => CertificateText.EventSuperseded.ToString(),
                StatusReasons.Migrated => CertificateText.EventMigrated.ToString(),
                _ => change.Reason,
            };
            return new StatusHistoryRow(DateTimeOffset.FromUnixTimeMilliseconds(change.ChangedAt), change.OldStatus, change.NewStatus, names[change.Actor], why,
                code == StatusReasons.Superseded ? argument : null);
        })];
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
