namespace Signing.Api.Features.Web.Pages.Seal;

/// <summary>The texts of the clerks' seal queue.</summary>
public static class SealText
{
    /// <summary>The page title.</summary>
    public static readonly Phrase Title = new("Đóng dấu phát hành", "Seal and issue");

    /// <summary>What the queue holds.</summary>
    public static readonly Phrase Intro = new(
        "Văn bản đã được người có thẩm quyền ký, đang chờ văn thư vào số, đóng dấu hoặc sao. Mở văn bản để xem số sẽ cấp trước khi xác nhận.",
        "Documents signed by the competent official, waiting for a clerk to register, seal or copy them. Open one to see the number it will get before confirming.");

    /// <summary>The table's caption.</summary>
    public static readonly Phrase Caption = new("Văn bản chờ văn thư: {0}", "Waiting for a clerk: {0}");

    /// <summary>The signer column.</summary>
    public static readonly Phrase SignedBy = new("Người ký", "Signed by");

    /// <summary>An empty queue.</summary>
    public static readonly Phrase Empty = new("Không có văn bản nào chờ văn thư.", "No document is waiting for a clerk.");
}
