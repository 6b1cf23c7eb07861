using Signing.Testing;

namespace Signing.Api.Tests.Fixtures;

/// <summary>Shares one PostgreSQL cluster among the test classes that need it (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    /// <summary>The collection name.</summary>
    public const string Name = "postgres";
}
