using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Credentials;
using Signing.Storage.Credentials;

namespace Signing.Api.Features.Web.Pages.Credential;

/// <summary>Setting the signing PIN: the account password, and the new PIN twice.</summary>
public sealed class PinInput
{
    /// <summary>The account password, asked again: a session alone must not be enough to create a way to sign.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(1024, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [DataType(DataType.Password)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.AccountPassword))]
    public string? Password { get; set; }

    /// <summary>The new signing PIN.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(SigningCredentials.MaxPinLength, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [DataType(DataType.Password)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.NewPin))]
    public string? NewPin { get; set; }

    /// <summary>The new PIN again.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [Compare(nameof(NewPin), ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.PinsDiffer))]
    [DataType(DataType.Password)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.RepeatPin))]
    public string? RepeatPin { get; set; }
}

/// <summary>Starting an authenticator enrolment: the account password.</summary>
public sealed class TotpStartInput
{
    /// <summary>The account password.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(1024, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [DataType(DataType.Password)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.AccountPassword))]
    public string? Password { get; set; }
}

/// <summary>Confirming an enrolment with the app's first code.</summary>
public sealed class TotpConfirmInput
{
    /// <summary>The enrolment token (it holds the new secret, protected, for 10 minutes).</summary>
    [Required]
    [StringLength(4096)]
    public string? EnrolmentToken { get; set; }

    /// <summary>The secret shown, to show it again after a wrong code.</summary>
    [Required]
    [StringLength(128)]
    public string? Secret { get; set; }

    /// <summary>The otpauth URI the QR code holds, to draw it again after a wrong code.</summary>
    [Required]
    [StringLength(1024)]
    public string? OtpAuthUri { get; set; }

    /// <summary>The first code the app shows.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [RegularExpression(@"^\s*\d{6}\s*$", ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.SixDigits))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.AuthenticatorCode))]
    public string? Code { get; set; }
}

/// <summary>
/// A person's signing credential (<see cref="SigningCredentials"/>): whether a signing PIN and an authenticator are set
/// and whether wrong attempts locked it; setting the PIN and enrolling an authenticator (QR code), both after the
/// account password.
/// </summary>
public sealed class SigningCredentialModel(SigningCredentials credentials, SigningCredentialStore store, SignInService signIn) : PageModel
{
    /// <summary>The PIN form.</summary>
    [BindProperty]
    public PinInput Pin { get; set; } = new();

    /// <summary>The enrolment's first form.</summary>
    [BindProperty]
    public TotpStartInput Totp { get; set; } = new();

    /// <summary>The enrolment's second form.</summary>
    [BindProperty]
    public TotpConfirmInput Confirm { get; set; } = new();

    /// <summary>The person's credential, if any.</summary>
    public SigningCredential? Credential { get; private set; }

    /// <summary>The QR code of an enrolment in progress, as SVG.</summary>
    public string? QrCodeSvg { get; private set; }

    /// <summary>What the last post did.</summary>
    public Phrase? DoneMessage { get; private set; }

    /// <summary>Shows the state.</summary>
    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        DoneMessage = done switch
        {
            "pin" => CredentialText.PinSaved,
            "totp" => CredentialText.TotpSaved,
            _ => null,
        };
        await LoadAsync(ct);
    }

    /// <summary>Sets the signing PIN.</summary>
    public async Task<IActionResult> OnPostPinAsync(CancellationToken ct)
    {
        if (ValidFor(nameof(Pin)) && await PasswordMatchesAsync(Pin.Password, $"{nameof(Pin)}.{nameof(PinInput.Password)}", ct))
        {
            if (await credentials.SetPinAsync(User.ToActor(), Pin.NewPin, ct) is null)
            {
                return LocalRedirect(Url.Page("/Credential/Index", new { done = "pin" })!);
            }

            ModelState.AddModelError($"{nameof(Pin)}.{nameof(PinInput.NewPin)}", CredentialText.WeakPin.ToString());
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Starts enrolling an authenticator: the page shows the QR code and asks for the first code.</summary>
    public async Task<IActionResult> OnPostTotpAsync(CancellationToken ct)
    {
        if (ValidFor(nameof(Totp)) && await PasswordMatchesAsync(Totp.Password, $"{nameof(Totp)}.{nameof(TotpStartInput.Password)}", ct))
        {
            var enrolment = credentials.BeginTotp(User.ToActor());
            Confirm = new TotpConfirmInput { EnrolmentToken = enrolment.EnrolmentToken, Secret = enrolment.Secret, OtpAuthUri = enrolment.OtpAuthUri };
            QrCodeSvg = enrolment.QrCodeSvg;
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Confirms the enrolment with the app's first code.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        if (ValidFor(nameof(Confirm)))
        {
            var failure = await credentials.ConfirmTotpAsync(User.ToActor(), Confirm.EnrolmentToken, Confirm.Code?.Trim(), ct);
            if (failure is null)
            {
                return LocalRedirect(Url.Page("/Credential/Index", new { done = "totp" })!);
            }

            ModelState.AddModelError($"{nameof(Confirm)}.{nameof(TotpConfirmInput.Code)}",
                (failure.Field == "code" ? CredentialText.WrongCode : CredentialText.EnrolmentExpired).ToString());
        }

        // The same enrolment goes on: the QR code is drawn again, so the person only types a new code.
        if (Confirm.OtpAuthUri is { } uri && Confirm.EnrolmentToken is not null)
        {
            QrCodeSvg = Draw(uri);
        }

        await LoadAsync(ct);
        return Page();
    }

    // The same QR code BeginTotp drew, drawn again when the person mistyped the first code.
    private static string Draw(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    private async Task<bool> PasswordMatchesAsync(string? password, string field, CancellationToken ct)
    {
        var outcome = await signIn.ConfirmPasswordAsync(HttpContext, User.ToActor().Id, password, ct);
        if (outcome.User is not null)
        {
            return true;
        }

        ModelState.AddModelError(field, outcome.RetryAfterSeconds is { } seconds
            ? SignInText.Throttled.Format(seconds)
            : CredentialText.WrongPassword.ToString());
        return false;
    }

    // Each form posts its own fields: the other forms' (empty) fields are not this post's to validate.
    private bool ValidFor(string form)
    {
        foreach (var key in ModelState.Keys.Where(key => !key.StartsWith(form + ".", StringComparison.Ordinal)).ToList())
        {
            ModelState.Remove(key);
        }

        return ModelState.IsValid;
    }

    private async Task LoadAsync(CancellationToken ct) => Credential = await store.FindAsync(User.ToActor().Id, ct);
}
