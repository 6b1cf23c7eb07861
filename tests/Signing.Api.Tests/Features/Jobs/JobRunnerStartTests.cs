using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Jobs;
using Signing.Storage;
using Signing.Storage.Jobs;

namespace Signing.Api.Tests.Features.Jobs;

/// <summary>
/// Background services start before the server listens; the job runner waits for the application to have started,
/// because jobs call this node (the certificate watch asks the dev CA it serves, webhooks may point at it).
/// </summary>
public sealed class JobRunnerStartTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("jobs-").FullName;
    private Database _database = null!;

    public async Task InitializeAsync()
    {
        _database = Database.Create(new StorageOptions { DataDirectory = _directory });
        await new MigrationRunner(_database, NullLogger<MigrationRunner>.Instance).ApplyAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ADueRecurringJob_RunsOnlyOnceTheApplicationHasStarted()
    {
        var lifetime = new StartableLifetime();
        var handler = new RecordingHandler();
        var options = Options.Create(new JobOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var runner = new JobRunner(new JobStore(_database, TimeProvider.System), [handler], [new RecurringJob(handler.Kind, TimeSpan.FromDays(1))],
            options, TimeProvider.System, lifetime, NullLogger<JobRunner>.Instance);

        await runner.StartAsync(default);
        // Twenty polls' worth: a runner that did not wait would have run the due job by now.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(handler.Ran.Task.IsCompleted, "the job ran before the application started");

        lifetime.Start();
        await handler.Ran.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await runner.StopAsync(default);
    }

    private sealed class RecordingHandler : IJobHandler
    {
        public TaskCompletionSource Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => "test-recurring";

        public Task<JobOutcome> RunAsync(Job job, string node, CancellationToken ct)
        {
            Ran.TrySetResult();
            return Task.FromResult(JobOutcome.Reschedule(DateTimeOffset.UtcNow.AddDays(1)));
        }
    }

    private sealed class StartableLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
