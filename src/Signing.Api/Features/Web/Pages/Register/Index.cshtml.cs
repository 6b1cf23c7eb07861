using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Hosting;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Register;

/// <summary>The register's filters, from the query string.</summary>
public sealed class RegisterFilter
{
    /// <summary>The year (numbers restart every 1 January).</summary>
    [Range(2000, 2100, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Year))]
    public int? Year { get; set; }

    /// <summary>general, secret, or empty for both.</summary>
    [RegularExpression("^(general|secret)$", ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Series))]
    public string? Series { get; set; }

    /// <summary>Text to find in the symbol, abstract, type or signer.</summary>
    [StringLength(200, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Search))]
    public string? Text { get; set; }
}

/// <summary>
/// The register of outgoing documents (sổ đăng ký văn bản đi) for the agency's clerks, admins and auditors: a year, a
/// series and a text filter, the columns of Decree 30 Appendix IV, and the same rows as CSV or a printable PDF
/// (<see cref="RegisterExport"/>, as <c>GET /api/v1/register</c> renders them).
/// </summary>
public sealed class RegisterModel(SignatureRequestService service, AccountStore accounts, TimeProvider clock) : PageModel
{
    /// <summary>The filters.</summary>
    [BindProperty(SupportsGet = true)]
    public RegisterFilter Filter { get; set; } = new();

    /// <summary>The rows that match.</summary>
    public IReadOnlyList<RegisterEntry> Entries { get; private set; } = [];

    /// <summary>The year shown.</summary>
    public int Year => Filter.Year ?? VietnamTime.Today(clock).Year;

    /// <summary>Shows the register.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var entries = await EntriesAsync(ct);
        if (entries.Failure is { } failure)
        {
            return failure.Kind == FailureKind.Forbidden ? Forbid() : BadRequest();
        }

        Entries = entries.Value!;
        return Page();
    }

    /// <summary>The filtered register as CSV (UTF-8 with a BOM) or an A4 landscape PDF.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken ct)
    {
        if (!ModelState.IsValid || format is not ("csv" or "pdf"))
        {
            return BadRequest();
        }

        var entries = await EntriesAsync(ct);
        if (entries.Failure is { } failure)
        {
            return failure.Kind == FailureKind.Forbidden ? Forbid() : BadRequest();
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"so-van-ban-di-{Year}{(Filter.Series is { } series ? "-" + series : "")}");
        if (format == "csv")
        {
            return File(RegisterExport.Csv(entries.Value!), "text/csv; charset=utf-8", name + ".csv");
        }

        var agency = (await accounts.FindAgencyAsync(User.ToActor().AgencyId, ct))!;
        return File(await RegisterExport.PdfAsync(entries.Value!, agency.Name, Year, Filter.Series, ct), "application/pdf", name + ".pdf");
    }

    private async Task<Result<IReadOnlyList<RegisterEntry>>> EntriesAsync(CancellationToken ct)
    {
        var found = await service.RegisterAsync(User.ToActor(), Year, Filter.Series, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var entries = RegisterExport.Entries(found.Value!);
        var text = Filter.Text?.Trim();
        return string.IsNullOrEmpty(text)
            ? entries.ToList()
            : entries.Where(e => new[] { e.Symbol, e.Title, e.DocumentType, e.Signer }
                .Any(field => field.Contains(text, StringComparison.CurrentCultureIgnoreCase))).ToList();
    }
}
