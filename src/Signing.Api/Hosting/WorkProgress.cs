namespace Signing.Api.Hosting;

/// <summary>How far a long piece of work has come: the phase it is in, and how many of that phase's items are done.</summary>
/// <param name="Phase">The phase, one of the work's own words (e.g. <c>read</c>, <c>check</c>, <c>plan</c>).</param>
/// <param name="Done">Items of the phase done.</param>
/// <param name="Total">Items the phase has; 0 when the phase is not counted.</param>
public sealed record WorkProgress(string Phase, int Done, int Total)
{
    /// <summary>
    /// Whether item <paramref name="done"/> of <paramref name="total"/> is worth reporting: the first, the last, and
    /// about every fiftieth in between, so a long table reports steadily without an event per row.
    /// </summary>
    public static bool Worth(int done, int total) => done <= 1 || done >= total || done % Math.Max(1, total / 50) == 0;
}

/// <summary>
/// Receives the progress of long work (a web page streams it as server-sent events). Awaited, so that a slow reader
/// slows the work rather than letting reports pile up; the work goes on the same whether anyone listens or not.
/// </summary>
/// <param name="progress">Where the work is.</param>
/// <param name="ct">Cancels the report (the person left the page).</param>
public delegate Task ProgressSink(WorkProgress progress, CancellationToken ct);
