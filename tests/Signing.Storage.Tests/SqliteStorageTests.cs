namespace Signing.Storage.Tests;

/// <summary>The storage contract on an embedded SQLite file.</summary>
public sealed class SqliteStorageTests : StorageContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-sqlite-").FullName;

    protected override Task<Database> CreateDatabaseAsync()
        => Task.FromResult<Database>(new SqliteDatabase($"Data Source={Path.Combine(_directory, "signing.db")}"));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
