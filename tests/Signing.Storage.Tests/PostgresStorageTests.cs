using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>The storage contract on a real PostgreSQL cluster started for the tests.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster) : StorageContract
{
    protected override async Task<Database> CreateDatabaseAsync()
        => new PostgresDatabase(await cluster.CreateDatabaseAsync());
}
