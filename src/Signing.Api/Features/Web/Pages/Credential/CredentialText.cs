namespace Signing.Api.Features.Web.Pages.Credential;

/// <summary>The texts of the signing-credential page.</summary>
public static class CredentialText
{
    /// <summary>The page title.</summary>
    public static readonly Phrase Title = new("Mã PIN ký số và ứng dụng xác thực", "Signing PIN and authenticator");

    /// <summary>What the page is for.</summary>
    public static readonly Phrase Intro = new(
        "Khi ký bằng khóa do hệ thống giữ, bạn nhập mã PIN ký số của riêng mình hoặc mã một lần của ứng dụng xác thực. Đây không phải mã PIN của USB token.",
        "To sign with a key the service holds you enter your own signing PIN or a one-time code from your authenticator app. It is not your USB token's PIN.");

    /// <summary>The state section's heading.</summary>
    public static readonly Phrase StateHeading = new("Tình trạng", "State");

    /// <summary>The PIN's label.</summary>
    public static readonly Phrase Pin = new("Mã PIN ký số", "Signing PIN");

    /// <summary>The authenticator's label.</summary>
    public static readonly Phrase Authenticator = new("Ứng dụng xác thực", "Authenticator app");

    /// <summary>Set.</summary>
    public static readonly Phrase IsSet = new("Đã đặt", "Set");

    /// <summary>Not set.</summary>
    public static readonly Phrase NotSet = new("Chưa đặt", "Not set");

    /// <summary>Enrolled.</summary>
    public static readonly Phrase Enrolled = new("Đã đăng ký", "Enrolled");

    /// <summary>Not enrolled.</summary>
    public static readonly Phrase NotEnrolled = new("Chưa đăng ký", "Not enrolled");

    /// <summary>The lock state's label.</summary>
    public static readonly Phrase LockLabel = new("Khóa", "Lock");

    /// <summary>Usable, with the wrong attempts so far.</summary>
    public static readonly Phrase Usable = new("Đang dùng được (nhập sai liên tiếp: {0}/{1})", "Usable (wrong attempts in a row: {0} of {1})");

    /// <summary>Locked.</summary>
    public static readonly Phrase Locked = new(
        "Đã khóa sau {0} lần nhập sai; quản trị của cơ quan cần mở khóa.", "Locked after {0} wrong attempts; an administrator of your agency must unlock it.");

    /// <summary>The PIN form's heading.</summary>
    public static readonly Phrase PinHeading = new("Đặt mã PIN ký số", "Set the signing PIN");

    /// <summary>The PIN rules.</summary>
    public static readonly Phrase PinHint = new(
        "Từ 6 đến 64 ký tự, ít nhất 3 ký tự khác nhau. Để đổi mã PIN cần nhập lại mật khẩu đăng nhập.",
        "6 to 64 characters, at least 3 of them different. Changing it asks for your account password again.");

    /// <summary>The PIN button.</summary>
    public static readonly Phrase SavePin = new("Lưu mã PIN", "Save the PIN");

    /// <summary>The authenticator section's heading.</summary>
    public static readonly Phrase TotpHeading = new("Đăng ký ứng dụng xác thực", "Enrol an authenticator app");

    /// <summary>What enrolling does.</summary>
    public static readonly Phrase TotpIntro = new(
        "Ứng dụng (như Google Authenticator, Microsoft Authenticator) cho mã 6 số đổi mỗi 30 giây, dùng thay mã PIN khi ký.",
        "An app (such as Google Authenticator or Microsoft Authenticator) gives a 6-digit code every 30 seconds, to use instead of the PIN when signing.");

    /// <summary>The start button.</summary>
    public static readonly Phrase StartTotp = new("Bắt đầu đăng ký", "Start enrolling");

    /// <summary>The scan instruction.</summary>
    public static readonly Phrase Scan = new(
        "Quét mã QR bằng ứng dụng xác thực, hoặc nhập khóa bí mật dưới đây; rồi nhập mã 6 số ứng dụng hiển thị. Phiên đăng ký hết hạn sau 10 phút.",
        "Scan the QR code with the authenticator app, or type the secret key below; then enter the 6-digit code the app shows. The enrolment expires in 10 minutes.");

    /// <summary>The QR code's accessible name.</summary>
    public static readonly Phrase QrCode = new("Mã QR để đăng ký ứng dụng xác thực", "QR code to enrol the authenticator app");

    /// <summary>The secret's label.</summary>
    public static readonly Phrase Secret = new("Khóa bí mật", "Secret key");

    /// <summary>The confirm button.</summary>
    public static readonly Phrase ConfirmTotp = new("Xác nhận", "Confirm");

    /// <summary>A wrong account password.</summary>
    public static readonly Phrase WrongPassword = new("Mật khẩu đăng nhập không đúng.", "The account password is wrong.");

    /// <summary>A PIN the rules refuse.</summary>
    public static readonly Phrase WeakPin = new(
        "Mã PIN phải có từ 6 đến 64 ký tự, ít nhất 3 ký tự khác nhau.", "The PIN must have 6 to 64 characters, at least 3 of them different.");

    /// <summary>A wrong first code.</summary>
    public static readonly Phrase WrongCode = new(
        "Mã không khớp; hãy kiểm tra đồng hồ của điện thoại rồi nhập mã mới.", "The code does not match; check the phone's clock and enter a new code.");

    /// <summary>An expired enrolment.</summary>
    public static readonly Phrase EnrolmentExpired = new("Phiên đăng ký đã hết hạn; hãy bắt đầu lại.", "The enrolment expired; start again.");

    /// <summary>After the PIN was saved.</summary>
    public static readonly Phrase PinSaved = new("Đã lưu mã PIN ký số.", "The signing PIN is saved.");

    /// <summary>After the authenticator was enrolled.</summary>
    public static readonly Phrase TotpSaved = new("Đã đăng ký ứng dụng xác thực.", "The authenticator app is enrolled.");
}
