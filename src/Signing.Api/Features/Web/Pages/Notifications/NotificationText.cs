namespace Signing.Api.Features.Web.Pages.Notifications;

/// <summary>The texts of the notifications page.</summary>
public static class NotificationText
{
    /// <summary>The page title.</summary>
    public static readonly Phrase Title = new("Thông báo", "Notifications");

    /// <summary>How many are unread.</summary>
    public static readonly Phrase UnreadCount = new("Chưa đọc: {0}", "Unread: {0}");

    /// <summary>A notification's unread mark.</summary>
    public static readonly Phrase Unread = new("Chưa đọc", "Unread");

    /// <summary>The mark-read button.</summary>
    public static readonly Phrase MarkRead = new("Đánh dấu đã đọc", "Mark as read");

    /// <summary>The mark-read button's accessible name, with the notification's title.</summary>
    public static readonly Phrase MarkReadNamed = new("Đánh dấu đã đọc: {0}", "Mark as read: {0}");

    /// <summary>The mark-all-read button.</summary>
    public static readonly Phrase MarkAllRead = new("Đánh dấu tất cả đã đọc", "Mark all as read");

    /// <summary>The link to what a notification is about.</summary>
    public static readonly Phrase Open = new("Mở văn bản", "Open the document");

    /// <summary>The notification of a secret document, whose content is never put in a notification.</summary>
    public static readonly Phrase Confidential = new(
        "Văn bản mật: nội dung không hiển thị trong thông báo, hãy mở văn bản để xem.",
        "Secret document: its content is never shown in a notification; open the document to read it.");

    /// <summary>No notifications.</summary>
    public static readonly Phrase Empty = new("Bạn không có thông báo nào.", "You have no notifications.");

    /// <summary>The notifications' language, stated for English readers (the workflow writes them in Vietnamese).</summary>
    public static readonly Phrase WrittenInVietnamese = new("Thông báo do hệ thống ghi bằng tiếng Việt.", "Notifications are written in Vietnamese.");
}
