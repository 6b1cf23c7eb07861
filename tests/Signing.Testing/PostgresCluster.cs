using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Signing.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster: <c>initdb</c> in a temp directory, <c>pg_ctl start</c> on a free
/// loopback port, stopped and deleted on dispose. Runs as the <c>postgres</c> user when the tests run as root,
/// because PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string _directory = "";
    private string _binDirectory = "";
    private bool _asPostgresUser;
    private int _databaseCounter;

    /// <summary>The loopback port the cluster listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Connection string for the maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=signing;Database=postgres;Pooling=false";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        _asPostgresUser = Environment.UserName == "root";
        _directory = Directory.CreateTempSubdirectory("signing-pg-").FullName;
        var dataDirectory = Path.Combine(_directory, "data");
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres", _directory]);
        }

        await RunPostgresToolAsync("initdb", ["-D", dataDirectory, "-U", "signing", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        Port = FreePort();
        await RunPostgresToolAsync("pg_ctl", [
            "-D", dataDirectory, "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=400", "start"]);
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=signing;Database={name}";
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Port != 0)
        {
            await RunPostgresToolAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }

        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(path => path).Select(path => Path.Combine(path, "bin"))
            : [];
        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "initdb")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. " +
            "Install the 'postgresql' package (./test.sh does this when run as root).");
    }

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
