using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Verification;
using Signing.Api.Features.Web.Live;
using Signing.Api.Hosting;
using Signing.Pdf.Validation;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Web.Pages;

/// <summary>What the verify form posts.</summary>
public sealed class VerifyInput
{
    /// <summary>The PDF to verify.</summary>
    [Required(ErrorMessageResourceType = typeof(FormText), ErrorMessageResourceName = nameof(FormText.DocumentRequired))]
    [Display(ResourceType = typeof(FormText), Name = nameof(FormText.Document))]
    public IFormFile? Document { get; set; }
}

/// <summary>A verified upload as the results show it.</summary>
/// <param name="FileName">The name the browser gave the file.</param>
/// <param name="Verification">The report, hash and length.</param>
public sealed record VerificationView(string FileName, PdfVerification Verification);

/// <summary>
/// The verify page, for anyone signed in: upload a PDF, read each signature's result in words, download the readable
/// report. Without script the form posts and the page comes back with the results; with script the same results
/// arrive as server-sent events after progress events (<see cref="OnPostStream"/>), and pdf.js previews page 1. Each
/// verification goes through <see cref="SignatureVerification"/>, as <c>POST /api/v1/verify/pdf</c> does, and is
/// audited as <c>verify.pdf</c> like it.
/// </summary>
public sealed partial class VerifyModel(
    SignatureVerification verification, AuditLog audit, PartialHtml partials, ILogger<VerifyModel> logger) : PageModel
{
    /// <summary>The partial that renders results, in the page and in the streamed answer.</summary>
    public const string ResultsPartial = WebSetup.PagesRoot + "/_VerificationResults.cshtml";

    private const string AuditAction = "verify.pdf";

    /// <summary>The form.</summary>
    [BindProperty]
    public VerifyInput Input { get; set; } = new();

    /// <summary>The results of the last post, when there are any.</summary>
    public VerificationView? Results { get; private set; }

    /// <summary>Shows the empty form.</summary>
    public void OnGet()
    {
    }

    /// <summary>Verifies the upload and shows the page with its results.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await VerifyAsync(Input.Document!, ct);
        if (result.Failure is not null)
        {
            ModelState.AddModelError(string.Empty, FormText.DocumentRequired);
            return Page();
        }

        Results = new VerificationView(Input.Document!.FileName, result.Value!);
        return Page();
    }

    /// <summary>Verifies the upload and answers with the readable report PDF in the page's language.</summary>
    public async Task<IActionResult> OnPostReportAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await VerifyAsync(Input.Document!, ct);
        if (result.Failure is not null)
        {
            ModelState.AddModelError(string.Empty, FormText.DocumentRequired);
            return Page();
        }

        var english = WebLanguages.Current == WebLanguage.English;
        var report = await verification.RenderReportAsync(result.Value!,
            english ? ReportLanguage.English : ReportLanguage.Vietnamese, ct);
        return File(report, "application/pdf", english ? "verification-report.pdf" : "bao-cao-xac-minh.pdf");
    }

    /// <summary>
    /// Verifies the upload and answers with server-sent events: <c>stage</c> events ({ text }) as the work moves on,
    /// then <c>result</c> ({ html }: the same results the page shows) or <c>failed</c> ({ text }).
    /// </summary>
    public IActionResult OnPostStream()
    {
        if (!ModelState.IsValid)
        {
            return BadRequest();
        }

        var document = Input.Document!;
        return new EventStreamResult(async (events, ct) =>
        {
            await events.SendAsync("stage", new { text = VerifyText.StageReceived.Format(document.FileName, VerifyText.FileSize(document.Length)) }, ct);
            await events.SendAsync("stage", new { text = VerifyText.StageValidating.ToString() }, ct);
            Result<PdfVerification> result;
            try
            {
                result = await VerifyAsync(document, ct);
            }
            catch (Exception exception) when (!ct.IsCancellationRequested)
            {
                // The answer has started, so the failure travels as an event, explained like the error page would.
                var failure = ProblemMap.Classify(exception, logger);
                if (failure is null)
                {
                    LogUnhandled(logger, exception);
                }

                var explanation = ErrorText.For(failure is null ? StatusCodes.Status500InternalServerError : ProblemMap.StatusOf(failure.Kind)).Explanation;
                await events.SendAsync("failed", new { text = VerifyText.StageFailed.Format(explanation, HttpContext.TraceIdentifier) }, ct);
                return;
            }

            if (result.Failure is not null)
            {
                await events.SendAsync("failed", new { text = FormText.DocumentRequired }, ct);
                return;
            }

            var view = new VerificationView(document.FileName, result.Value!);
            await events.SendAsync("stage", new { text = VerifyText.StageValidated.Format(view.Verification.Report.Signatures.Count) }, ct);
            await events.SendAsync("result", new { html = await partials.RenderAsync(PageContext, ResultsPartial, view) }, ct);
        });
    }

    // One audit record per verification, with the endpoint's details (hash, indication, signature count) and where it came from.
    private async Task<Result<PdfVerification>> VerifyAsync(IFormFile document, CancellationToken ct)
    {
        var trail = new AuditTrail { Action = AuditAction };
        try
        {
            await using var upload = document.OpenReadStream();
            var result = await verification.VerifyPdfAsync(upload, document.Length, trail, ct);
            trail.Add("via", "web");
            await audit.AppendAsync(HttpContext.AuditEntry(AuditAction, null,
                result.Succeeded ? AuditOutcome.Success : AuditOutcome.Denied,
                result.Failure is { } failure ? $"{trail.Details}; status=400; {failure.Title}" : trail.Details), ct);
            return result;
        }
        catch (Exception exception) when (!ct.IsCancellationRequested)
        {
            // Recorded as the audited endpoints record it: a 4xx is denied, anything else failed.
            var failure = ProblemMap.Classify(exception, logger);
            var status = failure is null ? StatusCodes.Status500InternalServerError : ProblemMap.StatusOf(failure.Kind);
            trail.Add("via", "web");
            await audit.AppendAsync(HttpContext.AuditEntry(AuditAction, null,
                status < StatusCodes.Status500InternalServerError ? AuditOutcome.Denied : AuditOutcome.Failure,
                $"{trail.Details}; status={status}; {failure?.Title ?? "Internal error"}"), CancellationToken.None);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error while verifying a PDF on the verify page")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
