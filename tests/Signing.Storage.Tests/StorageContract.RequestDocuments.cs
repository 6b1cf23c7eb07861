using System.Security.Cryptography;
using Dapper;
using Signing.Storage.Requests;

namespace Signing.Storage.Tests;

/// <summary>A request's document revisions: a revision that extends the one before is stored as what it appends.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task RequestDocuments_ARevisionThatExtendsTheOneBefore_IsStoredAsItsIncrement_AndReadBackWhole()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.33.H42", "UBND xã Hòa Bình", null, default);
        var store = new SignatureRequestStore(Db);
        var original = RandomNumberGenerator.GetBytes(70_000);
        byte[] signed = [.. original, .. RandomNumberGenerator.GetBytes(48_000)];
        byte[] sealedPdf = [.. signed, .. RandomNumberGenerator.GetBytes(32_000)];
        var rewritten = RandomNumberGenerator.GetBytes(signed.Length + 10);
        byte[] forged = [.. signed[..^1], (byte)(signed[^1] ^ 1), .. RandomNumberGenerator.GetBytes(100)];

        await using (var tx = await Db.BeginWriteAsync("request:r1", default))
        {
            await store.InsertAsync(tx, InProgressRequest("r1", agency.Id), null, default);
            var revision0 = await InsertAsync(tx, 0, original, null);
            var revision1 = await InsertAsync(tx, 1, signed, revision0);
            await InsertAsync(tx, 2, sealedPdf, revision1);

            // Bytes that do not start with the revision named are stored whole, whatever the caller said; so is a
            // document that starts with another document's revision (a copy of the issued document), and one that
            // names a revision nobody stored.
            await InsertAsync(tx, 3, rewritten, revision1);
            await InsertAsync(tx, 4, forged, revision1);
            await InsertAsync(tx, 0, sealedPdf, revision1, index: 100);
            await InsertAsync(tx, 1, sealedPdf, revision1 with { DocumentIndex = 100, Revision = 0 }, index: 100);
            await InsertAsync(tx, 0, signed, revision0 with { DocumentIndex = 101, Revision = -1 }, index: 101);
            await tx.CommitAsync(default);
        }

        // Read back by the store that wrote them (from the revisions it holds) and by another node's (from the rows).
        foreach (var reader in new[] { store, new SignatureRequestStore(Db) })
        {
            Assert.Equal(original, await reader.ContentAsync("r1", 0, 0, default));
            Assert.Equal(signed, await reader.ContentAsync("r1", 0, 1, default));
            Assert.Equal(sealedPdf, await reader.ContentAsync("r1", 0, 2, default));
            Assert.Equal(rewritten, await reader.ContentAsync("r1", 0, 3, default));
            Assert.Equal(forged, await reader.ContentAsync("r1", 0, 4, default));
            Assert.Null(await reader.ContentAsync("r1", 0, 5, default));
            Assert.Equal(sealedPdf, await reader.ContentAsync("r1", 100, 0, default));
            Assert.Equal(sealedPdf, await reader.ContentAsync("r1", 100, 1, default));
            Assert.Equal(signed, await reader.ContentAsync("r1", 101, 0, default));
        }

        await using var connection = await Db.OpenAsync(default);
        var rows = (await connection.QueryAsync<(long Revision, long? AppendsTo, long Stored)>(
            "SELECT revision, appends_to, CAST(LENGTH(content) AS BIGINT) FROM signature_request_documents WHERE request_id = 'r1' " +
            "ORDER BY document_index, revision")).ToList();
        Assert.Equal(
            [
                (0, null, original.Length), (1, 0, signed.Length - original.Length), (2, 1, sealedPdf.Length - signed.Length), (3, null, rewritten.Length),
                (4, null, forged.Length), (0, null, sealedPdf.Length), (1, null, sealedPdf.Length), (0, null, signed.Length),
            ],
            rows.Select(r => (r.Revision, r.AppendsTo, (int)r.Stored)));

        async Task<RequestDocument> InsertAsync(StorageTransaction tx, long revision, byte[] content, RequestDocument? extends, long index = 0)
        {
            var document = new RequestDocument("r1", index, revision, "main", "van-ban.pdf", Convert.ToHexStringLower(SHA256.HashData(content)), content.LongLength,
                revision, null, 1);
            await store.InsertDocumentAsync(tx, document, content, extends, default);
            return document;
        }
    }

    [Fact]
    public async Task RequestDocuments_AnIncrementWhoseRevisionBeforeChangedLength_IsRefusedOnRead()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.34.H42", "UBND xã Hòa Bình", null, default);
        var store = new SignatureRequestStore(Db);
        var original = RandomNumberGenerator.GetBytes(1_000);
        byte[] signed = [.. original, .. RandomNumberGenerator.GetBytes(500)];
        await using (var tx = await Db.BeginWriteAsync("request:r2", default))
        {
            await store.InsertAsync(tx, InProgressRequest("r2", agency.Id), null, default);
            var revision0 = FirstRevision("r2", original);
            await store.InsertDocumentAsync(tx, revision0, original, null, default);
            await store.InsertDocumentAsync(tx, revision0 with { Revision = 1, Sha256 = Convert.ToHexStringLower(SHA256.HashData(signed)), Length = signed.Length },
                signed, revision0, default);
            await tx.CommitAsync(default);
        }

        // Someone shortens the first revision behind the service's back: the pieces no longer fit, and a read from the
        // rows (a node that does not hold the revision it wrote) says so.
        await using (var connection = await Db.OpenAsync(default))
        {
            await connection.ExecuteAsync("UPDATE signature_request_documents SET length = 999 WHERE request_id = 'r2' AND revision = 0");
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => new SignatureRequestStore(Db).ContentAsync("r2", 0, 1, default));
    }

    [Fact]
    public async Task RequestDocuments_ARevisionWhoseTransactionRolledBack_IsNotServed_AndReadsAreCopies()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.35.H42", "UBND xã Hòa Bình", null, default);
        var store = new SignatureRequestStore(Db);
        var original = RandomNumberGenerator.GetBytes(2_000);
        var revision0 = FirstRevision("r3", original);
        await using (var tx = await Db.BeginWriteAsync("request:r3", default))
        {
            await store.InsertAsync(tx, InProgressRequest("r3", agency.Id), null, default);
            await store.InsertDocumentAsync(tx, revision0, original, null, default);
            await tx.CommitAsync(default);
        }

        await using (var tx = await Db.BeginWriteAsync("request:r3", default))
        {
            await store.InsertDocumentAsync(tx, revision0 with { Revision = 1 }, [.. original, 1, 2, 3], revision0, default);
        }

        Assert.Null(await store.ContentAsync("r3", 0, 1, default));

        // A caller that changes the bytes it read changes its own copy, not what the next caller reads.
        var first = (await store.ContentAsync("r3", 0, 0, default))!;
        first[0] ^= 0xFF;
        Assert.Equal(original, await store.ContentAsync("r3", 0, 0, default));
    }

    // The submitted revision of a request's main document, unsigned.
    private static RequestDocument FirstRevision(string requestId, byte[] content)
        => new(requestId, 0, 0, "main", "a.pdf", Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, 0, null, 1);

    private static SignatureRequest InProgressRequest(string id, string agencyId)
        => new(id, agencyId, "Về việc lưu bản sửa đổi", "Công văn", "{số}/UBND-VP", "normal", "none", null, "user", "u1", "Văn thư", null, null,
            "in_progress", null, "general", null, null, null, null, null, 0, 1, 1);
}
