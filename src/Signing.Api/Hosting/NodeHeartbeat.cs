using Microsoft.Extensions.Options;
using Signing.Storage.Nodes;
using Signing.Storage.Results;

namespace Signing.Api.Hosting;

/// <summary>
/// Keeps this node's row in <c>nodes</c> fresh (every third of <see cref="LimitsOptions.NodeDeadAfter"/>), so that other
/// nodes, and this node's next start, know when its Idempotency-Keys in flight are orphaned; removes the row when the node
/// stops cleanly. Every ten minutes it also deletes stored results older than the idempotency window and long-silent nodes.
/// </summary>
public sealed partial class NodeHeartbeat(
    NodeStore nodes, StoredResultStore results, NodeIdentity node, IOptions<LimitsOptions> limits, TimeProvider clock,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Alive before the first request can claim a key in this node's name.
        await nodes.BeatAsync(node.Id, node.Name, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(limits.Value.NodeDeadAfter / 3, clock);
        var nextSweep = clock.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await nodes.BeatAsync(node.Id, node.Name, stoppingToken);
                    if (clock.GetUtcNow() >= nextSweep)
                    {
                        nextSweep = clock.GetUtcNow() + SweepEvery;
                        var now = clock.GetUtcNow();
                        await results.DeleteOlderThanAsync((now - limits.Value.IdempotencyWindow).ToUnixTimeMilliseconds(), stoppingToken);
                        await nodes.DeleteSilentAsync((now - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds(), stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A missed beat is tolerated (the next one comes soon); a long outage frees this node's keys, as it should.
                    LogBeatFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await nodes.RemoveAsync(node.Id, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogBeatFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The node heartbeat or the stored-result sweep failed")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);
}
