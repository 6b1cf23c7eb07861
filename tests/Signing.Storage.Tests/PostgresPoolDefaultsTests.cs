using Dapper;
using Npgsql;
using Signing.Testing;

namespace Signing.Storage.Tests;

/// <summary>The connection pool settings the service adds to a PostgreSQL connection string, and what they do on a real cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPoolDefaultsTests(PostgresCluster cluster)
{
    [Fact]
    public void WithPoolDefaults_KeepsConnectionsAsTheyAre_AndPreparesRepeatedStatements()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPoolDefaults("Host=db.internal;Database=signing;Username=signing"));

        Assert.True(builder.NoResetOnClose);
        Assert.Equal(100, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);
        Assert.Equal(("db.internal", "signing"), (builder.Host, builder.Database));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;NORESETONCLOSE=false")]
    public void WithPoolDefaults_LeavesWhatTheOperatorSet(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPoolDefaults(connectionString));

        Assert.False(builder.NoResetOnClose);
        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);
    }

    [Fact]
    public async Task APooledConnection_KeepsTheStatementsItPrepared_ForItsNextUser()
    {
        // One physical connection: each open below is the same server session, handed back and forth through the pool.
        using var database = new PostgresDatabase(await cluster.CreateDatabaseAsync() + ";Maximum Pool Size=1");
        for (var use = 0; use < 3; use++)
        {
            await using var connection = await database.OpenAsync(default);
            Assert.Equal(42, await connection.ExecuteScalarAsync<int>("SELECT 41 + 1"));
        }

        await using var next = await database.OpenAsync(default);
        // DISCARD ALL on the way back to the pool would have deallocated it.
        Assert.Contains("SELECT 41 + 1", await next.QueryAsync<string>("SELECT statement FROM pg_prepared_statements"));
    }
}
