namespace Signing.Api.Features.Web.Pages.Inbox;

/// <summary>The texts of the officials' inbox and its bulk signing.</summary>
public static class InboxText
{
    /// <summary>The page title.</summary>
    public static readonly Phrase Title = new("Văn bản trình ký", "Documents to sign");

    /// <summary>The accessible name of the box tabs.</summary>
    public static readonly Phrase Boxes = new("Hộp văn bản", "Boxes");

    /// <summary>The to-do box.</summary>
    public static readonly Phrase Todo = new("Cần xử lý", "To do");

    /// <summary>The done box.</summary>
    public static readonly Phrase Done = new("Đã xử lý", "Done");

    /// <summary>The sent box.</summary>
    public static readonly Phrase Sent = new("Tôi đã trình", "Sent by me");

    /// <summary>The table's caption, with the box's name and how many it holds.</summary>
    public static readonly Phrase Caption = new("{0}: {1} văn bản", "{0}: {1} documents");

    /// <summary>The selection column.</summary>
    public static readonly Phrase Select = new("Chọn", "Select");

    /// <summary>The abstract column.</summary>
    public static readonly Phrase Abstract = new("Trích yếu", "Abstract");

    /// <summary>The type column.</summary>
    public static readonly Phrase Type = new("Loại", "Type");

    /// <summary>The step column of the to-do box.</summary>
    public static readonly Phrase YourStep = new("Việc cần làm", "Your step");

    /// <summary>The badges column.</summary>
    public static readonly Phrase Urgency = new("Độ khẩn, hạn", "Urgency, deadline");

    /// <summary>The state column.</summary>
    public static readonly Phrase State = new("Trạng thái", "State");

    /// <summary>The submitted column.</summary>
    public static readonly Phrase Submitted = new("Ngày trình", "Submitted");

    /// <summary>An empty box.</summary>
    public static readonly Phrase Empty = new("Không có văn bản nào.", "No documents here.");

    /// <summary>The name of a row's checkbox.</summary>
    public static readonly Phrase SelectToSign = new("Chọn để ký: {0}", "Select to sign: {0}");

    /// <summary>The bulk-sign form's heading.</summary>
    public static readonly Phrase BulkHeading = new("Ký nhiều văn bản một lần", "Sign several documents at once");

    /// <summary>What bulk signing does.</summary>
    public static readonly Phrase BulkIntro = new(
        "Đánh dấu các văn bản cần ký trong bảng, rồi nhập mã PIN ký số hoặc mã xác thực một lần cho tất cả. Mỗi văn bản được ký đúng bản bạn thấy trong danh sách.",
        "Tick the documents to sign in the table, then enter your signing PIN or one-time code once for all of them. Each is signed at the revision listed here.");

    /// <summary>The bulk-sign button.</summary>
    public static readonly Phrase BulkSign = new("Ký các văn bản đã chọn", "Sign the selected documents");

    /// <summary>The progress section's heading.</summary>
    public static readonly Phrase ProgressHeading = new("Tiến trình ký", "Signing progress");

    /// <summary>The first progress line.</summary>
    public static readonly Phrase Signing = new("Đang ký {0} văn bản…", "Signing {0} documents…");

    /// <summary>One document signed.</summary>
    public static readonly Phrase Signed = new("Đã ký: {0}", "Signed: {0}");

    /// <summary>One document not signed, and why.</summary>
    public static readonly Phrase NotSigned = new("Không ký được: {0} — {1}", "Not signed: {0} — {1}");

    /// <summary>The last progress line.</summary>
    public static readonly Phrase Summary = new("Xong: đã ký {0}, không ký được {1}.", "Done: {0} signed, {1} not signed.");

    /// <summary>The whole batch was refused (a wrong factor, a locked credential).</summary>
    public static readonly Phrase Refused = new("Không ký văn bản nào: {0}", "Nothing was signed: {0}");

    /// <summary>The connection to the server was lost.</summary>
    public static readonly Phrase ConnectionFailed = new(
        "Mất kết nối tới máy chủ. Hãy tải lại trang để xem văn bản nào đã được ký.",
        "The connection to the server was lost. Reload the page to see which documents were signed.");

    /// <summary>A row already signed in this page's bulk run.</summary>
    public static readonly Phrase RowSigned = new("Đã ký", "Signed");
}
