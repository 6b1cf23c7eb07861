using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Signing.Storage.Accounts;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// The real service pipeline on a temp data directory (SQLite unless a PostgreSQL connection string is
/// given), with two agencies and their people and systems seeded.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The password of every seeded person: random per test run, so no credential lives in the repository.</summary>
    public static readonly string Password = RandomPassword(24);

    /// <summary>A fresh random password of <paramref name="length"/> characters, for tests that need another one.</summary>
    public static string RandomPassword(int length) => System.Security.Cryptography.RandomNumberGenerator.GetString(
        "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", length);

    private readonly Dictionary<string, string?> _settings;

    // Each factory's host would watch appsettings.json with its own inotify instance; hundreds of hosts per run exhaust
    // the user's limit (128 by default), and the tests never change configuration files.
    static ApiFactory() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");

    /// <summary>Creates a factory; <paramref name="settings"/> override configuration keys.</summary>
    public ApiFactory(IDictionary<string, string?>? settings = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("signing-api-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Logging:Json"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>The service's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Agency A and its members.</summary>
    public Seeded A { get; private set; } = null!;

    /// <summary>Agency B and its members.</summary>
    public Seeded B { get; private set; } = null!;

    /// <summary>One agency's seeded records.</summary>
    public sealed record Seeded(Agency Agency, User Admin, User Official, User Auditor, Client Caller, string CallerKey);

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts the service and seeds two agencies.</summary>
    public async Task<ApiFactory> SeedAsync()
    {
        var accounts = Services.GetRequiredService<AccountStore>();
        A = await SeedAgencyAsync(accounts, "a", "000.00.31.H42", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH");
        B = await SeedAgencyAsync(accounts, "b", "000.00.32.H42", "ỦY BAN NHÂN DÂN XÃ AN THỊNH");
        return this;
    }

    /// <summary>A client that sends the given API key.</summary>
    public HttpClient WithApiKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A client with a cookie session for a seeded person.</summary>
    public async Task<HttpClient> SignedInAsync(User user)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = Password });
        response.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Sets a fresh random signing PIN for <paramref name="user"/> (as they would, with their password) and returns it.</summary>
    public async Task<string> SetSigningPinAsync(User user)
    {
        var pin = RandomPassword(10);
        using var client = await SignedInAsync(user);
        (await client.PutAsJsonAsync("/api/v1/me/signing-credential/pin", new { password = Password, pin })).EnsureSuccessStatusCode();
        return pin;
    }

    private static async Task<Seeded> SeedAgencyAsync(AccountStore accounts, string tag, string code, string name)
    {
        var agency = await accounts.CreateAgencyAsync(code, name, "Tỉnh Phú Thọ", default);
        var hash = new PasswordHasher<User>().HashPassword(null!, Password);
        var admin = await accounts.CreateUserAsync(agency.Id, $"admin-{tag}", "Quản trị", null, hash, ["admin"], null, default);
        var official = await accounts.CreateUserAsync(agency.Id, $"official-{tag}", "Nguyễn Văn An", "Chủ tịch", hash, ["official"], null, default);
        var auditor = await accounts.CreateUserAsync(agency.Id, $"auditor-{tag}", "Kiểm tra", null, hash, ["auditor"], null, default);
        var caller = await accounts.CreateClientAsync(agency.Id, $"portal-{tag}", ["caller"], null, default);
        var (_, key) = await accounts.CreateApiKeyAsync(caller.Id, default);
        return new Seeded(agency, admin, official, auditor, caller, key);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle on Linux does not block deletion; anything else is left for the OS.
        }

        GC.SuppressFinalize(this);
    }
}
