namespace Signing.Api.Features.Web.Pages.Register;

/// <summary>The texts of the register of outgoing documents (Decree 30/2020, Appendix IV).</summary>
public static class RegisterText
{
    /// <summary>The page title.</summary>
    public static readonly Phrase Title = new("Sổ đăng ký văn bản đi", "Register of outgoing documents");

    /// <summary>What the register is.</summary>
    public static readonly Phrase Intro = new(
        "Các văn bản đã vào số trong năm, theo mẫu Phụ lục IV Nghị định 30/2020/NĐ-CP. Văn bản mật có sổ riêng.",
        "The documents registered in the year, in the form of Decree 30/2020 Appendix IV. Secret documents have their own series.");

    /// <summary>The filter form's accessible name.</summary>
    public static readonly Phrase Filters = new("Lọc sổ", "Filter the register");

    /// <summary>Every series.</summary>
    public static readonly Phrase AllSeries = new("Tất cả các sổ", "All series");

    /// <summary>The search field's hint.</summary>
    public static readonly Phrase SearchHint = new("Ký hiệu, trích yếu, loại văn bản hoặc người ký.", "Symbol, abstract, document type or signer.");

    /// <summary>The filter button.</summary>
    public static readonly Phrase Filter = new("Lọc", "Filter");

    /// <summary>The exports' accessible name.</summary>
    public static readonly Phrase Exports = new("Tải sổ", "Download the register");

    /// <summary>The CSV export.</summary>
    public static readonly Phrase Csv = new("Tải tệp CSV", "Download CSV");

    /// <summary>The PDF export.</summary>
    public static readonly Phrase Pdf = new("Tải bản PDF để in", "Download printable PDF");

    /// <summary>What the exports hold.</summary>
    public static readonly Phrase ExportHint = new("Tệp tải về gồm đúng các dòng đang lọc.", "The downloads hold the rows filtered here.");

    /// <summary>The table's caption.</summary>
    public static readonly Phrase Caption = new("Năm {0}: {1} văn bản", "{0}: {1} documents");

    /// <summary>An empty register.</summary>
    public static readonly Phrase Empty = new("Không có văn bản nào khớp.", "No document matches.");

    /// <summary>The columns of Appendix IV.</summary>
    public static readonly IReadOnlyList<Phrase> Columns =
    [
        new("Số", "No."),
        new("Ký hiệu", "Symbol"),
        new("Ngày tháng", "Date"),
        new("Tên loại", "Type"),
        new("Trích yếu nội dung", "Abstract"),
        new("Người ký", "Signer"),
        new("Nơi nhận", "Recipients"),
        new("Đơn vị, người nhận bản lưu", "Kept by"),
        new("Số lượng bản", "Copies"),
        new("Ghi chú", "Notes"),
    ];
}
