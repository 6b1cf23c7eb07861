using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// The API as its own process (<c>dotnet Signing.Api.dll</c>), configured through environment variables, on a fixed
/// loopback port so it can be killed with SIGKILL and started again at the same address. Its output goes to a log
/// file whose tail is shown when it fails to start.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _logFile;
    private Process? _process;

    /// <summary>A service on <paramref name="port"/> with <paramref name="settings"/> (configuration keys, as in appsettings).</summary>
    public ServiceProcess(IReadOnlyDictionary<string, string?> settings, int port, string name)
    {
        _settings = settings;
        Port = port;
        _logFile = Path.Combine(Path.GetTempPath(), $"signing-{name}-{port}-{Guid.NewGuid():N}.log");
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>How many times it was started.</summary>
    public int Starts { get; private set; }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the process and waits until <c>/health/live</c> answers.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The service is running already.");
        }

        var api = Path.Combine(AppContext.BaseDirectory, "Signing.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { api, "--urls", BaseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.Environment["Logging__Json"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in _settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        Starts++;
        _process = process;
        var log = new StreamWriter(_logFile, append: true, Encoding.UTF8) { AutoFlush = true };
        await log.WriteLineAsync($"--- start {Starts} at {DateTime.UtcNow:O}");
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Exited += (_, _) =>
        {
            lock (log)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {process.ExitCode} while starting:\n{LogTail()}");
            }

            try
            {
                if ((await probe.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The service did not answer /health/live within {StartTimeout.TotalSeconds} s:\n{LogTail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the process with SIGKILL: no shutdown hooks, no flushing, as a power cut or OOM kill would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>The last lines of the service's output.</summary>
    public string LogTail(int lines = 60)
    {
        try
        {
            using var stream = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no output)";
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        File.Delete(_logFile);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The process exited and its log was closed.
            }
        }
    }
}
