using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Signing.Cli.Commands;

namespace Signing.Cli.Tests;

/// <summary>Runs the real <c>signing</c> command tree in-process and the openssl tool as a process.</summary>
internal static class Cli
{
    internal sealed record Result(int ExitCode, string Output, string Error);

    internal static async Task<Result> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var root = new RootCommand("signing");
        foreach (var group in CommandGroups.All())
        {
            root.Subcommands.Add(group);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return new Result(exit, output.ToString(), error.ToString());
    }

    internal static Task<Result> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    internal static (int ExitCode, string Output) OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"openssl {string.Join(' ', arguments)} did not finish in 60 s");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("The 'openssl' tool is required by this test but was not found on PATH (Debian package: openssl).", e);
        }
    }
}

/// <summary>A dev PKI made by <c>signing devpki init</c> and served by <c>signing devpki serve</c>, in a temp directory.</summary>
public sealed class DevPkiCliFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource _stopServer = new();
    private Task<Cli.Result>? _server;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "signing-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string Dir => Path.Combine(Root, "pki");

    public int Port { get; private set; }

    public string Path_(string name) => System.IO.Path.Combine(Dir, name);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        Port = Cli.FreePort();
        var init = await Cli.RunAsync("devpki", "init", "--dir", Dir, "--base-url", $"http://127.0.0.1:{Port}");
        Assert.True(init.ExitCode == 0, init.Error);
        _server = Cli.RunAsync(_stopServer.Token, "devpki", "serve", "--dir", Dir, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/root.cer"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 100 && !_server.IsCompleted)
            {
            }

            if (_server.IsCompleted)
            {
                var result = await _server;
                throw new InvalidOperationException($"devpki serve exited with {result.ExitCode}: {result.Error}");
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await _stopServer.CancelAsync();
        if (_server is not null)
        {
            var result = await _server;
            Assert.Equal(0, result.ExitCode);
        }

        _stopServer.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    public string WorkDir()
    {
        var dir = System.IO.Path.Combine(Root, "work-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

[CollectionDefinition(Name)]
public sealed class DevPkiCliCollection : ICollectionFixture<DevPkiCliFixture>
{
    public const string Name = "dev PKI via CLI";
}
