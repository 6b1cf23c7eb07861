using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Signing.Api.Tests.Features.SignatureRequests;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Signing.Api.Tests.Features.Notifications;

/// <summary>
/// Who hears about a request, in the app and by e-mail through an SMTP server running inside the test: the current
/// step's actors only, reminded at the configured interval; a secret document's e-mail carries no content.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class NotificationTests(TokenPki pki) : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://ky-so.hoabinh.phutho.gov.vn";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("notifications-").FullName;
    private readonly MailCatcher _mail = new();
    private readonly CancellationTokenSource _stopSmtp = new();
    private SigningApiFactory _api = null!;
    private Workflow _workflow = null!;
    private Task _smtp = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_mail);
        _smtp = new SmtpServer.SmtpServer(options, services).StartAsync(_stopSmtp.Token);
        _api = await new SigningApiFactory(pki, new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Jobs:PollInterval"] = "00:00:00.100",
            ["SignatureRequests:ScanInterval"] = "00:00:00.300",
            ["SignatureRequests:ReminderInterval"] = "00:00:01",
            ["Mail:Host"] = "127.0.0.1",
            ["Mail:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Security"] = "None",
            ["Mail:From"] = "Ký số <khong-tra-loi@hoabinh.phutho.gov.vn>",
            ["Mail:PublicBaseUrl"] = PublicBaseUrl,
        }).SeedAsync();
        _workflow = await Workflow.SetUpAsync(_api, pki);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _stopSmtp.CancelAsync();
        await _smtp.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopSmtp.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task EachActorIsMailed_ASecretDocumentsMailCarriesOnlyALink_AndItsInAppNotificationNoBody()
    {
        var accounts = _api.Services.GetRequiredService<AccountStore>();
        var address = $"chu-tich-{Guid.NewGuid():N}@hoabinh.phutho.gov.vn";
        await accounts.SetEmailAsync(_api.A.Official.Id, address, default);
        var clerkAddress = $"van-thu-{Guid.NewGuid():N}@hoabinh.phutho.gov.vn";
        await accounts.SetEmailAsync(_workflow.Clerk.Id, clerkAddress, default);

        const string OpenTitle = "Về việc tổ chức hội nghị sơ kết công tác chuyển đổi số";
        const string SecretTitle = "Về phương án bảo vệ mục tiêu trọng điểm";
        var open = await _workflow.SubmittedAsync(_workflow.Metadata(OpenTitle));
        var secret = await _workflow.SubmittedAsync(_workflow.Metadata(SecretTitle, secrecy: "secret"));

        var openMail = await _mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == address) && (m.TextBody ?? "").Contains(OpenTitle, StringComparison.Ordinal), Timeout);
        Assert.Contains($"{PublicBaseUrl}/yeu-cau/{open.GetProperty("id").GetString()}", openMail.TextBody ?? "", StringComparison.Ordinal);
        Assert.Equal("khong-tra-loi@hoabinh.phutho.gov.vn", openMail.From.Mailboxes.Single().Address);

        var secretLink = $"{PublicBaseUrl}/yeu-cau/{secret.GetProperty("id").GetString()}";
        var secretMail = await _mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == address) && (m.TextBody ?? "").Contains(secretLink, StringComparison.Ordinal), Timeout);
        foreach (var word in new[] { SecretTitle, "phương án", "mục tiêu", "Quyết định" })
        {
            Assert.DoesNotContain(word, secretMail.Subject, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(word, secretMail.TextBody ?? "", StringComparison.OrdinalIgnoreCase);
        }

        using var official = await _api.SignedInAsync(_api.A.Official);
        var notifications = (await official.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).GetProperty("items").EnumerateArray().ToList();
        var openNote = notifications.Single(n => n.GetProperty("subjectId").GetString() == open.GetProperty("id").GetString() && n.GetProperty("kind").GetString() == "request.todo");
        Assert.Contains(OpenTitle, openNote.GetProperty("body").GetString(), StringComparison.Ordinal);
        var secretNote = notifications.Single(n => n.GetProperty("subjectId").GetString() == secret.GetProperty("id").GetString() && n.GetProperty("kind").GetString() == "request.todo");
        Assert.Equal("", secretNote.GetProperty("body").GetString());
        Assert.DoesNotContain("phương án", secretNote.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);

        // The clerk has nothing to do yet, so no mail and no to-do.
        Assert.DoesNotContain(_mail.All, m => m.To.Mailboxes.Any(b => b.Address == clerkAddress));
    }

    [Fact]
    public async Task Reminders_GoOnlyToTheCurrentStepsActors_AndMoveOnWithTheStep()
    {
        var (deputy, _, _) = await _workflow.AddOfficialAsync("Lê Thị Cúc", "Phó Chủ tịch", pki.Deputy);
        var request = await _workflow.SubmittedAsync(_workflow.Metadata(before: new { kind = "review", assignees = new[] { deputy.Username } }));
        using var deputyClient = await _api.SignedInAsync(deputy);
        using var official = await _api.SignedInAsync(_api.A.Official);
        using var clerk = await _api.SignedInAsync(_workflow.Clerk);
        var id = request.GetProperty("id").GetString()!;

        await WaitForReminderAsync(deputyClient, id);
        Assert.Equal(0, await RemindersAsync(official, id));
        Assert.Equal(0, await RemindersAsync(clerk, id));

        await Workflow.DoAsync(deputyClient, request, "review", "approve", new { expectedSha256 = Workflow.Head(request) });
        var deputyReminders = await RemindersAsync(deputyClient, id);
        await WaitForReminderAsync(official, id);
        Assert.Equal(0, await RemindersAsync(clerk, id));
        // The review step is done: its reviewer is not reminded again.
        Assert.Equal(deputyReminders, await RemindersAsync(deputyClient, id));
    }

    private static async Task WaitForReminderAsync(HttpClient person, string requestId)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (await RemindersAsync(person, requestId) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no reminder arrived");
            await Task.Delay(100);
        }
    }

    private static async Task<int> RemindersAsync(HttpClient person, string requestId)
        => (await person.GetFromJsonAsync<JsonElement>("/api/v1/notifications?limit=200")).GetProperty("items").EnumerateArray()
            .Count(n => n.GetProperty("kind").GetString() == "reminder" && n.GetProperty("subjectId").GetString() == requestId);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Keeps every message the test's SMTP server accepts.</summary>
    private sealed class MailCatcher : MessageStore
    {
        private readonly ConcurrentQueue<MimeMessage> _messages = new();

        public IReadOnlyList<MimeMessage> All => [.. _messages];

        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            _messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }

        public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!_messages.Any(match))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no matching e-mail; got: {string.Join("; ", _messages.Select(m => m.Subject))}");
                await Task.Delay(50);
            }

            return _messages.First(match);
        }
    }
}
