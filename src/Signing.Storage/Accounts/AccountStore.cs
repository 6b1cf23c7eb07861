using Dapper;

namespace Signing.Storage.Accounts;

/// <summary>Agencies, people, calling systems and their API keys.</summary>
public sealed class AccountStore(Database database, TimeProvider clock)
{
    private const string AgencyColumns = "id AS Id, code AS Code, name AS Name, province AS Province, created_at AS CreatedAt";
    private const string UserColumns =
        "id AS Id, agency_id AS AgencyId, username AS Username, display_name AS DisplayName, title AS Title, " +
        "password_hash AS PasswordHash, roles AS Roles, cert_thumbprint AS CertThumbprint, disabled_at AS DisabledAt, created_at AS CreatedAt, email AS Email";
    private const string ClientColumns =
        "id AS Id, agency_id AS AgencyId, name AS Name, roles AS Roles, cert_thumbprint AS CertThumbprint, " +
        "disabled_at AS DisabledAt, created_at AS CreatedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates an agency.</summary>
    public async Task<Agency> CreateAgencyAsync(string code, string name, string? province, CancellationToken ct)
    {
        var agency = new Agency(NewId(), code, name, province, Now);
        await ExecuteAsync(
            "INSERT INTO agencies (id, code, name, province, created_at) VALUES (@Id, @Code, @Name, @Province, @CreatedAt)",
            agency, ct);
        return agency;
    }

    /// <summary>Finds an agency by id.</summary>
    public Task<Agency?> FindAgencyAsync(string id, CancellationToken ct)
        => QuerySingleAsync<Agency>($"SELECT {AgencyColumns} FROM agencies WHERE id = @id", new { id }, ct);

    /// <summary>Finds an agency by its identifier code.</summary>
    public Task<Agency?> FindAgencyByCodeAsync(string code, CancellationToken ct)
        => QuerySingleAsync<Agency>($"SELECT {AgencyColumns} FROM agencies WHERE code = @code", new { code }, ct);

    /// <summary>
    /// Creates a person. The password hash is computed by the caller; the username is stored in its one spelling
    /// (<see cref="Usernames.Normalize"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The username is not acceptable, or no role is given.</exception>
    public async Task<User> CreateUserAsync(
        string agencyId, string username, string displayName, string? title, string? passwordHash,
        IEnumerable<string> roles, string? certThumbprint, CancellationToken ct)
    {
        var (normalized, problem) = Usernames.Normalize(username);
        if (normalized is null)
        {
            throw new ArgumentException(problem, nameof(username));
        }

        var user = new User(NewId(), agencyId, normalized, displayName, title, passwordHash, Roles(roles), certThumbprint, null, Now);
        await ExecuteAsync(
            "INSERT INTO users (id, agency_id, username, display_name, title, password_hash, roles, cert_thumbprint, created_at) " +
            "VALUES (@Id, @AgencyId, @Username, @DisplayName, @Title, @PasswordHash, @Roles, @CertThumbprint, @CreatedAt)",
            user, ct);
        return user;
    }

    /// <summary>Sets a person's e-mail address (notifications go there when mail is configured).</summary>
    public Task SetEmailAsync(string userId, string? email, CancellationToken ct)
        => ExecuteAsync("UPDATE users SET email = @email WHERE id = @userId", new { userId, email }, ct);

    /// <summary>The enabled people of an agency who hold <paramref name="role"/>.</summary>
    public async Task<IReadOnlyList<User>> ListUsersInRoleAsync(string agencyId, string role, CancellationToken ct)
        => [.. (await ListUsersAsync(agencyId, ct)).Where(user => user.DisabledAt is null && user.Holds(role))];

    /// <summary>Replaces a person's password hash (e.g. after a rehash on login).</summary>
    public Task SetPasswordHashAsync(string userId, string passwordHash, CancellationToken ct)
        => ExecuteAsync("UPDATE users SET password_hash = @passwordHash WHERE id = @userId", new { userId, passwordHash }, ct);

    /// <summary>Finds a person by username, in any spelling that normalises to theirs (case, spaces, Unicode composition).</summary>
    public Task<User?> FindUserByUsernameAsync(string username, CancellationToken ct)
        => Usernames.Normalize(username).Username is { } normalized
            ? QuerySingleAsync<User>($"SELECT {UserColumns} FROM users WHERE username = @username", new { username = normalized }, ct)
            : Task.FromResult<User?>(null);

    /// <summary>Finds a person by the SHA-256 thumbprint of their certificate.</summary>
    public Task<User?> FindUserByCertificateAsync(string thumbprint, CancellationToken ct)
        => QuerySingleAsync<User>($"SELECT {UserColumns} FROM users WHERE cert_thumbprint = @thumbprint", new { thumbprint }, ct);

    /// <summary>Finds a person by id.</summary>
    public Task<User?> FindUserAsync(string id, CancellationToken ct)
        => QuerySingleAsync<User>($"SELECT {UserColumns} FROM users WHERE id = @id", new { id }, ct);

    /// <summary>Lists an agency's people.</summary>
    public Task<IReadOnlyList<User>> ListUsersAsync(string agencyId, CancellationToken ct)
        => QueryAsync<User>($"SELECT {UserColumns} FROM users WHERE agency_id = @agencyId ORDER BY username", new { agencyId }, ct);

