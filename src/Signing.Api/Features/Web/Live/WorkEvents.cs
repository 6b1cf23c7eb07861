using Signing.Api.Hosting;

namespace Signing.Api.Features.Web.Live;

/// <summary>
/// The events of long work a page starts (an import, a rendering), on an <see cref="EventStream"/>: <c>progress</c>
/// ({ phase, text, done, total }) as the work reports it, then <c>done</c> ({ text, done, total, ... what the page needs
/// to show the result }) or <c>failed</c> ({ text }). <c>wwwroot/js/progress.js</c> shows them in any form marked with
/// <c>data-progress-handler</c>.
/// </summary>
public static class WorkEvents
{
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
}

/// <summary>The words every live-progress panel shares.</summary>
public static class ProgressText
{
    /// <summary>The panel's heading.</summary>
    public static readonly Phrase Heading = new("Tiến độ", "Progress");

    /// <summary>The connection to the server was lost while the work ran.</summary>
    public static readonly Phrase ConnectionFailed = new(
        "Mất kết nối tới máy chủ. Hãy tải lại trang để xem việc đã xong hay chưa.",
        "The connection to the server was lost. Reload the page to see whether the work was done.");
}
