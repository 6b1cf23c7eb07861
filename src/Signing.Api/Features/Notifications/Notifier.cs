using System.Text.Json;
using Microsoft.Extensions.Options;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Jobs;
using Signing.Storage.Notifications;

namespace Signing.Api.Features.Notifications;

/// <summary>A notification to write: who, what, where to look.</summary>
/// <param name="Kind">E.g. <c>request.todo</c>, <c>request.rejected</c>, <c>reminder</c>.</param>
/// <param name="Title">One line, Vietnamese.</param>
/// <param name="Body">What happened.</param>
/// <param name="Link">A path in the web app, e.g. <c>/yeu-cau/ID</c>.</param>
/// <param name="SubjectId">The request or certificate.</param>
/// <param name="Confidential">A secret document (độ mật): no title or body leaves the service, only a link.</param>
public sealed record NotificationMessage(string Kind, string Title, string Body, string? Link, string? SubjectId, bool Confidential = false);

/// <summary>
/// Tells people that something needs them or happened to their request: an in-app notification for each, written in
/// the caller's transaction, and, when mail is configured and the person has an address, an e-mail queued as a job in
/// the same transaction (so a rolled-back change sends nothing, and a crash after commit still sends it). E-mail for a
/// secret document carries no content, only a link.
/// </summary>
public sealed class Notifier(NotificationStore notifications, JobStore jobs, IOptions<MailOptions> mail)
{
    /// <summary>The job kind that sends one e-mail.</summary>
    public const string MailJobKind = "email";

    /// <summary>Notifies <paramref name="people"/> (each once) inside <paramref name="tx"/>.</summary>
    public async Task NotifyAsync(StorageTransaction tx, IEnumerable<User> people, NotificationMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(message);
        foreach (var person in people.DistinctBy(p => p.Id))
        {
            await notifications.AddAsync(tx, person.AgencyId, person.Id, message.SubjectId, message.Kind, message.Title,
                message.Confidential ? "" : message.Body, message.Link, ct);
            if (mail.Value.Enabled && !string.IsNullOrWhiteSpace(person.Email))
            {
                var link = message.Link is null ? "" : $"{mail.Value.PublicBaseUrl?.TrimEnd('/')}{message.Link}";
                var email = message.Confidential
                    ? new MailMessage(person.Email, "Có văn bản cần xử lý (độ mật)", $"Có văn bản mật cần anh/chị xử lý. Đăng nhập để xem: {link}")
                    : new MailMessage(person.Email, message.Title, $"{message.Body}\n\n{link}".Trim());
                await jobs.EnqueueAsync(tx, MailJobKind, JsonSerializer.Serialize(email), maxAttempts: 20, ct: ct);
            }
        }
    }
}

/// <summary>One e-mail, as queued.</summary>
/// <param name="To">The address.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Body">Plain text.</param>
public sealed record MailMessage(string To, string Subject, string Body);
