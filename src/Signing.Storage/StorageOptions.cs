using System.ComponentModel.DataAnnotations;

namespace Signing.Storage;

/// <summary>Which database engine backs the service.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file; the single-node default.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database for several stateless nodes.</summary>
    Postgres,
}

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The connection string. For SQLite it defaults to <c>Data Source={DataDirectory}/signing.db</c>;
    /// for PostgreSQL it is required.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded database file lives when no connection string is given.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The file with the key that seals the audit chain (default <c>{DataDirectory}/secrets/audit-key</c>, created on
    /// first use, mode 0600). Keep it where the database account cannot read it, and give every node the same key.
    /// </summary>
    public string? AuditKeyFile { get; set; }

    /// <summary>The effective audit key file.</summary>
    public string ResolveAuditKeyFile() => string.IsNullOrWhiteSpace(AuditKeyFile)
        ? Path.Combine(DataDirectory, "secrets", "audit-key")
        : AuditKeyFile;

    /// <summary>Where this node keeps its latest signed audit checkpoint: <c>{DataDirectory}/audit-checkpoint.json</c>.</summary>
    public string ResolveAuditCheckpointFile() => Path.Combine(DataDirectory, "audit-checkpoint.json");

    /// <summary>The effective connection string after defaults are applied.</summary>
    public string ResolveConnectionString() => Provider switch
    {
        StorageProvider.Sqlite when string.IsNullOrWhiteSpace(ConnectionString)
            => $"Data Source={Path.Combine(DataDirectory, "signing.db")}",
        _ => ConnectionString ?? "",
    };

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Provider))
        {
            problems.Add("Storage:Provider must be 'sqlite' or 'postgres'.");
        }

        if (Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("Storage:ConnectionString is required when Storage:Provider is 'postgres'.");
        }

        return problems;
    }
}
