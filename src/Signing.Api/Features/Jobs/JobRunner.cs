using Microsoft.Extensions.Options;
using Signing.Storage.Jobs;

namespace Signing.Api.Features.Jobs;

/// <summary>What a job's run came to.</summary>
public abstract record JobOutcome
{
    /// <summary>The job is done.</summary>
    public static JobOutcome Completed { get; } = new CompletedOutcome();

    /// <summary>Try again at <paramref name="at"/> (or discard after the last attempt) because of <paramref name="error"/>.</summary>
    public static JobOutcome Retry(DateTimeOffset at, string error) => new RetryOutcome(at, error);

    /// <summary>A recurring job: run again at <paramref name="at"/>.</summary>
    public static JobOutcome Reschedule(DateTimeOffset at) => new RescheduleOutcome(at);

    /// <summary>The handler already completed the job inside its own transaction.</summary>
    public static JobOutcome CompletedByHandler { get; } = new HandledOutcome();

    internal sealed record CompletedOutcome : JobOutcome;

    internal sealed record RetryOutcome(DateTimeOffset At, string Error) : JobOutcome;

    internal sealed record RescheduleOutcome(DateTimeOffset At) : JobOutcome;

    internal sealed record HandledOutcome : JobOutcome;
}

/// <summary>Runs one kind of job. Handlers must tolerate running twice (a lease can run out): the queue is at least once.</summary>
public interface IJobHandler
{
    /// <summary>The job kind this handler runs.</summary>
    string Kind { get; }

    /// <summary>Runs <paramref name="job"/> on <paramref name="node"/>.</summary>
    Task<JobOutcome> RunAsync(Job job, string node, CancellationToken ct);
}

/// <summary>A recurring job every node makes sure exists; whichever node claims it runs it.</summary>
/// <param name="Kind">The job kind.</param>
/// <param name="Interval">How often it runs.</param>
public sealed record RecurringJob(string Kind, TimeSpan Interval);

/// <summary>Configuration section <c>Jobs</c>.</summary>
public sealed class JobOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Jobs";

    /// <summary>Whether this node runs background jobs (default true; a node may serve requests only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the queue is polled (default 1 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed job is this node's before another may take it over (default 2 minutes).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Jobs run at once on this node (default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromMinutes(10))
        {
            problems.Add("Jobs:PollInterval must be between 10 ms and 10 minutes.");
        }

        if (Lease < TimeSpan.FromSeconds(5))
        {
            problems.Add("Jobs:Lease must be at least 5 seconds.");
        }

        if (Concurrency is < 1 or > 64)
        {
            problems.Add("Jobs:Concurrency must be between 1 and 64.");
        }

        return problems;
    }
}

/// <summary>Registers the job queue and its runner.</summary>
public static class JobSetup
{
    /// <summary>Adds the job store, options and the runner every node runs.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<JobOptions>>(
            new Hosting.ProblemListValidator<JobOptions>(options => options.Problems()));
        services.AddSingleton<JobStore>();
        services.AddSingleton<Storage.Events.EventOutbox>();
        services.AddHostedService<JobRunner>();
        return services;
    }
}

/// <summary>
/// Claims jobs from the shared queue and runs them with their handlers; every node runs one. A crashed node's jobs come
/// back when their lease runs out (the rescuer runs every poll), so nothing is lost, and the claim statement keeps two
/// nodes from taking the same job.
/// </summary>
public sealed partial class JobRunner(
    JobStore jobs, IEnumerable<IJobHandler> handlers, IEnumerable<RecurringJob> recurring, IOptions<JobOptions> options, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<JobRunner> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(handler => handler.Kind, StringComparer.Ordinal);

    /// <summary>This process's name in job claims and webhook attempt logs.</summary>
    public static string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        foreach (var job in recurring)
        {
            await jobs.EnsureRecurringAsync(job.Kind, $"recurring:{job.Kind}", clock.GetUtcNow(), stoppingToken);
        }

        // Background services start before the server listens, and some jobs call this node: the certificate watch asks
        // the dev CA it serves for revocation, which from a fresh ./run.sh found nobody listening, so every certificate's
        // first check went unanswered (and logged a connection error per request).
        await StartedAsync(lifetime, stoppingToken);

        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        while (!stoppingToken.IsCancellationRequested)
        {
            var fullBatch = false;
            try
            {
                await jobs.RescueAsync(stoppingToken);
                var claimed = await jobs.ClaimAsync(Node, _handlers.Keys, options.Value.Concurrency, options.Value.Lease, stoppingToken);
                await Task.WhenAll(claimed.Select(job => RunAsync(job, stoppingToken)));
                fullBatch = claimed.Count == options.Value.Concurrency;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, exception);
            }

            // A full batch means more may be waiting: poll again at once instead of waiting for the next tick.
            if (!fullBatch && !await timer.WaitForNextTickAsync(stoppingToken))
            {
                return;
            }
        }
    }

    private static async Task StartedAsync(IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);
    }

    private async Task RunAsync(Job job, CancellationToken ct)
    {
        JobOutcome outcome;
        try
        {
            outcome = await _handlers[job.Kind].RunAsync(job, Node, ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogJobFailed(logger, exception, job.Kind, job.Id);
            outcome = JobOutcome.Retry(clock.GetUtcNow() + Backoff(job.Attempts), exception.GetType().Name + ": " + exception.Message);
        }

        var held = outcome switch
        {
            JobOutcome.CompletedOutcome => await jobs.CompleteAsync(job.Id, Node, CancellationToken.None),
            JobOutcome.RetryOutcome retry => await jobs.FailAsync(job, Node, retry.Error, retry.At, CancellationToken.None),
            JobOutcome.RescheduleOutcome next => await jobs.RescheduleAsync(job.Id, Node, next.At, CancellationToken.None),
            _ => true,
        };
        if (!held)
        {
            LogLostLease(logger, job.Kind, job.Id);
        }
    }

    private static TimeSpan Backoff(long attempts) => TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(2, Math.Min(attempts, 12))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the job queue failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Kind} {Id} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string kind, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Kind} {Id} finished after this node lost its lease")]
    private static partial void LogLostLease(ILogger logger, string kind, string id);
}
