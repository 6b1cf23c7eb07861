using Dapper;
using Microsoft.Data.Sqlite;
using Signing.Storage.Sqlite;

namespace Signing.Storage.Tests;

/// <summary>The SQLite connections the database pools itself, with the statements they compiled.</summary>
public sealed class SqliteSessionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-sqlite-session-").FullName;
    private readonly SqliteDatabase _database;

    public SqliteSessionTests()
    {
        _database = new SqliteDatabase($"Data Source={Path.Combine(_directory, "session.db")}");
    }

    [Fact]
    public async Task AStatementRunOnTheNextSession_ReusesItsCompiledStatement_WithTheNewValuesOnly()
    {
        SqliteHandle first;
        await using (var connection = await _database.OpenAsync(default))
        {
            first = ((SqliteSession)connection).Handle;
            Assert.Equal(1, await connection.QuerySingleAsync<int>("SELECT @value", new { value = 1 }));
        }

        await using (var connection = await _database.OpenAsync(default))
        {
            Assert.Same(first, ((SqliteSession)connection).Handle);
            Assert.Equal(1, first.CachedCommands);
            Assert.Equal(2, await connection.QuerySingleAsync<int>("SELECT @value", new { value = 2 }));
            Assert.Equal(1, first.CachedCommands);

            // The values of the last run are not kept with the statement: a run without them is refused.
            var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.QuerySingleAsync<int>("SELECT @value"));
            Assert.Contains("@value", missing.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASessionClosedInsideATransaction_RollsItBack_AndGivesUpTheWriteTurn()
    {
        await CreateNotesAsync();

        SqliteHandle abandoned;
        await using (var connection = await _database.OpenAsync(default))
        {
            abandoned = ((SqliteSession)connection).Handle;
            var transaction = await _database.BeginExclusiveAsync(connection, "notes", default);
            await connection.ExecuteAsync("INSERT INTO notes (text) VALUES ('never committed')", transaction: transaction);
        }

        await using (var connection = await _database.OpenAsync(default))
        {
            // Rolled back on close, so the same connection is clean to serve again.
            Assert.Same(abandoned, ((SqliteSession)connection).Handle);
            Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT COUNT(*) FROM notes"));

            // The write turn went with the session: another writer gets it at once.
            await using var transaction = await _database.BeginExclusiveAsync(connection, "notes", default);
            await connection.ExecuteAsync("INSERT INTO notes (text) VALUES ('committed')", transaction: transaction);
            await transaction.CommitAsync();
        }

        Assert.Equal(["committed"], await NotesAsync());
    }

    [Fact]
    public async Task ASessionLeftInsideATransactionItBeganInSql_IsClosed_NotPooled()
    {
        await CreateNotesAsync();

        SqliteHandle dirty;
        await using (var connection = await _database.OpenAsync(default))
        {
            dirty = ((SqliteSession)connection).Handle;
            await connection.ExecuteAsync("BEGIN IMMEDIATE; INSERT INTO notes (text) VALUES ('never committed');");
        }

        Assert.Equal(System.Data.ConnectionState.Closed, dirty.Connection.State);
        Assert.Empty(await NotesAsync());
    }

    [Fact]
    public async Task CommittedPages_ReachTheDatabaseFile_WhileItsConnectionsStayOpen_AndNoCommitCheckpointed()
    {
        await CreateNotesAsync();
        var file = new FileInfo(Path.Combine(_directory, "session.db"));
        var before = FileLength(file);

        // A megabyte, about 260 pages: well below the 10,000-page log at which a commit would checkpoint by itself.
        await using (var transaction = await _database.BeginWriteAsync("notes", default))
        {
            await transaction.Connection.ExecuteAsync("INSERT INTO notes (text) VALUES (@text)", new { text = new string('x', 1 << 20) },
                transaction.Transaction);
            await transaction.CommitAsync(default);
        }

        // The session's handle stays open in the pool, so only the database's checkpoint timer copies the pages over.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (FileLength(file) < before + (1 << 20) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(FileLength(file) >= before + (1 << 20),
            $"the database file is {FileLength(file)} bytes, {before} before the write: the write-ahead log was not checkpointed");
        Assert.Equal(1 << 20, (await NotesAsync()).Single().Length);
    }

    private static long FileLength(FileInfo file)
    {
        file.Refresh();
        return file.Length;
    }

    private async Task CreateNotesAsync()
    {
        await using var connection = await _database.OpenAsync(default);
        await connection.ExecuteAsync("CREATE TABLE notes (text TEXT NOT NULL)");
    }

    private async Task<List<string>> NotesAsync()
    {
        await using var connection = await _database.OpenAsync(default);
        return [.. await connection.QueryAsync<string>("SELECT text FROM notes")];
    }

    [Fact]
    public async Task AStatementBegunAgainInsideTransactions_RunsInTheTransactionItWasGiven()
    {
        await using var connection = await _database.OpenAsync(default);
        await connection.ExecuteAsync("CREATE TABLE counters (value INTEGER NOT NULL)");
        for (var round = 1; round <= 3; round++)
        {
            await using var transaction = await _database.BeginExclusiveAsync(connection, "counters", default);
            await connection.ExecuteAsync("INSERT INTO counters (value) VALUES (@round)", new { round }, transaction);
            if (round == 2)
            {
                await transaction.RollbackAsync();
            }
            else
            {
                await transaction.CommitAsync();
            }
        }

        Assert.Equal([1, 3], await connection.QueryAsync<int>("SELECT value FROM counters ORDER BY value"));
    }

    [Fact]
    public async Task ACommandItsSessionNeverGaveBack_IsReclaimed_AndTheConnectionServesOn()
    {
        SqliteHandle first;
        await using (var connection = await _database.OpenAsync(default))
        {
            first = ((SqliteSession)connection).Handle;

            // Dapper's reader, disposed asynchronously, does not dispose its command.
            await using var reader = await connection.ExecuteReaderAsync("SELECT 1 UNION ALL SELECT 2");
            Assert.True(await reader.ReadAsync());
        }

        await using (var connection = await _database.OpenAsync(default))
        {
            Assert.Same(first, ((SqliteSession)connection).Handle);
            Assert.Equal([1, 2], await connection.QueryAsync<int>("SELECT 1 UNION ALL SELECT 2"));
        }
    }

    [Fact]
    public async Task ADisposedDatabase_ClosesItsPooledConnections_AndOpensNoMore()
    {
        SqliteHandle pooled;
        await using (var connection = await _database.OpenAsync(default))
        {
            pooled = ((SqliteSession)connection).Handle;
        }

        _database.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, pooled.Connection.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await _database.OpenAsync(default));
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
