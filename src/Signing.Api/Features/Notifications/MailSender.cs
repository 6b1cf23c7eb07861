using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Signing.Api.Features.Jobs;
using Signing.Storage.Jobs;

namespace Signing.Api.Features.Notifications;

/// <summary>Configuration section <c>Mail</c>: SMTP for e-mail notifications; without a host no e-mail is sent.</summary>
public sealed class MailOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Mail";

    /// <summary>The SMTP host; null disables e-mail.</summary>
    public string? Host { get; set; }

    /// <summary>The SMTP port (default 587).</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c> (default), <c>SslOnConnect</c> or <c>None</c> (only for a relay on the same host).</summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>The SMTP user, if the server needs one.</summary>
    public string? Username { get; set; }

    /// <summary>A file holding the SMTP password (never the password itself in configuration).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The sender, e.g. <c>Ky so &lt;khong-tra-loi@phutho.gov.vn&gt;</c>.</summary>
    public string From { get; set; } = "Signing service <no-reply@localhost>";

    /// <summary>The service's address as people reach it, for links in e-mails.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Whether e-mail is sent.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Enabled && (Port is < 1 or > 65535 || Security is not ("StartTls" or "SslOnConnect" or "None")))
        {
            problems.Add("Mail:Port must be 1-65535 and Mail:Security StartTls, SslOnConnect or None.");
        }

        if (Enabled && !MailboxAddress.TryParse(From, out _))
        {
            problems.Add($"Mail:From '{From}' is not a mailbox address.");
        }

        if (PasswordFile is { Length: > 0 } file && !File.Exists(file))
        {
            problems.Add($"Mail:PasswordFile '{file}' does not exist.");
        }

        return problems;
    }
}

/// <summary>Sends queued e-mails over SMTP with MailKit; a failure is retried by the job queue.</summary>
public sealed class MailSender(IOptions<MailOptions> options) : IJobHandler
{
    /// <inheritdoc />
    public string Kind => Notifier.MailJobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(Job job, string node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var message = JsonSerializer.Deserialize<MailMessage>(job.Payload ?? "null");
        var mail = options.Value;
        if (message is null || !mail.Enabled)
        {
            return JobOutcome.Completed;
        }

        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(mail.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Body };
        using var smtp = new SmtpClient { Timeout = 30_000 };
        await smtp.ConnectAsync(mail.Host!, mail.Port, mail.Security switch
        {
            "SslOnConnect" => SecureSocketOptions.SslOnConnect,
            "None" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        }, ct);
        if (mail.Username is { Length: > 0 } user)
        {
            var password = mail.PasswordFile is { Length: > 0 } file ? (await File.ReadAllTextAsync(file, ct)).Trim() : "";
            await smtp.AuthenticateAsync(user, password, ct);
        }

        await smtp.SendAsync(mime, ct);
        await smtp.DisconnectAsync(quit: true, ct);
        return JobOutcome.Completed;
    }
}
