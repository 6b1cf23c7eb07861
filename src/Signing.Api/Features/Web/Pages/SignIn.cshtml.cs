using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;

namespace Signing.Api.Features.Web.Pages;

/// <summary>What the password form posts.</summary>
public sealed class SignInInput
{
    /// <summary>The username.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(256, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Username))]
    public string? Username { get; set; }

    /// <summary>The password; never echoed back into the page.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(1024, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [DataType(DataType.Password)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Password))]
    public string? Password { get; set; }
}

/// <summary>
/// Sign-in with a username and password, or with the client certificate of an mTLS connection; both start the same
/// cookie session as the JSON API (<see cref="SignInService"/>), then return to the page that asked for it.
/// </summary>
public sealed class SignInModel(SignInService signIn) : PageModel
{
    /// <summary>The password form.</summary>
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    /// <summary>The page to return to; only a path on this site is followed.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Why the certificate was refused (the authentication scheme's words), when it was.</summary>
    public string? CertificateRefusal { get; private set; }

    /// <summary>A certificate can only be presented over TLS, so the certificate form shows only there.</summary>
    public bool OffersCertificate => Request.IsHttps;

    /// <summary>Shows the form, or goes straight on when the person is already signed in.</summary>
    public IActionResult OnGet() => User.FindFirstValue(SigningPrincipal.KindClaim) == Actor.User
        ? LocalRedirect(WebPaths.LocalOrHome(ReturnUrl))
        : Page();

    /// <summary>Signs in with the password form.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await signIn.SignInWithPasswordAsync(HttpContext, Input.Username, Input.Password, ct);
        if (outcome.RetryAfterSeconds is { } seconds)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ModelState.AddModelError(string.Empty, SignInText.Throttled.Format(seconds));
            return Page();
        }

        if (outcome.User is null)
        {
            ModelState.AddModelError(string.Empty, SignInText.Refused.ToString());
            return Page();
        }

        return LocalRedirect(WebPaths.LocalOrHome(ReturnUrl));
    }

    /// <summary>Signs in with the certificate presented on this connection.</summary>
    public async Task<IActionResult> OnPostCertificateAsync(CancellationToken ct)
    {
        // The certificate form has no fields: the password form's rules do not apply to it.
        ModelState.Clear();
        var (user, refusal) = await signIn.SignInWithCertificateAsync(HttpContext, ct);
        if (user is null)
        {
            CertificateRefusal = refusal;
            ModelState.AddModelError(string.Empty, SignInText.CertificateRefused.ToString());
            return Page();
        }

        return LocalRedirect(WebPaths.LocalOrHome(ReturnUrl));
    }
}
