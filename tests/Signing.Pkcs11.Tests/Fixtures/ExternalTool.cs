using System.Diagnostics;

namespace Signing.Pkcs11.Tests.Fixtures;

/// <summary>Runs a command-line tool (openssl, pkcs11-tool) with a time limit, for cross-checks.</summary>
internal static class ExternalTool
{
    public static (int ExitCode, string StdOut, string StdErr) Run(
        string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var path = FindOnPath(tool) ?? throw new InvalidOperationException(
            $"Required tool '{tool}' is not installed (Debian package: {PackageOf(tool)}); test.sh installs it.");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{tool} {string.Join(' ', start.ArgumentList)}' did not finish in time.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static string PackageOf(string tool) => tool switch
    {
        "pkcs11-tool" => "opensc",
        "softhsm2-util" => "softhsm2",
        "gcc" => "gcc",
        _ => tool,
    };
}
