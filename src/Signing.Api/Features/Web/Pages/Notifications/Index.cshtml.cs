using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Storage.Notifications;

namespace Signing.Api.Features.Web.Pages.Notifications;

/// <summary>The mark-read form.</summary>
public sealed class MarkReadInput
{
    /// <summary>The notification.</summary>
    [Required]
    [StringLength(64)]
    public string? Id { get; set; }
}

/// <summary>
/// A person's in-app notifications, newest first: what needs them and what happened to their requests, each linking
/// to its request; they can be marked read one by one or all at once.
/// </summary>
public sealed class NotificationsModel(NotificationStore notifications, TimeProvider clock) : PageModel
{
    private const int Shown = 100;

    /// <summary>The mark-read form.</summary>
    [BindProperty]
    public MarkReadInput Read { get; set; } = new();

    /// <summary>The notifications shown.</summary>
    public IReadOnlyList<Notification> Items { get; private set; } = [];

    /// <summary>How many are unread.</summary>
    public int UnreadCount { get; private set; }

    /// <summary>The current time.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Shows the notifications.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        var person = User.ToActor().Id;
        Items = await notifications.ListAsync(person, unreadOnly: false, Shown, ct);
        UnreadCount = await notifications.UnreadCountAsync(person, ct);
    }

    /// <summary>Marks one notification read.</summary>
    public async Task<IActionResult> OnPostReadAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return BadRequest();
        }

        // Marking someone else's or an already read notification changes nothing; the list shows the truth either way.
        await notifications.MarkReadAsync(User.ToActor().Id, Read.Id!, ct);
        return LocalRedirect(Url.Page("/Notifications/Index")!);
    }

    /// <summary>Marks every unread notification read.</summary>
    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var person = User.ToActor().Id;
        foreach (var notification in await notifications.ListAsync(person, unreadOnly: true, 200, ct))
        {
            await notifications.MarkReadAsync(person, notification.Id, ct);
        }

        return LocalRedirect(Url.Page("/Notifications/Index")!);
    }

    /// <summary>The notification's link when it stays on this site, else null.</summary>
    public static string? LocalLink(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return notification.Link is { } link && WebPaths.LocalOrHome(link) == link && link != "/" ? link : null;
    }
}
