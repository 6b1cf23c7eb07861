using Dapper;

namespace Signing.Storage.Credentials;

/// <summary>
/// A person's second factor for signing with a key the service holds (the CSC/SCAL2 model): a signing PIN stored as a
/// PBKDF2 hash and/or a TOTP secret (RFC 6238), protected by the caller before it is stored. Failures are counted;
/// after <see cref="SigningCredentialStore.MaxFailures"/> the credential locks until an admin unlocks it.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="PinHash">The signing PIN's hash, or null.</param>
/// <param name="TotpSecret">The protected TOTP secret, or null.</param>
/// <param name="FailedAttempts">Wrong factors in a row.</param>
/// <param name="LockedAt">When it locked, or null.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record SigningCredential(string UserId, string? PinHash, string? TotpSecret, long FailedAttempts, long? LockedAt, long UpdatedAt);

/// <summary>People's signing credentials.</summary>
public sealed class SigningCredentialStore(Database database, TimeProvider clock)
{
    /// <summary>Wrong factors in a row that lock a credential.</summary>
    public const int MaxFailures = 5;

    private const string Columns =
        "user_id AS UserId, pin_hash AS PinHash, totp_secret AS TotpSecret, failed_attempts AS FailedAttempts, locked_at AS LockedAt, updated_at AS UpdatedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A person's credential, or null when they have none.</summary>
    public async Task<SigningCredential?> FindAsync(string userId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SigningCredential>(new CommandDefinition(
            $"SELECT {Columns} FROM signing_credentials WHERE user_id = @userId", new { userId }, cancellationToken: ct));
    }

    /// <summary>Sets (or replaces) the signing PIN hash and clears the failure count.</summary>
    public Task SetPinAsync(string userId, string pinHash, CancellationToken ct)
        => UpsertAsync(userId, "pin_hash", pinHash, ct);

    /// <summary>
    /// Sets (or replaces) the protected TOTP secret and clears the failure count; <paramref name="confirmedStep"/>, the
    /// time step of the code that confirmed the enrolment, counts as used, so that code cannot sign afterwards.
    /// </summary>
    public async Task SetTotpAsync(string userId, string protectedSecret, long confirmedStep, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO signing_credentials (user_id, totp_secret, totp_last_step, failed_attempts, updated_at) VALUES (@userId, @protectedSecret, @confirmedStep, 0, @now) " +
            "ON CONFLICT (user_id) DO UPDATE SET totp_secret = @protectedSecret, totp_last_step = @confirmedStep, failed_attempts = 0, updated_at = @now",
            new { userId, protectedSecret, confirmedStep, now = Now }, cancellationToken: ct));
    }

    /// <summary>
    /// Takes the TOTP time step <paramref name="step"/> for a signing, once (RFC 6238 5.2): true when no code of this or a
    /// later step was accepted before, false for a code replayed or older than the last one used. One conditional
    /// update, so two nodes given the same code cannot both accept it.
    /// </summary>
    public async Task<bool> TryUseTotpStepAsync(string userId, long step, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_credentials SET totp_last_step = @step WHERE user_id = @userId AND (totp_last_step IS NULL OR totp_last_step < @step)",
            new { userId, step }, cancellationToken: ct)) == 1;
    }

    /// <summary>Counts a wrong factor; returns the failures so far and whether the credential is now locked.</summary>
    public async Task<(long Failures, bool Locked)> RecordFailureAsync(string userId, CancellationToken ct)
    {
        await using var tx = await database.BeginWriteAsync($"credential:{userId}", ct);
        var row = await tx.Connection.QuerySingleAsync<(long Failures, long? LockedAt)>(new CommandDefinition(
            "UPDATE signing_credentials SET failed_attempts = failed_attempts + 1, " +
            "locked_at = CASE WHEN failed_attempts + 1 >= @max AND locked_at IS NULL THEN @now ELSE locked_at END, updated_at = @now " +
            "WHERE user_id = @userId RETURNING failed_attempts, locked_at",
            new { userId, max = MaxFailures, now = Now }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (row.Failures, row.LockedAt is not null);
    }

    /// <summary>Clears the failure count after a right factor (not an unlock: a locked credential stays locked).</summary>
    public async Task ResetFailuresAsync(string userId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_credentials SET failed_attempts = 0 WHERE user_id = @userId AND locked_at IS NULL AND failed_attempts > 0",
            new { userId }, cancellationToken: ct));
    }

    /// <summary>Unlocks a locked credential (an admin's decision); false when it was not locked.</summary>
    public async Task<bool> UnlockAsync(string userId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_credentials SET failed_attempts = 0, locked_at = NULL, updated_at = @now WHERE user_id = @userId AND locked_at IS NOT NULL",
            new { userId, now = Now }, cancellationToken: ct)) == 1;
    }

    private async Task UpsertAsync(string userId, string column, string value, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO signing_credentials (user_id, {column}, failed_attempts, updated_at) VALUES (@userId, @value, 0, @now) " +
            $"ON CONFLICT (user_id) DO UPDATE SET {column} = @value, failed_attempts = 0, updated_at = @now",
            new { userId, value, now = Now }, cancellationToken: ct));
    }
}