    /// <summary>Registers a calling system.</summary>
    public async Task<Client> CreateClientAsync(
        string agencyId, string name, IEnumerable<string> roles, string? certThumbprint, CancellationToken ct)
    {
        var client = new Client(NewId(), agencyId, name, Roles(roles), certThumbprint, null, Now);
        await ExecuteAsync(
            "INSERT INTO clients (id, agency_id, name, roles, cert_thumbprint, created_at) " +
            "VALUES (@Id, @AgencyId, @Name, @Roles, @CertThumbprint, @CreatedAt)",
            client, ct);
        return client;
    }

    /// <summary>Finds a calling system by id.</summary>
    public Task<Client?> FindClientAsync(string id, CancellationToken ct)
        => QuerySingleAsync<Client>($"SELECT {ClientColumns} FROM clients WHERE id = @id", new { id }, ct);

    /// <summary>Finds a calling system by name.</summary>
    public Task<Client?> FindClientByNameAsync(string name, CancellationToken ct)
        => QuerySingleAsync<Client>($"SELECT {ClientColumns} FROM clients WHERE name = @name", new { name }, ct);

    /// <summary>Finds a calling system by the SHA-256 thumbprint of its certificate.</summary>
    public Task<Client?> FindClientByCertificateAsync(string thumbprint, CancellationToken ct)
        => QuerySingleAsync<Client>($"SELECT {ClientColumns} FROM clients WHERE cert_thumbprint = @thumbprint", new { thumbprint }, ct);

    /// <summary>Whether a certificate already authenticates a person or a client, in any agency.</summary>
    public async Task<bool> IsCertificateRegisteredAsync(string thumbprint, CancellationToken ct)
        => await FindUserByCertificateAsync(thumbprint, ct) is not null || await FindClientByCertificateAsync(thumbprint, ct) is not null;

    /// <summary>Lists an agency's calling systems.</summary>
    public Task<IReadOnlyList<Client>> ListClientsAsync(string agencyId, CancellationToken ct)
        => QueryAsync<Client>($"SELECT {ClientColumns} FROM clients WHERE agency_id = @agencyId ORDER BY name", new { agencyId }, ct);

    /// <summary>Creates an API key for a client; the returned key is not stored and is shown once.</summary>
    public async Task<(ApiKeyRecord Record, string Key)> CreateApiKeyAsync(string clientId, CancellationToken ct)
    {
        var (key, prefix, hash) = ApiKeySecret.Generate();
        var record = new ApiKeyRecord(NewId(), clientId, prefix, hash, Now, null);
        await ExecuteAsync(
            "INSERT INTO api_keys (id, client_id, prefix, key_hash, created_at) VALUES (@Id, @ClientId, @Prefix, @KeyHash, @CreatedAt)",
            record, ct);
        return (record, key);
    }

    /// <summary>
    /// Finds an API key by its public prefix together with its client, in one query because authentication runs on
    /// every request (on PostgreSQL each query is a network round trip).
    /// </summary>
    public async Task<(ApiKeyRecord Key, Client Client)?> FindApiKeyWithClientAsync(string prefix, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<ApiKeyRecord, Client, (ApiKeyRecord Key, Client Client)>(new CommandDefinition(
            "SELECT k.id AS Id, k.client_id AS ClientId, k.prefix AS Prefix, k.key_hash AS KeyHash, k.created_at AS CreatedAt, k.revoked_at AS RevokedAt, " +
            "c.id AS Id, c.agency_id AS AgencyId, c.name AS Name, c.roles AS Roles, c.cert_thumbprint AS CertThumbprint, " +
            "c.disabled_at AS DisabledAt, c.created_at AS CreatedAt " +
            "FROM api_keys k JOIN clients c ON c.id = k.client_id WHERE k.prefix = @prefix",
            new { prefix }, cancellationToken: ct), (key, client) => (key, client), splitOn: "Id");
        return rows.Select(row => ((ApiKeyRecord, Client)?)row).SingleOrDefault();
    }

    /// <summary>Finds an API key by its public prefix.</summary>
    public Task<ApiKeyRecord?> FindApiKeyByPrefixAsync(string prefix, CancellationToken ct)
        => QuerySingleAsync<ApiKeyRecord>(
            "SELECT id AS Id, client_id AS ClientId, prefix AS Prefix, key_hash AS KeyHash, created_at AS CreatedAt, revoked_at AS RevokedAt " +
            "FROM api_keys WHERE prefix = @prefix", new { prefix }, ct);

    /// <summary>Lists a client's API keys (without secrets, which are never stored).</summary>
    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string clientId, CancellationToken ct)
        => QueryAsync<ApiKeyRecord>(
            "SELECT id AS Id, client_id AS ClientId, prefix AS Prefix, key_hash AS KeyHash, created_at AS CreatedAt, revoked_at AS RevokedAt " +
            "FROM api_keys WHERE client_id = @clientId ORDER BY created_at, id", new { clientId }, ct);

    /// <summary>Revokes an API key; returns false when it does not belong to the client or is already revoked.</summary>
    public async Task<bool> RevokeApiKeyAsync(string clientId, string keyId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @now WHERE id = @keyId AND client_id = @clientId AND revoked_at IS NULL",
            new { keyId, clientId, now = Now }, cancellationToken: ct));
        return changed == 1;
    }

    private static string NewId() => TimeOrderedIds.New();

    // A principal without a role can do nothing but would still pass "authenticated" checks and clutter the lists.
    private static string Roles(IEnumerable<string> roles) => Accounts.Roles.Format(roles) is { Length: > 0 } formatted
        ? formatted
        : throw new ArgumentException("Give at least one role.", nameof(roles));

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private async Task<T?> QuerySingleAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }
}
