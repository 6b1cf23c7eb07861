using System.Buffers;
using Dapper;

namespace Signing.Storage.Results;

/// <summary>A stored reply: who may fetch it, what it is, and how long.</summary>
/// <param name="Id">The id (an operation or signature id).</param>
/// <param name="Principal">The only principal that may fetch it.</param>
/// <param name="ContentType">The reply's media type.</param>
/// <param name="Headers">JSON object of the reply headers worth keeping.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="CreatedAt">When it was stored (Unix milliseconds).</param>
public sealed record StoredResult(string Id, string Principal, string? ContentType, string? Headers, long Length, long CreatedAt);

/// <summary>
/// Replies too large to keep in an idempotency record (a signed 40 MB PDF), stored by id in chunks of one megabyte, so
/// that neither storing nor fetching one holds it in memory, on either database.
/// </summary>
public sealed class StoredResultStore(Database database, TimeProvider clock)
{
    /// <summary>The size of the stored chunks.</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Stores <paramref name="content"/> (read to its end) under <paramref name="id"/>, in one transaction.</summary>
    public async Task<StoredResult> SaveAsync(
        string id, string principal, string? contentType, string? headers, Stream content, CancellationToken ct)
    {
        // In the writers' turn, like every write transaction: on SQLite a plain BEGIN would wait for the file's write lock
        // in SQLite's sleeping busy handler.
        await using var transaction = await database.BeginWriteAsync($"stored-result:{id}", ct);
        var result = await SaveAsync(transaction, id, principal, contentType, headers, content, ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Stores <paramref name="content"/> under <paramref name="id"/> inside <paramref name="transaction"/>.</summary>
    public Task<StoredResult> SaveAsync(
        StorageTransaction transaction, string id, string principal, string? contentType, string? headers, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return SaveAsync(transaction.Connection, transaction.Transaction, id, principal, contentType, headers, content, ct);
    }

    private async Task<StoredResult> SaveAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string id, string principal,
        string? contentType, string? headers, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var createdAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // The row first (its chunks refer to it); its length once all chunks are in.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO stored_results (id, principal, content_type, headers, length, created_at) " +
            "VALUES (@id, @principal, @contentType, @headers, 0, @createdAt)",
            new { id, principal, contentType, headers, createdAt }, transaction, cancellationToken: ct));
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long length = 0;
        try
        {
            for (var n = 0; ; n++)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, ct);
                if (read == 0)
                {
                    break;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO stored_result_chunks (result_id, n, data) VALUES (@id, @n, @data)",
                    new { id, n, data = buffer.AsSpan(0, read).ToArray() }, transaction, cancellationToken: ct));
                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE stored_results SET length = @length WHERE id = @id", new { id, length }, transaction, cancellationToken: ct));
        return new StoredResult(id, principal, contentType, headers, length, createdAt);
    }

    /// <summary>The stored result <paramref name="id"/>, or null.</summary>
    public async Task<StoredResult?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StoredResult>(new CommandDefinition(
            "SELECT id AS Id, principal AS Principal, content_type AS ContentType, headers AS Headers, length AS Length, created_at AS CreatedAt " +
            "FROM stored_results WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Writes the content of result <paramref name="id"/> to <paramref name="destination"/>, chunk by chunk.</summary>
    public async Task CopyToAsync(string id, Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = await database.OpenAsync(ct);
        for (var n = 0; ; n++)
        {
            var chunk = await connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition(
                "SELECT data FROM stored_result_chunks WHERE result_id = @id AND n = @n", new { id, n }, cancellationToken: ct));
            if (chunk is null)
            {
                return;
            }

            await destination.WriteAsync(chunk, ct);
        }
    }

    /// <summary>Deletes results stored before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteOlderThanAsync(long before, CancellationToken ct)
    {
        await using var transaction = await database.BeginWriteAsync("stored-result:expiry", ct);
        await transaction.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM stored_result_chunks WHERE result_id IN (SELECT id FROM stored_results WHERE created_at < @before)",
            new { before }, transaction.Transaction, cancellationToken: ct));
        var deleted = await transaction.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM stored_results WHERE created_at < @before", new { before }, transaction.Transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return deleted;
    }
}
