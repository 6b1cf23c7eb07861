using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web;

/// <summary>The texts of the frame every page sits in: header, navigation, language switch, roles and error pages.</summary>
public static class ShellText
{
    /// <summary>The service's name in the header and the window title.</summary>
    public static readonly Phrase AppName = new("Dịch vụ chữ ký số", "Digital signature service");

    /// <summary>The skip link, the first thing a keyboard reaches.</summary>
    public static readonly Phrase SkipToContent = new("Bỏ qua, đến nội dung chính", "Skip to main content");

    /// <summary>The accessible name of the main navigation.</summary>
    public static readonly Phrase MainNavigation = new("Điều hướng chính", "Main navigation");

    /// <summary>The accessible name of the signed-in person's block in the header.</summary>
    public static readonly Phrase Account = new("Tài khoản", "Account");

    /// <summary>The label before the person's roles.</summary>
    public static readonly Phrase RolesLabel = new("Vai trò", "Roles");

    /// <summary>The sign-out button.</summary>
    public static readonly Phrase SignOut = new("Đăng xuất", "Sign out");

    /// <summary>The accessible name of the language switch.</summary>
    public static readonly Phrase Language = new("Ngôn ngữ", "Language");

    /// <summary>The language switch's button: the other language, named in itself.</summary>
    public static readonly Phrase OtherLanguage = new("English", "Tiếng Việt");

    /// <summary>The footer line.</summary>
    public static readonly Phrase Footer = new(
        "Chữ ký số chuyên dùng công vụ — Nghị định 68/2024/NĐ-CP, Nghị định 30/2020/NĐ-CP",
        "Public-service digital signatures — Decree 68/2024/ND-CP, Decree 30/2020/ND-CP");

    /// <summary>Home in the navigation.</summary>
    public static readonly Phrase NavHome = new("Trang chủ", "Home");

    /// <summary>The home page card of home itself (never shown as a card, but every item has a description).</summary>
    public static readonly Phrase NavHomeDescription = new("Tài khoản của bạn và các việc bạn có thể làm.", "Your account and what you can do.");

    /// <summary>The officials' inbox in the navigation (issue 12).</summary>
    public static readonly Phrase NavInbox = new("Văn bản trình ký", "Documents to sign");

    /// <summary>What the inbox is for.</summary>
    public static readonly Phrase NavInboxDescription = new(
        "Xem, ký duyệt hoặc từ chối các văn bản được trình.", "Review, sign or reject the documents submitted to you.");

    /// <summary>The clerks' seal queue in the navigation (issue 12).</summary>
    public static readonly Phrase NavSealQueue = new("Đóng dấu phát hành", "Seal and issue");

    /// <summary>What the seal queue is for.</summary>
    public static readonly Phrase NavSealQueueDescription = new(
        "Cấp số, đóng dấu và phát hành văn bản đã được ký.", "Number, seal and issue documents that have been signed.");

    /// <summary>The register of outgoing documents in the navigation (issue 12).</summary>
    public static readonly Phrase NavRegister = new("Sổ văn bản đi", "Outgoing register");

    /// <summary>What the register is for.</summary>
    public static readonly Phrase NavRegisterDescription = new(
        "Tra cứu và xuất sổ đăng ký văn bản đi.", "Search and export the register of outgoing documents.");

    /// <summary>The certificate admins' dashboard in the navigation (issue 13).</summary>
    public static readonly Phrase NavCertificates = new("Chứng thư số", "Certificates");

    /// <summary>What the certificate pages are for.</summary>
    public static readonly Phrase NavCertificatesDescription = new(
        "Theo dõi chứng thư số, hạn sử dụng và hồ sơ đề nghị gửi Ban Cơ yếu Chính phủ.",
        "Track certificates, their expiry and the request dossiers sent to the Government Cipher Committee.");

    /// <summary>The verify page in the navigation.</summary>
    public static readonly Phrase NavVerify = new("Xác minh", "Verify");

    /// <summary>What the verify page is for.</summary>
    public static readonly Phrase NavVerifyDescription = new(
        "Tải lên một tệp PDF để kiểm tra từng chữ ký số và tải báo cáo kết quả.",
        "Upload a PDF to check each of its digital signatures and download the report.");

    /// <summary>The notifications page in the navigation.</summary>
    public static readonly Phrase NavNotifications = new("Thông báo", "Notifications");

    /// <summary>What the notifications page is for.</summary>
    public static readonly Phrase NavNotificationsDescription = new(
        "Văn bản cần bạn xử lý và những gì đã xảy ra với văn bản bạn trình.", "Documents that need you and what happened to those you submitted.");

    /// <summary>The signing-credential page in the navigation.</summary>
    public static readonly Phrase NavCredential = new("Mã PIN ký số", "Signing PIN");

    /// <summary>What the signing-credential page is for.</summary>
    public static readonly Phrase NavCredentialDescription = new(
        "Đặt mã PIN ký số, đăng ký ứng dụng xác thực, xem tình trạng khóa.", "Set your signing PIN, enrol an authenticator app, see whether it is locked.");

    /// <summary>The accessible name of the header's counters.</summary>
    public static readonly Phrase Counters = new("Việc đang chờ", "Waiting for you");

    /// <summary>The to-do counter, with the count.</summary>
    public static readonly Phrase TodoCounter = new("Cần xử lý: {0}", "To do: {0}");

    /// <summary>The unread-notifications counter, with the count.</summary>
    public static readonly Phrase UnreadCounter = new("Thông báo chưa đọc: {0}", "Unread notifications: {0}");

    /// <summary>A role's name for people.</summary>
    public static Phrase Role(string role) => role switch
    {
        Roles.Caller => new("Hệ thống kết nối", "Calling system"),
        Roles.Official => new("Lãnh đạo ký duyệt", "Signing official"),
        Roles.Clerk => new("Văn thư", "Clerk"),
        Roles.CertAdmin => new("Quản trị chứng thư số", "Certificate administrator"),
        Roles.Auditor => new("Kiểm tra nhật ký", "Auditor"),
        Roles.Admin => new("Quản trị hệ thống", "Administrator"),
        _ => new(role, role),
    };
}
