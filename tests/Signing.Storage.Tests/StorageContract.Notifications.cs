using Dapper;
using Signing.Storage.Notifications;

namespace Signing.Storage.Tests;

/// <summary>A person's unread notifications: counted exactly, or up to what the page header shows.</summary>
public abstract partial class StorageContract
{
    [Fact]
    public async Task Notifications_UnreadCount_SkipsReadOnes_AndStopsAtTheLimitGiven()
    {
        var agency = await Accounts.CreateAgencyAsync("000.00.36.H42", "UBND xã Hòa Bình", null, default);
        var official = await Accounts.CreateUserAsync(agency.Id, "chutich36", "Trần Văn Bình", "Chủ tịch", "hash", ["official"], null, default);
        var clerk = await Accounts.CreateUserAsync(agency.Id, "vanthu36", "Lê Thị Hoa", "Văn thư", "hash", ["clerk"], null, default);
        var store = new NotificationStore(Db, TimeProvider.System);
        var added = new List<Notification>();
        await using (var tx = await Db.BeginWriteAsync("notifications", default))
        {
            for (var i = 0; i < 12; i++)
            {
                added.Add(await store.AddAsync(tx, agency.Id, official.Id, null, "request.todo", $"Văn bản cần ký {i}", "", null, default));
            }

            await store.AddAsync(tx, agency.Id, clerk.Id, null, "request.todo", "Văn bản cần đóng dấu", "", null, default);
            await tx.CommitAsync(default);
        }

        Assert.True(await store.MarkReadAsync(official.Id, added[0].Id, default));
        Assert.True(await store.MarkReadAsync(official.Id, added[1].Id, default));

        Assert.Equal(10, await store.UnreadCountAsync(official.Id, default));
        Assert.Equal(10, await store.UnreadCountAsync(official.Id, default, atMost: 10));
        Assert.Equal(5, await store.UnreadCountAsync(official.Id, default, atMost: 5));
        Assert.Equal(10, await store.UnreadCountAsync(official.Id, default, atMost: 1000));
        Assert.Equal(1, await store.UnreadCountAsync(clerk.Id, default, atMost: 1000));

        if (Db is SqliteDatabase)
        {
            // The count reads the index of unread notifications alone, not each of the person's rows.
            await using var connection = await Db.OpenAsync(default);
            var steps = await connection.QueryAsync("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM notifications WHERE user_id = 'x' AND read_at IS NULL");
            var plan = string.Join("\n", steps.Select(step => (string)((IDictionary<string, object>)step)["detail"]));
            Assert.Contains("notifications_unread", plan, StringComparison.Ordinal);
        }
    }
}
