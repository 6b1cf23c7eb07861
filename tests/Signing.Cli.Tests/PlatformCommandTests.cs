using Dapper;
using Signing.Storage;
using Signing.Storage.Accounts;

namespace Signing.Cli.Tests;

/// <summary><c>signing demo</c>, <c>signing apikey</c> and <c>signing audit</c> against a temp data directory.</summary>
public sealed class PlatformCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-cli-").FullName;

    private string Data => Path.Combine(_directory, "data");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static SigningCli.Result Run(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
        => SigningCli.Run(environment, arguments);

    [Fact]
    public void DemoInit_CreatesOnce_AndKeepsCredentialsPrivate()
    {
        var first = Run(null, "demo", "init", "--data", Data);
        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("sk_", first.LastLine);
        var second = Run(null, "demo", "init", "--data", Data);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Data, "demo.json")));
    }

    [Fact]
    public async Task ApiKeyCreate_PrintsAWorkingKeyAloneOnTheLastLine()
    {
        Run(null, "demo", "init", "--data", Data);
        var result = Run(new Dictionary<string, string?> { ["Storage__DataDirectory"] = Data },
            "apikey", "create", "--client", "qlvb-tinh", "--roles", "caller");
        Assert.Equal(0, result.ExitCode);
        var key = result.LastLine;
        Assert.Matches("^sk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", key);

        await using var database = new SqliteDatabase($"Data Source={Path.Combine(Data, "signing.db")}");
        var accounts = new AccountStore(database, TimeProvider.System);
        var record = await accounts.FindApiKeyByPrefixAsync(ApiKeySecret.PrefixOf(key)!, default);
        Assert.NotNull(record);
        Assert.True(ApiKeySecret.Matches(key, record.KeyHash));
        var client = await accounts.FindClientAsync(record.ClientId, default);
        Assert.Equal("qlvb-tinh", client!.Name);
    }

    [Fact]
    public void ApiKeyCreate_WithUnknownRole_FailsClearly()
    {
        Run(null, "demo", "init", "--data", Data);
        var result = Run(null, "apikey", "create", "--client", "x", "--roles", "king", "--data", Data);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown role(s): king", result.Stderr);
    }

    [Fact]
    public async Task AuditVerify_DetectsAnEditedRow()
    {
        Run(null, "demo", "init", "--data", Data);
        Run(null, "apikey", "create", "--client", "dms", "--data", Data);
        var intact = Run(null, "audit", "verify", "--data", Data);
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("intact, 2 records", intact.Stdout);

        await using var database = new SqliteDatabase($"Data Source={Path.Combine(Data, "signing.db")}");
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync("UPDATE audit_log SET target = 'something-else' WHERE seq = 1");
        }

        var broken = Run(null, "audit", "verify", "--data", Data);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("BROKEN at record 1", broken.Stdout);
    }
}
