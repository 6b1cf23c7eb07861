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

    /// <summary>The signing PIN field.</summary>
    public static string SigningPin => SigningPinPhrase.ToString();

    /// <summary>The one-time code field.</summary>
    public static string OneTimeCode => OneTimeCodePhrase.ToString();

    /// <summary>The reason field (reject, return, recall).</summary>
    public static string Reason => ReasonPhrase.ToString();

    /// <summary>The comment field.</summary>
    public static string Comment => CommentPhrase.ToString();

    /// <summary>The optional comment of an approval.</summary>
    public static string OptionalComment => OptionalCommentPhrase.ToString();

    /// <summary>The official a signature is delegated to.</summary>
    public static string DelegateTo => DelegateToPhrase.ToString();

    /// <summary>The signing capacity.</summary>
    public static string Capacity => CapacityPhrase.ToString();

    /// <summary>The title signed for.</summary>
    public static string CapacityTitle => CapacityTitlePhrase.ToString();

    /// <summary>The date of issue.</summary>
    public static string IssuedDate => IssuedDatePhrase.ToString();

    /// <summary>The copy forms.</summary>
    public static string CopyForms => CopyFormsPhrase.ToString();

    /// <summary>The account password asked again before a signing factor changes.</summary>
    public static string AccountPassword => AccountPasswordPhrase.ToString();

    /// <summary>The new signing PIN.</summary>
    public static string NewPin => NewPinPhrase.ToString();

    /// <summary>The new signing PIN again.</summary>
    public static string RepeatPin => RepeatPinPhrase.ToString();

    /// <summary>The first code of an authenticator being enrolled.</summary>
    public static string AuthenticatorCode => AuthenticatorCodePhrase.ToString();

    /// <summary>The documents picked for bulk signing.</summary>
    public static string SelectedDocuments => SelectedDocumentsPhrase.ToString();

    /// <summary>The register's year.</summary>
    public static string Year => YearPhrase.ToString();

    /// <summary>The register's series.</summary>
    public static string Series => SeriesPhrase.ToString();

    /// <summary>The register's text search.</summary>
    public static string Search => SearchPhrase.ToString();

    /// <summary>"{0} is 6 digits."</summary>
    public static string SixDigits => SixDigitsPhrase.ToString();

    /// <summary>The message when neither a signing PIN nor a one-time code was given.</summary>
    public static string PinOrCode => PinOrCodePhrase.ToString();

    /// <summary>The message when the two PINs differ.</summary>
    public static string PinsDiffer => PinsDifferPhrase.ToString();

    /// <summary>The message when bulk signing got no document.</summary>
    public static string SelectSome => SelectSomePhrase.ToString();

    internal static readonly Phrase UsernamePhrase = new("Tên đăng nhập", "Username");

    internal static readonly Phrase PasswordPhrase = new("Mật khẩu", "Password");

    internal static readonly Phrase DocumentPhrase = new("Tệp PDF", "PDF file");

    internal static readonly Phrase RequiredPhrase = new("Hãy nhập {0}.", "{0} is required.");

    internal static readonly Phrase DocumentRequiredPhrase = new("Hãy chọn tệp PDF cần kiểm tra.", "Choose the PDF to check.");

    internal static readonly Phrase TooLongPhrase = new("{0} quá dài.", "{0} is too long.");

    internal static readonly Phrase SigningPinPhrase = new("Mã PIN ký số", "Signing PIN");

    internal static readonly Phrase OneTimeCodePhrase = new("Mã xác thực một lần (OTP)", "One-time code (OTP)");

    internal static readonly Phrase ReasonPhrase = new("Lý do", "Reason");

    internal static readonly Phrase CommentPhrase = new("Ý kiến", "Comment");

    internal static readonly Phrase OptionalCommentPhrase = new("Ý kiến (không bắt buộc)", "Comment (optional)");

    internal static readonly Phrase DelegateToPhrase = new("Người ký thay", "Official who signs instead");

    internal static readonly Phrase CapacityPhrase = new("Thẩm quyền ký", "Signing capacity");

    internal static readonly Phrase CapacityTitlePhrase = new("Chức danh ký thay (không bắt buộc)", "Title signed for (optional)");

    internal static readonly Phrase IssuedDatePhrase = new("Ngày ban hành", "Date of issue");

    internal static readonly Phrase CopyFormsPhrase = new("Hình thức sao", "Copy forms");

    internal static readonly Phrase AccountPasswordPhrase = new("Mật khẩu đăng nhập", "Your account password");

    internal static readonly Phrase NewPinPhrase = new("Mã PIN ký số mới", "New signing PIN");

    internal static readonly Phrase RepeatPinPhrase = new("Nhập lại mã PIN ký số", "Repeat the signing PIN");

    internal static readonly Phrase AuthenticatorCodePhrase = new("Mã 6 số ứng dụng đang hiển thị", "The 6-digit code the app shows");

    internal static readonly Phrase SelectedDocumentsPhrase = new("Văn bản cần ký", "Documents to sign");

    internal static readonly Phrase YearPhrase = new("Năm", "Year");

    internal static readonly Phrase SeriesPhrase = new("Sổ", "Series");

    internal static readonly Phrase SearchPhrase = new("Tìm kiếm", "Search");

    internal static readonly Phrase SixDigitsPhrase = new("{0} gồm 6 chữ số.", "{0} is 6 digits.");

    internal static readonly Phrase PinOrCodePhrase = new("Hãy nhập mã PIN ký số hoặc mã xác thực một lần.", "Enter your signing PIN or a one-time code.");

    internal static readonly Phrase PinsDifferPhrase = new("Hai lần nhập mã PIN không giống nhau.", "The two PINs differ.");

    internal static readonly Phrase SelectSomePhrase = new("Hãy chọn ít nhất một văn bản để ký.", "Select at least one document to sign.");
}
