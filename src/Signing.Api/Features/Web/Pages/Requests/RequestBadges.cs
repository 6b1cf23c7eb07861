using Signing.Api.Features.SignatureRequests;

namespace Signing.Api.Features.Web.Pages.Requests;

/// <summary>
/// The urgency, secrecy and deadline badges of a request (the partial <c>_RequestBadges</c>), each in words and never
/// by colour alone.
/// </summary>
/// <param name="Urgency">The urgency.</param>
/// <param name="Secrecy">The secrecy level.</param>
/// <param name="Deadline">The deadline, if any.</param>
/// <param name="Now">The current time.</param>
/// <param name="Open">Whether the request is still moving (a closed request's deadline no longer presses).</param>
public sealed record RequestBadges(string Urgency, string Secrecy, DateTimeOffset? Deadline, DateTimeOffset Now, bool Open)
{
    /// <summary>A deadline within this long is due soon.</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromDays(1);

    /// <summary>The deadline's badge text and style, or null without a deadline.</summary>
    public (string Text, string Style)? DeadlineBadge => Deadline is not { } deadline
        ? null
        : !Open ? (RequestText.DueOn.Format(VietnamTime.Format(deadline)), "badge")
        : deadline <= Now ? ($"{RequestText.Overdue} · {VietnamTime.Format(deadline)}", "badge badge--overdue")
        : deadline - Now <= Soon ? ($"{RequestText.DueSoon} · {VietnamTime.Format(deadline)}", "badge badge--soon")
        : (RequestText.DueOn.Format(VietnamTime.Format(deadline)), "badge");

    /// <summary>The urgency badge's style: the more urgent, the stronger.</summary>
    public string UrgencyStyle => Urgency switch
    {
        Urgencies.Flash or Urgencies.VeryUrgent => "badge badge--flash",
        Urgencies.Urgent => "badge badge--urgent",
        _ => "badge",
    };
}
