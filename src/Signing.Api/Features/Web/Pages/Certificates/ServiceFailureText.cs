using System.Text.RegularExpressions;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>
/// Why the certificate, merger and dossier services refused something, in the person's language. The services word
/// their problem details in English for the API; the pages recognise each failure they can meet (by code, and by title
/// for the shared <c>bad-input</c> code) and each row problem of an imported table, and say it in Vietnamese, keeping the
/// service's own words for English. A failure not known here still reads in Vietnamese, by its kind.
/// </summary>
public static partial class ServiceFailureText
{
    /// <summary>The detail of <paramref name="failure"/> as a phrase.</summary>
    public static Phrase Of(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var en = string.IsNullOrWhiteSpace(failure.Detail) ? failure.Title : failure.Detail;
        var vi = (failure.Code, failure.Title) switch
        {
            ("unreadable-table", _) => Unreadable(failure.Detail),
            ("bad-input", "Missing column") => "Dòng tiêu đề của bảng phân công cần có cột username (và các cột action, unit, position, email, reason khi cần).",
            ("bad-input", "Missing new agency") => "Hãy nhập tên, tỉnh, mã định danh (theo Quyết định 20/2020) và cơ quan chủ quản của cơ quan mới.",
            ("bad-input", "Bad agency code") => $"Mã định danh của cơ quan mới phải theo Quyết định 20/2020, ví dụ 000.00.00.H01; đã nhập “{Quoted(failure.Detail)}”.",
            ("bad-input", "Too few agencies") => "Hãy chọn ít nhất hai cơ quan sáp nhập, trong đó có cơ quan của bạn.",
            ("bad-input", "Unknown agency") => $"Không có cơ quan nào đang hoạt động mang mã “{Quoted(failure.Detail)}”.",
            ("bad-input", "Code in use") when CodeInUse().Match(failure.Detail) is { Success: true } m =>
                $"Mã {m.Groups[1].Value} đang là mã của {m.Groups[2].Value}, cơ quan không tham gia sáp nhập.",
            ("bad-input", "Bad mapping") => "Bảng phân công có dòng sai: action là move hoặc leave; reason là job-change, retired, resigned hoặc deceased.",
            ("bad-input", "Unknown certificate") => "Chứng thư được chọn giữ lại không phải chứng thư cơ quan còn hiệu lực của các cơ quan sáp nhập.",
            ("not-your-merger", _) => "Cơ quan của bạn phải là một trong các cơ quan sáp nhập.",
            ("merger-not-found", _) => "Không có kế hoạch sáp nhập này trong cơ quan của bạn.",
            ("merger-not-planned", _) => "Kế hoạch sáp nhập đã được xác nhận nên không thay đổi được nữa.",
            ("nothing-to-request", _) => "Kế hoạch không có đề nghị nào: không chứng thư số nào của các cơ quan sáp nhập cần thay đổi.",
            ("merger-not-ready", _) => "Hồ sơ của kế hoạch sáp nhập còn đề nghị chưa xong; hãy nhập kết quả Ban Cơ yếu Chính phủ trả lời trước.",
            ("not-cert-admin", _) => "Chỉ quản trị chứng thư số và quản trị hệ thống của cơ quan được làm việc này.",
            ("dossier-not-found", _) => "Không có hồ sơ này trong cơ quan của bạn.",
            _ => failure.Kind switch
            {
                FailureKind.BadInput => "Dữ liệu nhập chưa đúng; hãy kiểm tra lại.",
                FailureKind.NotFound => "Không tìm thấy nội dung được yêu cầu trong cơ quan của bạn.",
                FailureKind.Forbidden => "Bạn không có quyền thực hiện thao tác này.",
                FailureKind.Conflict => "Thao tác không hợp với tình trạng hiện tại; hãy tải lại trang rồi thử lại.",
                FailureKind.Unprocessable => "Tệp hoặc dữ liệu gửi lên không xử lý được.",
                FailureKind.Unavailable => "Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau ít phút.",
                _ => "Không thực hiện được thao tác.",
            },
        };
        return new(vi, en);
    }

    /// <summary>A problem of an imported table's row, as the import words it, as a phrase; one not known here stays as it came.</summary>
    public static Phrase Problem(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message == "required, and empty")
        {
            return new("bắt buộc, nhưng để trống", message);
        }

        if (NeitherMoveNorLeave().Match(message) is { Success: true } action)
        {
            return new($"“{action.Groups[1].Value}” không phải move hoặc leave", message);
        }

        if (NotOneOf().Match(message) is { Success: true } value)
        {
            return new($"“{value.Groups[1].Value}” không thuộc các giá trị {value.Groups[2].Value}", message);
        }

        if (MalformedRow().IsMatch(message))
        {
            return new("dòng không đúng định dạng CSV nên không được đọc", message);
        }

        return new(message, message);
    }

    // TableFile's words for a file it cannot read.
    private static string Unreadable(string? detail) => detail switch
    {
        null => "Không đọc được tệp bảng.",
        _ when detail.StartsWith("Unknown table format", StringComparison.Ordinal) => "Chỉ nhận tệp CSV hoặc XLSX.",
        _ when TooManyRows().Match(detail) is { Success: true } rows => $"Tệp có hơn {rows.Groups[1].Value} dòng; hãy tách thành nhiều tệp.",
        "The CSV file has no header row." => "Tệp CSV không có dòng tiêu đề.",
        "The first sheet is empty: it needs a header row." => "Trang tính đầu tiên trống: cần có dòng tiêu đề.",
        _ when detail.StartsWith("The CSV file cannot be read", StringComparison.Ordinal) => "Không đọc được tệp CSV.",
        _ => "Tệp không phải bảng tính XLSX đọc được.",
    };

    private static string Quoted(string? detail) => detail is not null && Quote().Match(detail) is { Success: true } m ? m.Groups[1].Value : "";

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quote();

    [GeneratedRegex(@"^Code (.*) belongs to (.*), which is not merging\.$")]
    private static partial Regex CodeInUse();

    [GeneratedRegex(@"more than (\d+) rows")]
    private static partial Regex TooManyRows();

    [GeneratedRegex(@"^'(.*)' is neither move nor leave$")]
    private static partial Regex NeitherMoveNorLeave();

    [GeneratedRegex(@"^'(.*)' is not one of (.*)$")]
    private static partial Regex NotOneOf();

    [GeneratedRegex(@"^the row is malformed CSV \(.*\) and was not read$")]
    private static partial Regex MalformedRow();
}
