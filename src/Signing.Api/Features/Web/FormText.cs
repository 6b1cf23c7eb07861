namespace Signing.Api.Features.Web;

/// <summary>
/// Field names and validation messages for data annotations. Annotations name a static string property through
/// <c>ResourceType</c>/<c>ErrorMessageResourceType</c> and read it on every use, so the text follows the request's
/// language like every <see cref="Phrase"/>.
/// </summary>
public static class FormText
{
    /// <summary>The username field.</summary>
    public static string Username => UsernamePhrase.ToString();

    /// <summary>The password field.</summary>
    public static string Password => PasswordPhrase.ToString();

    /// <summary>The PDF upload field.</summary>
    public static string Document => DocumentPhrase.ToString();

    /// <summary>"{0} is required."</summary>
    public static string Required => RequiredPhrase.ToString();

    /// <summary>The message when no PDF was chosen.</summary>
    public static string DocumentRequired => DocumentRequiredPhrase.ToString();

    /// <summary>"{0} is too long."</summary>
    public static string TooLong => TooLongPhrase.ToString();

    internal static readonly Phrase UsernamePhrase = new("Tên đăng nhập", "Username");

    internal static readonly Phrase PasswordPhrase = new("Mật khẩu", "Password");

    internal static readonly Phrase DocumentPhrase = new("Tệp PDF", "PDF file");

    internal static readonly Phrase RequiredPhrase = new("Hãy nhập {0}.", "{0} is required.");

    internal static readonly Phrase DocumentRequiredPhrase = new("Hãy chọn tệp PDF cần kiểm tra.", "Choose the PDF to check.");

    internal static readonly Phrase TooLongPhrase = new("{0} quá dài.", "{0} is too long.");
}
