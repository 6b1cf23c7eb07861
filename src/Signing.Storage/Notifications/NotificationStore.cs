using Dapper;

namespace Signing.Storage.Notifications;

/// <summary>An in-app notification for one person.</summary>
/// <param name="Id">The notification id.</param>
/// <param name="AgencyId">The person's agency.</param>
/// <param name="UserId">The person.</param>
/// <param name="SubjectId">The request or certificate it is about.</param>
/// <param name="Kind">E.g. <c>request.todo</c>, <c>request.rejected</c>, <c>reminder</c>, <c>certificate.expiring</c>.</param>
/// <param name="Title">One line, in Vietnamese.</param>
/// <param name="Body">What happened; empty for a secret document, whose content is never put in a notification.</param>
/// <param name="Link">Where to look (a path of the web app).</param>
/// <param name="CreatedAt">When (Unix ms).</param>
/// <param name="ReadAt">When the person read it.</param>
public sealed record Notification(
    string Id, string AgencyId, string UserId, string? SubjectId, string Kind, string Title, string Body, string? Link, long CreatedAt, long? ReadAt);

/// <summary>In-app notifications: written with the change that causes them, read and marked read by their person.</summary>
public sealed class NotificationStore(Database database, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, agency_id AS AgencyId, user_id AS UserId, subject_id AS SubjectId, kind AS Kind, title AS Title, body AS Body, link AS Link, " +
        "created_at AS CreatedAt, read_at AS ReadAt";

    /// <summary>Adds a notification inside the caller's transaction.</summary>
    public async Task<Notification> AddAsync(
        StorageTransaction tx, string agencyId, string userId, string? subjectId, string kind, string title, string body, string? link, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var notification = new Notification(TimeOrderedIds.New(), agencyId, userId, subjectId, kind, title, body, link,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), null);
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO notifications (id, agency_id, user_id, subject_id, kind, title, body, link, created_at) " +
            "VALUES (@Id, @AgencyId, @UserId, @SubjectId, @Kind, @Title, @Body, @Link, @CreatedAt)", notification, tx.Transaction, cancellationToken: ct));
        return notification;
    }

    /// <summary>A person's notifications, newest first; only unread ones when <paramref name="unreadOnly"/>.</summary>
    public async Task<IReadOnlyList<Notification>> ListAsync(string userId, bool unreadOnly, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return (await connection.QueryAsync<Notification>(new CommandDefinition(
            $"SELECT {Columns} FROM notifications WHERE user_id = @userId AND (@unreadOnly = 0 OR read_at IS NULL) ORDER BY created_at DESC, id DESC LIMIT @limit",
            new { userId, unreadOnly = unreadOnly ? 1 : 0, limit = Math.Clamp(limit, 1, 200) }, cancellationToken: ct))).AsList();
    }

    /// <summary>How many unread notifications a person has, counted up to <paramref name="atMost"/> when given.</summary>
    /// <remarks>
    /// The count is read from the index of unread notifications; a caller that only shows "999+" stops counting there,
    /// so a person who never reads them does not make every page slower.
    /// </remarks>
    public async Task<int> UnreadCountAsync(string userId, CancellationToken ct, int? atMost = null)
    {
        await using var connection = await database.OpenAsync(ct);
        return atMost is { } limit
            ? await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = @userId AND read_at IS NULL LIMIT @limit) AS unread",
                new { userId, limit = Math.Max(limit, 0) }, cancellationToken: ct))
            : await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM notifications WHERE user_id = @userId AND read_at IS NULL", new { userId }, cancellationToken: ct));
    }

    /// <summary>Marks a person's notification read; false when it is not theirs or was read.</summary>
    public async Task<bool> MarkReadAsync(string userId, string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET read_at = @now WHERE id = @id AND user_id = @userId AND read_at IS NULL",
            new { id, userId, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1;
    }
}
