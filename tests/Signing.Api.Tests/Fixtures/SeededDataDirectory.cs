namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// A data directory for <see cref="ApiProcess"/>: seeded in process by <see cref="SigningApiFactory"/> (two agencies,
/// their people and callers, the token's seal key registered and granted to agency A's caller), then left for a
/// child process to use with the same configuration. Deleted on dispose.
/// </summary>
public sealed class SeededDataDirectory : IDisposable
{
    private SeededDataDirectory(string path, Dictionary<string, string?> settings, ApiFactory.Seeded a, ApiFactory.Seeded b, string sealKeyId)
    {
        Path = path;
        Settings = settings;
        A = a;
        B = b;
        SealKeyId = sealKeyId;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The configuration the service needs for it: storage, token, dev PKI and trust anchors.</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>Agency A's seeded records.</summary>
    public ApiFactory.Seeded A { get; }

    /// <summary>Agency B's seeded records.</summary>
    public ApiFactory.Seeded B { get; }

    /// <summary>The seal key's id, granted to A's caller.</summary>
    public string SealKeyId { get; }

    /// <summary>Seeds a new directory with <paramref name="pki"/>'s token and <paramref name="extra"/> settings.</summary>
    public static async Task<SeededDataDirectory> CreateAsync(TokenPki pki, IDictionary<string, string?>? extra = null)
    {
        var path = Directory.CreateTempSubdirectory("signing-process-").FullName;
        var settings = pki.Settings();
        settings["Storage:DataDirectory"] = path;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        await using var seeding = new SigningApiFactory(pki, settings);
        await seeding.SeedAsync();
        var sealKeyId = await seeding.RegisterGrantedAsync(pki.Seal);
        return new SeededDataDirectory(path, settings, seeding.A, seeding.B, sealKeyId);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a killed child is gone with it; anything else is left for the OS.
        }
    }
}
