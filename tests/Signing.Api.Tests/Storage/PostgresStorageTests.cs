using Signing.Api.Storage;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Storage;

/// <summary>The storage contract on a real PostgreSQL cluster started for the tests.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster) : StorageContract
{
    protected override async Task<Database> CreateDatabaseAsync()
        => new PostgresDatabase(await cluster.CreateDatabaseAsync());
}
