using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>
/// The agency's certificates with filters (status, kind, source, text, expiring within so many days). The filters are a
/// GET form, so a filtered list is a link one can keep or send.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class CertificateListModel(CertificateInventory inventory, AccountStore accounts) : PageModel
{
    /// <summary>The status filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>The kind filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>The source filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    /// <summary>The text searched.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>Only certificates expiring within this many days.</summary>
    [BindProperty(SupportsGet = true)]
    public int? ExpiresWithinDays { get; set; }

    /// <summary>The certificates found.</summary>
    public IReadOnlyList<CertificateView> Certificates { get; private set; } = [];

    /// <summary>The holders' names by user id.</summary>
    public IReadOnlyDictionary<string, string> Holders { get; private set; } = new Dictionary<string, string>();

    /// <summary>Every status, for the filter.</summary>
    public static IReadOnlyList<string> Statuses => CertificateStatuses.All;

    /// <summary>Every kind, for the filter.</summary>
    public static IReadOnlyList<string> Kinds => CertificateKinds.All;

    /// <summary>Every source, for the filter.</summary>
    public static IReadOnlyList<string> Sources => CertificateSources.All;

    /// <summary>Shows the list.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        // A filter value the inventory does not know is dropped rather than answered with an error page.
        Status = Statuses.Contains(Status) ? Status : null;
        Kind = Kinds.Contains(Kind) ? Kind : null;
        Source = Sources.Contains(Source) ? Source : null;
        ExpiresWithinDays = ExpiresWithinDays is > 0 and <= 3650 ? ExpiresWithinDays : null;
        var found = await inventory.SearchAsync(User.ToActor(),
            new CertificateSearch(Status, Kind, Source, null, string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), null, null, ExpiresWithinDays, null, 500), ct);
        Certificates = found.Value ?? [];
        Holders = await HolderNamesAsync(accounts, Certificates.Select(c => c.HolderUserId), ct);
    }

    /// <summary>The display names of the holders among <paramref name="ids"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> HolderNamesAsync(AccountStore accounts, IEnumerable<string?> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await accounts.FindUserAsync(id, ct) is { } user)
            {
                names[id] = user.DisplayName;
            }
        }

        return names;
    }
}
