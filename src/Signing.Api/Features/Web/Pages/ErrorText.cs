namespace Signing.Api.Features.Web.Pages;

/// <summary>The texts of the error page: a heading and an explanation per status.</summary>
public static class ErrorText
{
    /// <summary>The label of the trace id a person quotes to the operator.</summary>
    public static readonly Phrase Reference = new("Mã tra cứu", "Reference");

    /// <summary>The link back home.</summary>
    public static readonly Phrase BackHome = new("Về trang chủ", "Back to the home page");

    /// <summary>The heading and explanation for <paramref name="status"/>.</summary>
    public static (Phrase Heading, Phrase Explanation) For(int status) => status switch
    {
        400 => (new("Yêu cầu không hợp lệ", "The request was not accepted"),
            new("Biểu mẫu có thể đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại.",
                "The form may have expired or lacks its protection token. Reload the page and try again.")),
        403 => (new("Không có quyền truy cập", "Access denied"),
            new("Tài khoản của bạn không được dùng trang này.", "Your account may not use this page.")),
        404 => (new("Không tìm thấy trang", "Page not found"),
            new("Địa chỉ không đúng, hoặc trang không còn nữa.", "The address is wrong, or the page no longer exists.")),
        413 => (new("Tệp quá lớn", "File too large"),
            new("Tệp vượt quá dung lượng tối đa máy chủ nhận.", "The file is larger than the server accepts.")),
        422 => (new("Không xử lý được tệp", "The file cannot be processed"),
            new("Tệp bị hỏng, bị mã hóa hoặc không đúng định dạng.", "The file is damaged, encrypted or not in the expected format.")),
        429 => (new("Quá nhiều lần thử", "Too many attempts"),
            new("Hãy đợi một phút rồi thử lại.", "Wait a minute, then try again.")),
        503 => (new("Dịch vụ tạm thời gián đoạn", "Service temporarily unavailable"),
            new("Hãy thử lại sau ít phút.", "Try again in a few minutes.")),
        _ => (new("Đã xảy ra lỗi", "Something went wrong"),
            new("Máy chủ chưa xử lý được yêu cầu. Nếu lỗi lặp lại, hãy báo mã tra cứu cho quản trị hệ thống.",
                "The server could not complete the request. If it happens again, give the reference to your administrator.")),
    };
}
