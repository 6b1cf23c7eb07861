using System.ComponentModel.DataAnnotations;
using Signing.Api.Features.Credentials;

namespace Signing.Api.Features.Web.Pages.Requests;

/// <summary>
/// The second factor that unlocks a key the service holds: the person's signing PIN or a code from their
/// authenticator (one of the two).
/// </summary>
public class SigningFactorInput : IValidatableObject
{
    /// <summary>The signing PIN; never echoed back into the page.</summary>
    [StringLength(SigningCredentials.MaxPinLength, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [DataType(DataType.Password)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.SigningPin))]
    public string? Pin { get; set; }

    /// <summary>Or a six-digit code from the authenticator app.</summary>
    [RegularExpression(@"^\s*\d{6}\s*$", ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.SixDigits))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.OneTimeCode))]
    public string? Otp { get; set; }

    /// <summary>The code without the spaces a person may type around it.</summary>
    public string? TrimmedOtp => string.IsNullOrWhiteSpace(Otp) ? null : Otp.Trim();

    /// <inheritdoc />
    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Pin) && TrimmedOtp is null)
        {
            yield return new ValidationResult(FormText.PinOrCode, [nameof(Pin)]);
        }
    }
}

/// <summary>An approval, with an optional comment.</summary>
public sealed class ApproveInput
{
    /// <summary>The comment.</summary>
    [StringLength(4000, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.OptionalComment))]
    public string? Comment { get; set; }
}

/// <summary>A reason: required to reject, return or recall.</summary>
public sealed class ReasonInput
{
    /// <summary>Why.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(2000, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Reason))]
    public string? Reason { get; set; }
}

/// <summary>A comment on the active step.</summary>
public sealed class CommentInput
{
    /// <summary>The comment.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(4000, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Comment))]
    public string? Comment { get; set; }
}

/// <summary>Delegating a sign step to another official.</summary>
public sealed class DelegateInput
{
    /// <summary>The username of the official who will sign.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [StringLength(256, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.DelegateTo))]
    public string? DelegateTo { get; set; }

    /// <summary>kt, tl, tuq or q.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [RegularExpression("^(kt|tl|tuq|q)$", ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Capacity))]
    public string? Capacity { get; set; } = "kt";

    /// <summary>The title signed for; the assignee's own when empty.</summary>
    [StringLength(200, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.CapacityTitle))]
    public string? CapacityTitle { get; set; }
}

/// <summary>Registering: the date of issue, which the clerk may change.</summary>
public sealed class RegisterInput
{
    /// <summary>The date of issue.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.Required))]
    [DataType(DataType.Date)]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.IssuedDate))]
    public DateOnly? IssuedDate { get; set; }
}

/// <summary>Electronic copies: which forms, and the clerk's factor for the agency's key.</summary>
public sealed class CopyInput : SigningFactorInput
{
    /// <summary>sao-y, sao-luc and/or trich-sao (the form offers sao-y ticked).</summary>
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.CopyForms))]
    public List<string> Forms { get; set; } = [];

    /// <inheritdoc />
    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }

        if (Forms.Count == 0 || Forms.Any(form => !RequestText.CopyForms.Contains(form)))
        {
            yield return new ValidationResult(string.Format(System.Globalization.CultureInfo.CurrentCulture, FormText.Required, FormText.CopyForms), [nameof(Forms)]);
        }
    }
}

/// <summary>A withdrawal by the submitter; the reason is optional.</summary>
public sealed class WithdrawInput
{
    /// <summary>Why.</summary>
    [StringLength(2000, ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.TooLong))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Reason))]
    public string? Reason { get; set; }
}
