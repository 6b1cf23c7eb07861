using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Signing.Storage.Audit;

/// <summary>
/// The secret that seals the audit chain (HMAC-SHA256). It lives outside the database, in a file only the service's
/// account can read (mode 0600, <c>Storage:AuditKeyFile</c>), so that someone who can write the database cannot
/// recompute the chain after editing it. Every node of one database must use the same key.
/// </summary>
public sealed class AuditKey
{
    private const int KeyBytes = 32;
    private static readonly ConcurrentDictionary<string, AuditKey> Loaded = new(StringComparer.Ordinal);
    private readonly byte[] _secret;

    private AuditKey(byte[] secret)
    {
        _secret = secret;
        // The id names the key in each record without revealing it: the first bytes of a hash of a labelled derivation.
        Id = Convert.ToHexStringLower(HMACSHA256.HashData(secret, "signing-audit-key-id"u8)[..8]);
    }

    /// <summary>A short public name of the key, stored with every record it seals.</summary>
    public string Id { get; }

    /// <summary>A key from its secret bytes (at least 32).</summary>
    public static AuditKey FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < KeyBytes)
        {
            throw new ArgumentException($"An audit key has at least {KeyBytes} bytes.", nameof(secret));
        }

        return new AuditKey(secret.ToArray());
    }

    /// <summary>A new random key, for tests and first starts.</summary>
    public static AuditKey Generate() => new(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>
    /// The key in <paramref name="path"/> (base64, one line), created with a new random key (mode 0600, its folder 0700)
    /// when the file does not exist. Loaded once per process and path.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not hold a key.</exception>
    public static AuditKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Loaded.GetOrAdd(Path.GetFullPath(path), static full =>
        {
            if (!File.Exists(full))
            {
                Create(full);
            }

            byte[] secret;
            try
            {
                secret = Convert.FromBase64String(File.ReadAllText(full, Encoding.ASCII).Trim());
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"The audit key file '{full}' does not hold a base64 key.");
            }

            return secret.Length >= KeyBytes
                ? new AuditKey(secret)
                : throw new InvalidDataException($"The audit key in '{full}' is shorter than {KeyBytes} bytes.");
        });
    }

    /// <summary>The key configured for <paramref name="database"/> (<see cref="Database.AuditKeyFile"/>).</summary>
    /// <exception cref="InvalidOperationException">The database was created without an audit key file.</exception>
    public static AuditKey Of(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return LoadOrCreate(database.AuditKeyFile
            ?? throw new InvalidOperationException("This database has no audit key file (Storage:AuditKeyFile); give the AuditLog a key."));
    }

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under this key.</summary>
    internal byte[] Mac(ReadOnlySpan<byte> data) => HMACSHA256.HashData(_secret, data);

    /// <summary>An incremental HMAC under this key.</summary>
    internal IncrementalHash CreateMac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret);

    private static void Create(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var secret = RandomNumberGenerator.GetBytes(KeyBytes);
        var temporary = path + ".new";
        using (var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(secret) + "\n"));
            file.Flush(flushToDisk: true);
        }

        CryptographicOperations.ZeroMemory(secret);
        // Two processes starting together must not each write a different key: the first link wins.
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
