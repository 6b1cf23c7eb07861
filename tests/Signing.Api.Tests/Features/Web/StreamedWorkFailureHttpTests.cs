using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewEngines;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Mergers;
using Signing.Api.Features.Web.Live;
using Signing.Api.Features.Web.Pages;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// Streamed work that throws something nobody expected, over plain HTTP on Kestrel: the people import of the merger
/// wizard, whose mapping partial fails while it renders the outcome (the service is started with a view engine that
/// hands out such a view). The stream already answered 200, so it must end with a <c>failed</c> event that explains in
/// the person's words and quotes the trace id, never the exception; the exception goes to the log under that trace id.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed partial class StreamedWorkFailureHttpTests(TokenPki pki)
{
    private const string Detail = "mapping partial exploded on row 7 (secret internal detail)";

    private sealed record ServerEvent(string Name, JsonElement Data);

    [Fact]
    public async Task AnImportThatThrows_EndsWithAFailedEvent_QuotingTheLoggedTraceId_AndTheConnectionEndsCleanly()
    {
        var directory = Directory.CreateTempSubdirectory("signing-web-failure-").FullName;
        try
        {
            var authorities = Path.Combine(directory, "client-ca.pem");
            await File.WriteAllTextAsync(authorities, pki.SubCaPem + "\n" + await File.ReadAllTextAsync(pki.RootPemFile));
            var logs = new LogCapture();
            await using var app = await new WebAppFactory(pki, authorities, testServices: services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                services.AddSingleton(provider => new PartialHtml(new FailingViews(), provider.GetRequiredService<IModelMetadataProvider>(),
                    provider.GetRequiredService<ITempDataDictionaryFactory>(), provider.GetRequiredService<IOptions<MvcViewOptions>>()));
            }).StartAsync();

            var admin = await app.Services.GetRequiredService<AccountStore>().CreateUserAsync(app.A.Agency.Id, "chungthu-a", "Phạm Minh Quân", "Chuyên viên CNTT",
                new PasswordHasher<User>().HashPassword(null!, ApiFactory.Password), [Roles.CertAdmin], null, default);
            var planned = await app.Services.GetRequiredService<MergerService>().CreateAsync(
                new Actor(Actor.User, admin.Id, admin.Username, admin.AgencyId, Roles.Parse(admin.Roles)),
                new MergerInput([app.A.Agency.Code, app.B.Agency.Code], new NewAgency("ỦY BAN NHÂN DÂN XÃ HÒA AN", "Tỉnh Phú Thọ", "000.00.39.H42",
                    "ỦY BAN NHÂN DÂN HUYỆN THANH SƠN"), null, null), default);
            Assert.True(planned.Failure is null, planned.Failure?.Detail);
            var path = $"/certificates/mergers/{planned.Value!.Id}/people";

            using var client = await SignedInAsync(app, admin);
            var csv = "username,action,unit,position,email,reason\n" +
                $"{app.A.Official.Username},move,Lãnh đạo,Chủ tịch,an@hoaan.gov.vn,\n" +
                $"{app.B.Official.Username},leave,,,,retired\n";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?handler=ImportStream") { Content = MappingForm(Token(await PageAsync(client, path)), csv) };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);

            // A connection the server cut would fail this read (the response ended prematurely); the stream ends whole.
            var body = await response.Content.ReadAsStringAsync();
            Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
            var events = Parse(body);

            // The import went through its phases before the outcome's rendering threw; there is no done, and failed is last.
            Assert.Equal([ImportPhases.Read, ImportPhases.Check, ImportPhases.Check, ImportPhases.Plan, ImportPhases.Plan],
                events.Where(e => e.Name == "progress").Select(e => e.Data.GetProperty("phase").GetString()));
            Assert.DoesNotContain(events, e => e.Name == "done");
            var failed = events[^1];
            Assert.Equal("failed", failed.Name);
            Assert.Single(events, e => e.Name == "failed");

            // The error page's words for a 500 and a reference to quote, and nothing of the exception.
            var text = failed.Data.GetProperty("text").GetString()!;
            var traceId = TraceIdPattern().Match(text) is { Success: true } match ? match.Groups[1].Value : null;
            Assert.False(string.IsNullOrEmpty(traceId), text);
            Assert.Equal(string.Format(CultureInfo.InvariantCulture, ProgressText.Stopped.Vi, ErrorText.For(500).Explanation.Vi, traceId), text);
            Assert.DoesNotContain(Detail, body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.DoesNotContain(nameof(FailingView), body, StringComparison.Ordinal);

            // The exception itself was logged, once, as an error under the same trace id.
            var logged = Assert.Single(logs.Entries, entry => entry.Exception?.Message == Detail);
            Assert.Equal(LogLevel.Error, logged.Level);
            Assert.Equal($"Unhandled error in the streamed work of {path}", logged.Message);
            Assert.Equal(traceId, logged.Scope.GetValueOrDefault("RequestId")?.ToString());
            Assert.Contains(nameof(FailingView), logged.Exception!.StackTrace, StringComparison.Ordinal);

            // The service still answers the same person afterwards.
            Assert.Contains(app.A.Official.Username, await PageAsync(client, path), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<HttpClient> SignedInAsync(WebAppFactory app, User user)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.HttpAddress };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Username"] = user.Username,
            ["Input.Password"] = ApiFactory.Password,
            ["__RequestVerificationToken"] = Token(await PageAsync(client, "/signin")),
        });
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/signin", form)).StatusCode);
        return client;
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    private static List<ServerEvent> Parse(string body) => [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
    {
        var lines = block.Split('\n');
        return new ServerEvent(lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..],
            JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement.Clone());
    })];

    private static MultipartFormDataContent MappingForm(string token, string csv)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Mapping", "phan-cong.csv" } };
    }

    private static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"Mã tra cứu: (\S+)\.$")]
    private static partial Regex TraceIdPattern();

    // Finds every view, and every view it finds throws while it renders, as a partial with a bug would.
    private sealed class FailingViews : ICompositeViewEngine
    {
        public IReadOnlyList<IViewEngine> ViewEngines => [];

        public ViewEngineResult FindView(ActionContext context, string viewName, bool isMainPage) => ViewEngineResult.Found(viewName, new FailingView(viewName));

        public ViewEngineResult GetView(string? executingFilePath, string viewPath, bool isMainPage) => ViewEngineResult.Found(viewPath, new FailingView(viewPath));
    }

    private sealed class FailingView(string path) : IView
    {
        public string Path => path;

        public Task RenderAsync(ViewContext context) => throw new InvalidOperationException(Detail);
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Scope);

    // Keeps every entry the service logs, with the values of the scopes it was logged in (the host's RequestId among them).
    private sealed class LogCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => capture._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
                capture._scopes.ForEachScope((value, values) =>
                {
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, item) in pairs)
                        {
                            values[key] = item;
                        }
                    }
                }, scope);
                capture.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception, scope));
            }
        }
    }
}
