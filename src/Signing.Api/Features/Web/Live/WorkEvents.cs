using Signing.Api.Features.Web.Pages;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web.Live;

/// <summary>
/// The events of long work a page starts (an import, a rendering), on an <see cref="EventStream"/>: <c>progress</c>
/// ({ phase, text, done, total }) as the work reports it, then <c>done</c> ({ text, done, total, ... what the page needs
/// to show the result }) or <c>failed</c> ({ text }). <c>wwwroot/js/progress.js</c> shows them in any form marked with
/// <c>data-progress-handler</c>.
/// </summary>
public static partial class WorkEvents
{
    /// <summary>
    /// Runs <paramref name="work"/>, which sends the events. The answer has started when it runs, so an exception cannot
    /// become an error page: it is classified by <see cref="ProblemMap"/> like any page's (logged when unexpected) and
    /// sent as <c>failed</c>, explained as the error page would, with the trace id to quote.
    /// </summary>
    public static async Task GuardAsync(this EventStream events, HttpContext http, ILogger logger, Func<Task> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await work();
        }
        catch (Exception exception) when (!ct.IsCancellationRequested)
        {
            var failure = ProblemMap.Classify(exception, logger);
            if (failure is null)
            {
                LogUnhandled(logger, exception, http.Request.Path);
            }

            var explanation = ErrorText.For(failure is null ? StatusCodes.Status500InternalServerError : ProblemMap.StatusOf(failure.Kind)).Explanation;
            await events.FailedAsync(ProgressText.Stopped.Format(explanation, http.TraceIdentifier), ct);
        }
    }

    /// <summary>A progress sink that sends each report as a <c>progress</c> event, in words from <paramref name="describe"/>.</summary>
    public static ProgressSink Progress(this EventStream events, Func<WorkProgress, Phrase> describe)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(describe);
        return (progress, ct) => events.SendAsync("progress", new
        {
            phase = progress.Phase,
            text = describe(progress).Format(progress.Done, progress.Total),
            done = progress.Done,
            total = progress.Total,
        }, ct);
    }

    /// <summary>Sends the <c>failed</c> event with <paramref name="text"/>, in the person's language.</summary>
    public static Task FailedAsync(this EventStream events, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.SendAsync("failed", new { text }, ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in the streamed work of {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}

/// <summary>The words every live-progress panel shares.</summary>
public static class ProgressText
{
    /// <summary>The panel's heading.</summary>
    public static readonly Phrase Heading = new("Tiến độ", "Progress");

    /// <summary>
    /// The work stopped on an error; {0} explains it as the error page would, {1} is the trace id. Part of the work may
    /// already be saved (an import stores the mapping before the page's answer is drawn), so it says where to look.
    /// </summary>
    public static readonly Phrase Stopped = new(
        "Việc bị dừng giữa chừng: {0} Tải lại trang để xem phần việc đã được lưu. Mã tra cứu: {1}.",
        "The work stopped: {0} Reload the page to see what was saved. Reference: {1}.");

    /// <summary>The connection to the server was lost while the work ran.</summary>
    public static readonly Phrase ConnectionFailed = new(
        "Mất kết nối tới máy chủ. Hãy tải lại trang để xem việc đã xong hay chưa.",
        "The connection to the server was lost. Reload the page to see whether the work was done.");
}
