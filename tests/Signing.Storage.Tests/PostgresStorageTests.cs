using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>The storage contract on a real PostgreSQL cluster started for the tests.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster) : StorageContract
{
    private string _connectionString = "";

    protected override async Task<Database> CreateDatabaseAsync()
    {
        _connectionString = await cluster.CreateDatabaseAsync();
        return new PostgresDatabase(_connectionString) { AuditCheckpointFile = CheckpointFile };
    }

    protected override Database Reopen() => new PostgresDatabase(_connectionString) { AuditCheckpointFile = CheckpointFile };

    protected override async Task<Database> CreateEmptyDatabaseAsync() => new PostgresDatabase(await cluster.CreateDatabaseAsync());
}
