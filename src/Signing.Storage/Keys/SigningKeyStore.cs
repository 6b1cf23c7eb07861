using System.Security.Cryptography.X509Certificates;
using Dapper;
using Signing.Pki;

namespace Signing.Storage.Keys;

/// <summary>The signing keys registry and which calling systems may use each key.</summary>
public sealed class SigningKeyStore(Database database, TimeProvider clock)
{
    // The key's image (appearance_png, tens of kilobytes) is not among them: every signature reads the key, and only a
    // visible one wants the image, through AppearanceAsync.
    internal const string Columns =
        "k.id AS Id, k.agency_id AS AgencyId, k.owner_user_id AS OwnerUserId, k.purpose AS Purpose, k.location AS Location, " +
        "k.pkcs11_uri AS Pkcs11Uri, k.certificate AS Certificate, k.chain_pem AS ChainPem, k.subject AS Subject, " +
        "k.thumbprint AS Thumbprint, k.not_before AS NotBefore, k.not_after AS NotAfter, k.disabled_at AS DisabledAt, k.created_at AS CreatedAt";

    /// <summary>Registers a key for its certificate.</summary>
    public async Task<SigningKey> CreateAsync(
        string agencyId, string? ownerUserId, string purpose, string location, string? pkcs11Uri,
        X509Certificate2 certificate, string? chainPem, CancellationToken ct)
    {
        var key = new SigningKey(
            TimeOrderedIds.New(), agencyId, ownerUserId, purpose, location, pkcs11Uri,
            certificate.RawData, chainPem, certificate.Subject, CertificateThumbprint.Sha256Hex(certificate),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeMilliseconds(),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds(),
            null, clock.GetUtcNow().ToUnixTimeMilliseconds());
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO signing_keys (id, agency_id, owner_user_id, purpose, location, pkcs11_uri, certificate, chain_pem, subject, " +
            "thumbprint, not_before, not_after, created_at) VALUES (@Id, @AgencyId, @OwnerUserId, @Purpose, @Location, @Pkcs11Uri, " +
            "@Certificate, @ChainPem, @Subject, @Thumbprint, @NotBefore, @NotAfter, @CreatedAt)", key, cancellationToken: ct));
        return key;
    }

    /// <summary>Finds a key by id.</summary>
    public async Task<SigningKey?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SigningKey>(new CommandDefinition(
            $"SELECT {Columns} FROM signing_keys k WHERE k.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>
    /// Finds a key by id together with whether <paramref name="clientId"/> was granted it: one query on the path of
    /// every signature a calling system asks for, where the two look-ups were a fifth of the database work.
    /// </summary>
    public async Task<(SigningKey? Key, bool Granted)> FindForClientAsync(string id, string clientId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Disposed synchronously: Dapper's reader disposes its command only then, and the command's compiled statement is
        // what the connection keeps for the next signature.
        using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT (SELECT COUNT(*) FROM signing_key_grants g WHERE g.key_id = k.id AND g.client_id = @clientId) AS Grants, " +
            $"{Columns} FROM signing_keys k WHERE k.id = @id", new { id, clientId }, cancellationToken: ct));
        if (!await reader.ReadAsync(ct))
        {
            return (null, false);
        }

        // The key's columns follow the grant count, which the parser is told to skip.
        var key = reader.GetRowParser<SigningKey>(startIndex: 1)(reader);
        return (key, reader.GetInt64(0) > 0);
    }

    /// <summary>Finds a key by the SHA-256 thumbprint of its certificate.</summary>
    public async Task<SigningKey?> FindByThumbprintAsync(string thumbprint, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SigningKey>(new CommandDefinition(
            $"SELECT {Columns} FROM signing_keys k WHERE k.thumbprint = @thumbprint", new { thumbprint }, cancellationToken: ct));
    }

    /// <summary>Every key of an agency.</summary>
    public Task<IReadOnlyList<SigningKey>> ListForAgencyAsync(string agencyId, CancellationToken ct)
        => ListAsync($"SELECT {Columns} FROM signing_keys k WHERE k.agency_id = @agencyId ORDER BY k.created_at, k.id", new { agencyId }, ct);

    /// <summary>The keys a person owns.</summary>
    public Task<IReadOnlyList<SigningKey>> ListForOwnerAsync(string userId, CancellationToken ct)
        => ListAsync($"SELECT {Columns} FROM signing_keys k WHERE k.owner_user_id = @userId ORDER BY k.created_at, k.id", new { userId }, ct);

    /// <summary>The keys a calling system has been granted.</summary>
    public Task<IReadOnlyList<SigningKey>> ListForClientAsync(string clientId, CancellationToken ct)
        => ListAsync(
            $"SELECT {Columns} FROM signing_keys k JOIN signing_key_grants g ON g.key_id = k.id WHERE g.client_id = @clientId ORDER BY k.created_at, k.id",
            new { clientId }, ct);

    /// <summary>Lets a calling system use a key; granting twice is harmless.</summary>
    public async Task GrantAsync(string keyId, string clientId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO signing_key_grants (key_id, client_id, created_at) VALUES (@keyId, @clientId, @now) ON CONFLICT DO NOTHING",
            new { keyId, clientId, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    /// <summary>Sets the image a key's visible signatures show: an official's handwritten signature, or the agency's seal.</summary>
    public async Task<bool> SetAppearanceAsync(string keyId, byte[] png, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET appearance_png = @png WHERE id = @keyId", new { keyId, png }, cancellationToken: ct)) == 1;
    }

    /// <summary>The image a key's visible signatures show, or null when it has none (or there is no such key).</summary>
    public async Task<byte[]?> AppearanceAsync(string keyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "SELECT appearance_png FROM signing_keys WHERE id = @keyId", new { keyId }, cancellationToken: ct));
    }

    /// <summary>Disables a key; returns false when it was already disabled.</summary>
    public async Task<bool> DisableAsync(string keyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET disabled_at = @now WHERE id = @keyId AND disabled_at IS NULL",
            new { keyId, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1;
    }

    /// <summary>Disables a key inside <paramref name="tx"/> (with the change that requires it); false when it was already disabled.</summary>
    public async Task<bool> DisableAsync(StorageTransaction tx, string keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET disabled_at = @now WHERE id = @keyId AND disabled_at IS NULL",
            new { keyId, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Puts a renewed or changed certificate (for the same key) on a key and enables it, if the key still carries
    /// <paramref name="expectedThumbprint"/>; false when another change came first.
    /// </summary>
    public async Task<bool> ReplaceCertificateAsync(
        StorageTransaction tx, string keyId, string expectedThumbprint, X509Certificate2 certificate, string? chainPem, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(certificate);
        return await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET certificate = @certificate, chain_pem = COALESCE(@chainPem, chain_pem), subject = @subject, thumbprint = @thumbprint, " +
            "not_before = @notBefore, not_after = @notAfter, disabled_at = NULL WHERE id = @keyId AND thumbprint = @expectedThumbprint",
            new
            {
                keyId,
                expectedThumbprint,
                certificate = certificate.RawData,
                chainPem,
                subject = certificate.Subject,
                thumbprint = CertificateThumbprint.Sha256Hex(certificate),
                notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeMilliseconds(),
                notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds(),
            }, tx.Transaction, cancellationToken: ct)) == 1;
    }

    /// <summary>Registers a key inside <paramref name="tx"/> (a key made on the HSM, certified by the GCC's answer).</summary>
    public async Task<SigningKey> CreateAsync(
        StorageTransaction tx, string agencyId, string? ownerUserId, string purpose, string location, string? pkcs11Uri, X509Certificate2 certificate,
        string? chainPem, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(certificate);
        var key = new SigningKey(
            TimeOrderedIds.New(), agencyId, ownerUserId, purpose, location, pkcs11Uri,
            certificate.RawData, chainPem, certificate.Subject, CertificateThumbprint.Sha256Hex(certificate),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeMilliseconds(),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds(),
            null, clock.GetUtcNow().ToUnixTimeMilliseconds());
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO signing_keys (id, agency_id, owner_user_id, purpose, location, pkcs11_uri, certificate, chain_pem, subject, " +
            "thumbprint, not_before, not_after, created_at) VALUES (@Id, @AgencyId, @OwnerUserId, @Purpose, @Location, @Pkcs11Uri, " +
            "@Certificate, @ChainPem, @Subject, @Thumbprint, @NotBefore, @NotAfter, @CreatedAt)", key, tx.Transaction, cancellationToken: ct));
        return key;
    }

    /// <summary>Re-points every key of <paramref name="fromAgencyId"/> to <paramref name="toAgencyId"/> (a merger); returns how many.</summary>
    public Task<int> MoveAgencyAsync(StorageTransaction tx, string fromAgencyId, string toAgencyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET agency_id = @toAgencyId WHERE agency_id = @fromAgencyId", new { fromAgencyId, toAgencyId }, tx.Transaction, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<SigningKey>> ListAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<SigningKey>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }
}
