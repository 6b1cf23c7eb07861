namespace Signing.Cli.Tests;

/// <summary>
/// <c>signing bench requests</c> checks its options before it reaches a service: the untimed warm-up and the process
/// whose CPU it charges. Its figures come from <c>bench/requests/run.sh</c> against <c>./run.sh</c>.
/// </summary>
public sealed class BenchRequestsUsageTests
{
    [Fact]
    public void ANegativeWarmup_AndAProcessThatDoesNotExist_AreUsageErrors()
    {
        var warmup = Bench("--warmup", "-1");
        Assert.Equal(2, warmup.ExitCode);
        Assert.Contains("--warmup -1 is outside 0-1000000", warmup.Stderr, StringComparison.Ordinal);

        // Process ids stop at 2^22 on Linux, so this one cannot be running.
        var pid = Bench("--pid", "2147483647");
        Assert.Equal(2, pid.ExitCode);
        Assert.Contains("--pid 2147483647: no such process", pid.Stderr, StringComparison.Ordinal);
    }

    private static SigningCli.Result Bench(params string[] extra)
        => SigningCli.Run(null, ["bench", "requests", "--url", "http://127.0.0.1:9", "--demo", "/nonexistent/demo.json", .. extra]);
}
