using System.Diagnostics;

namespace Signing.Cli.Tests;

/// <summary>
/// A temp SoftHSM2 token store for CLI tests. The CLI runs as a child process (dotnet
/// signing.dll) with SOFTHSM2_CONF pointing here, so nothing process-wide is shared with
/// other tests. PINs reach the CLI through SIGNING_PIN / SIGNING_SO_PIN, never argv.
/// </summary>
internal sealed class TokenTestStore : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string UserPin = "4711";
    public const string SoPin = "47114711";

    public TokenTestStore()
    {
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException($"SoftHSM2 module not found at {ModulePath}: install the Debian package 'softhsm2'.");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("signing-cli-token-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "tokens"));
        ConfPath = Path.Combine(Directory, "softhsm2.conf");
        File.WriteAllText(ConfPath, $"directories.tokendir = {Path.Combine(Directory, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
    }

    public string Directory { get; }

    public string ConfPath { get; }

    public string FilePath(string name) => Path.Combine(Directory, name);

    /// <summary>Runs <c>signing</c> with the given arguments; SIGNING_PIN is set unless <paramref name="pin"/> says otherwise.</summary>
    public (int ExitCode, string StdOut, string StdErr) Signing(IEnumerable<string> arguments, string? pin = UserPin, string? soPin = SoPin)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "signing.dll");
        var environment = new Dictionary<string, string?>
        {
            ["SOFTHSM2_CONF"] = ConfPath,
            ["SIGNING_PKCS11_MODULE"] = ModulePath,
            ["SIGNING_PIN"] = pin,
            ["SIGNING_SO_PIN"] = soPin,
        };
        return Run("dotnet", [cli, .. arguments], environment);
    }

    /// <summary>A fresh store has one free slot, 0; this initialises a token there.</summary>
    public void InitializeToken(string label)
    {
        var (exit, stdout, stderr) = Signing(["token", "init", "--slot", "0", "--label", label]);
        if (exit != 0 || !stdout.Contains($"label={label}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"signing token init failed ({exit}): {stdout}{stderr}");
        }
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(
        string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"Required tool '{tool}' is not installed.");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
