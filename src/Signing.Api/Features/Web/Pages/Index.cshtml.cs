using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Signing.Api.Features.Web.Pages;

/// <summary>The home page: who the person is, and the pages their roles let them use (only pages that exist).</summary>
public sealed class IndexModel(SignedInPeople people, LinkGenerator links) : PageModel
{
    /// <summary>The signed-in person.</summary>
    public SignedInPerson Person { get; private set; } = null!;

    /// <summary>The pages the person may use, other than this one.</summary>
    public IReadOnlyList<NavLink> Destinations { get; private set; } = [];

    /// <summary>Shows the page.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // Pages require a person's session, so a missing account means it was removed since the session began.
        if (await people.FindAsync(User, ct) is not { } person)
        {
            return Forbid();
        }

        Person = person;
        Destinations = [.. WebNavigation.For(User, links).Where(link => link.Item != WebNavigation.Home)];
        return Page();
    }
}
