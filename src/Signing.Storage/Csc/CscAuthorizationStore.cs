using Dapper;

namespace Signing.Storage.Csc;

/// <summary>A CSC signature activation grant, as stored: only the SAD's SHA-256 is kept, never the SAD itself.</summary>
public sealed record CscAuthorization(string SadHash, string KeyId, string UserId, string Hashes, long NumSignatures, long ExpiresAt, long? UsedAt)
{
    /// <summary>The authorised hashes (base64), in the order given to <c>credentials/authorize</c>.</summary>
    public IReadOnlyList<string> HashList => Hashes.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>SADs in the database, so any node can honour a SAD another node issued; each is consumed by one conditional UPDATE.</summary>
public sealed class CscAuthorizationStore(Database database)
{
    /// <summary>Stores a new authorisation.</summary>
    public async Task CreateAsync(CscAuthorization authorization, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO csc_authorizations (sad_hash, key_id, user_id, hashes, num_signatures, expires_at) " +
            "VALUES (@SadHash, @KeyId, @UserId, @Hashes, @NumSignatures, @ExpiresAt)", authorization, cancellationToken: ct));
    }

    /// <summary>Finds an authorisation by the SHA-256 of its SAD.</summary>
    public async Task<CscAuthorization?> FindAsync(string sadHash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CscAuthorization>(new CommandDefinition(
            "SELECT sad_hash AS SadHash, key_id AS KeyId, user_id AS UserId, hashes AS Hashes, num_signatures AS NumSignatures, " +
            "expires_at AS ExpiresAt, used_at AS UsedAt FROM csc_authorizations WHERE sad_hash = @sadHash",
            new { sadHash }, cancellationToken: ct));
    }

    /// <summary>Consumes the SAD if it is unused and unexpired; true for exactly one caller.</summary>
    public async Task<bool> TryConsumeAsync(string sadHash, long now, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE csc_authorizations SET used_at = @now WHERE sad_hash = @sadHash AND used_at IS NULL AND expires_at > @now",
            new { sadHash, now }, cancellationToken: ct)) == 1;
    }
}
