namespace Signing.Storage.Tests;

/// <summary>The storage contract on an embedded SQLite file.</summary>
public sealed class SqliteStorageTests : StorageContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-sqlite-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "signing.db")}";

    protected override Task<Database> CreateDatabaseAsync()
        => Task.FromResult<Database>(new SqliteDatabase(ConnectionString) { AuditCheckpointFile = CheckpointFile });

    protected override Database Reopen() => new SqliteDatabase(ConnectionString) { AuditCheckpointFile = CheckpointFile };

    protected override Task<Database> CreateEmptyDatabaseAsync()
        => Task.FromResult<Database>(new SqliteDatabase($"Data Source={Path.Combine(_directory, $"empty-{Guid.NewGuid():N}.db")}"));

    public override async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        await base.DisposeAsync();
    }
}
