using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// The built service (<c>Signing.Api.dll</c>) run as a child process on a loopback port, so a test can measure its
/// memory (peak resident set from <c>/proc</c>), kill it with SIGKILL and start it again on the same data directory.
/// Configuration is passed as environment variables; the service reaches the dev PKI's <c>http://localhost/dev-pki</c>
/// URLs through itself, as its HTTP proxy (it serves absolute-form requests like any other). Its console output is
/// kept in a file next to the data, for the failure message.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ApiProcess(Process process, Uri address, StreamWriter log, string logPath)
    {
        _process = process;
        Address = address;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>The service's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Where the child's stdout and stderr go.</summary>
    public string LogPath { get; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the service with <paramref name="settings"/> (configuration keys such as <c>Storage:DataDirectory</c>) on
    /// <paramref name="port"/> (a free one when 0) and waits until <c>/health/live</c> answers.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment = null, int port = 0)
    {
        port = port == 0 ? FreePort() : port;
        var address = new Uri($"http://127.0.0.1:{port}/");
        var dll = Path.Combine(AppContext.BaseDirectory, "Signing.Api.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The service is not built next to the tests: {dll} is missing.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(AppContext.BaseDirectory);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.Environment["Logging__Json"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var proxy in new[] { "http_proxy", "HTTP_PROXY" })
        {
            start.Environment[proxy] = address.ToString();
        }

        foreach (var variable in new[] { "no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            start.Environment[variable] = "";
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var logPath = Path.Combine(Path.GetTempPath(), $"signing-api-{port}-{Guid.NewGuid():N}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet Signing.Api.dll'.");
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiProcess(process, address, log, logPath);
        await api.WaitUntilLiveAsync(TimeSpan.FromSeconds(90));
        return api;
    }

    /// <summary>The most memory the process has had resident so far (VmHWM, in bytes).</summary>
    public long PeakWorkingSetBytes() => StatusField("VmHWM:");

    /// <summary>The memory the process has resident now (VmRSS, in bytes).</summary>
    public long WorkingSetBytes() => StatusField("VmRSS:");

    /// <summary>An HTTP client for the service.</summary>
    public HttpClient Client(string? apiKey = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false })
        {
            BaseAddress = Address,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>Ends the process at once, as a crash or the OOM killer would (SIGKILL), and waits for it to go.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop (SIGTERM), as systemd would, and waits up to a minute.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>The last lines the process wrote, for an assertion message.</summary>
    public string Tail(int lines = 40)
    {
        _log.Flush();
        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        await _log.DisposeAsync();
        File.Delete(LogPath);
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilLiveAsync(TimeSpan within)
    {
        using var client = Client(timeout: TimeSpan.FromSeconds(5));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited during start-up with code {_process.ExitCode}:\n{Tail()}");
            }

            try
            {
                if ((await client.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The service did not answer /health/live within {within.TotalSeconds} s:\n{Tail()}");
    }

    private long StatusField(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // "VmHWM:    123456 kB"
                var kilobytes = long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field} line.");
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
                // The last lines of a killed process can arrive after the test is done with it.
            }
        }
    }
}
