using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Signing.Api.Features.Web.Pages;

/// <summary>
/// Explains an error status to a person, in their language, with the trace id to quote. The status-code pages
/// re-execute the failed request here with its own method and status, so a failed form post renders too and no
/// antiforgery token is asked for.
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel : PageModel
{
    /// <summary>The status being explained; a direct visit, which has none, is told the page was not found.</summary>
    public int Status => Response.StatusCode >= 400 ? Response.StatusCode : StatusCodes.Status404NotFound;

    /// <summary>The heading and explanation.</summary>
    public (Phrase Heading, Phrase Explanation) Text => ErrorText.For(Status);

    /// <summary>The trace id of the failed request.</summary>
    public string TraceId => HttpContext.TraceIdentifier;

    /// <summary>Explains a failed page request.</summary>
    public void OnGet() => Response.StatusCode = Status;

    /// <summary>Explains a failed form post.</summary>
    public void OnPost() => Response.StatusCode = Status;
}
