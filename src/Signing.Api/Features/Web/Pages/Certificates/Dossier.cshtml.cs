using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Dossiers;
using Signing.Api.Features.Web.Live;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>
/// A dossier of GCC requests: its state, due date, dispatch, and every request with the subject before and after; and
/// its PDF, rendered with live progress (<see cref="OnPostRenderStreamAsync"/>) or, without script, simply downloaded.
/// </summary>
[Authorize(Roles = Roles.CertAdmin + "," + Roles.Admin)]
public sealed class DossierModel(DossierService dossiers, ILogger<DossierModel> logger) : PageModel
{
    /// <summary>The dossier.</summary>
    public DossierView Dossier { get; private set; } = null!;

    /// <summary>Shows the dossier.</summary>
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var found = await dossiers.ViewAsync(User.ToActor(), id, ct);
        if (found.Value is not { } dossier)
        {
            return Forbid();
        }

        Dossier = dossier;
        return Page();
    }

    /// <summary>The dossier's PDF (as signed once signed, else as it would be sent).</summary>
    public async Task<IActionResult> OnGetPdfAsync(string id, CancellationToken ct)
    {
        var pdf = await dossiers.PdfAsync(User.ToActor(), id, ct);
        return pdf.Value is { } bytes ? File(bytes, "application/pdf", FileName(id)) : Forbid();
    }

    /// <summary>Renders the PDF and answers with it (the render form without script).</summary>
    public Task<IActionResult> OnPostRenderAsync(string id, CancellationToken ct) => OnGetPdfAsync(id, ct);

    /// <summary>
    /// Renders the PDF, answering with server-sent events (see <see cref="WorkEvents"/>): <c>progress</c> while the
    /// requests are gathered, the rows drawn and the file written, then <c>done</c> ({ text, done: rows drawn, total:
    /// rows, file: { name, type, base64 } }) or <c>failed</c> ({ text }). Another agency's dossier is refused before the
    /// stream starts (403).
    /// </summary>
    public async Task<IActionResult> OnPostRenderStreamAsync(string id, CancellationToken ct)
    {
        var actor = User.ToActor();
        if ((await dossiers.FindAsync(actor, id, ct)).Value is null)
        {
            return Forbid();
        }

        return new EventStreamResult((events, token) => events.GuardAsync(HttpContext, logger, async () =>
        {
            var rows = 0;
            var report = events.Progress(CertificateText.RenderPhase);
            var pdf = await dossiers.PdfAsync(actor, id, token, async (progress, t) =>
            {
                rows = progress.Phase is RenderPhases.Collect or RenderPhases.Stored ? progress.Total : rows;
                await report(progress, t);
            });
            if (pdf.Failure is { } failure)
            {
                await events.FailedAsync($"{CertificateText.RenderFailed} {ServiceFailureText.Of(failure)}", token);
                return;
            }

            await events.SendAsync("done", new
            {
                text = CertificateText.Rendered.Format(rows, VerifyText.FileSize(pdf.Value!.Length)),
                done = rows,
                total = rows,
                file = new { name = FileName(id), type = "application/pdf", base64 = Convert.ToBase64String(pdf.Value!) },
            }, token);
        }, token));
    }

    private static string FileName(string id) => $"ho-so-{id}.pdf";
}
