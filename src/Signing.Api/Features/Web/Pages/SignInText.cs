namespace Signing.Api.Features.Web.Pages;

/// <summary>The texts of the sign-in page.</summary>
public static class SignInText
{
    /// <summary>The page title and heading.</summary>
    public static readonly Phrase Title = new("Đăng nhập", "Sign in");

    /// <summary>The line under the heading.</summary>
    public static readonly Phrase Intro = new(
        "Đăng nhập bằng tài khoản do quản trị hệ thống của cơ quan cấp.", "Sign in with the account your agency's administrator gave you.");

    /// <summary>The password form's button.</summary>
    public static readonly Phrase Submit = new("Đăng nhập", "Sign in");

    /// <summary>The one answer to a wrong username, a wrong password or a disabled account: they are not told apart.</summary>
    public static readonly Phrase Refused = new(
        "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.",
        "The username or password is incorrect, or the account is disabled.");

    /// <summary>Too many failed attempts from here on this account: when to try again ({0}: seconds).</summary>
    public static readonly Phrase Throttled = new(
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {0} giây.",
        "Too many failed sign-in attempts. Try again in {0} seconds.");

    /// <summary>The certificate section's heading.</summary>
    public static readonly Phrase CertificateHeading = new("Đăng nhập bằng chứng thư số", "Sign in with a certificate");

    /// <summary>What the certificate sign-in uses.</summary>
    public static readonly Phrase CertificateIntro = new(
        "Dùng chứng thư số cá nhân (USB token) mà trình duyệt đã trình cho máy chủ khi kết nối.",
        "Use the personal certificate (USB token) your browser presented to the server when it connected.");

    /// <summary>The certificate form's button.</summary>
    public static readonly Phrase CertificateSubmit = new("Đăng nhập bằng chứng thư số", "Sign in with the certificate");

    /// <summary>The answer when the certificate is refused; the reason follows in English.</summary>
    public static readonly Phrase CertificateRefused = new("Chứng thư số không được chấp nhận. Lý do:", "The certificate was not accepted. Reason:");
}
