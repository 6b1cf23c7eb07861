using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Fixtures;

/// <summary>
/// Debian's Chromium driven by Playwright, shared by the browser tests of a collection. It starts on first use, so the
/// other tests of the collection run (and pass) on a machine without Chromium; a browser test there fails naming the
/// package to install. Playwright's own browser download cannot work here, hence <c>ExecutablePath</c>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser; <c>SIGNING_CHROMIUM</c> overrides it.</summary>
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    private static readonly string[] LaunchArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    static BrowserFixture() => Assertions.SetDefaultExpectTimeout(15_000);

    /// <summary>The browser, started on first call.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public async Task<IBrowser> BrowserAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is not null)
            {
                return _browser;
            }

            var path = Environment.GetEnvironmentVariable("SIGNING_CHROMIUM") is { Length: > 0 } configured ? configured : DefaultChromiumPath;
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"Chromium not found at {path}: browser tests need Debian's package 'chromium' (test.sh installs it; or apt-get install -y chromium).");
            }

            _playwright = await Playwright.CreateAsync();
            // Playwright gives each launch a fresh temporary profile (user-data dir) and removes it on close.
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = LaunchArguments,
            });
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _gate.Dispose();
    }
}

/// <summary>
/// One test's browser context and page: a fresh context (no cookies) in Vietnamese (vi-VN) and Vietnam time, 1280×720
/// unless told otherwise. Console messages and page errors go to the test output; an error logged by a page (a script
/// failure, a Content-Security-Policy violation) fails the test. A failing test leaves a screenshot under
/// <c>TestResults/browser/</c>, where <see cref="ScreenshotAsync"/> saves deliberate ones too.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _testClass;
    private readonly List<string> _pageErrors = [];
    private readonly List<string> _expectedErrors = [];

    private BrowserSession(IBrowserContext context, IPage page, ITestOutputHelper output, string testClass)
    {
        Context = context;
        Page = page;
        _output = output;
        _testClass = testClass;
        page.Console += (_, message) =>
        {
            _output.WriteLine($"[console.{message.Type}] {message.Text}");
            if (message.Type == "error")
            {
                _pageErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            _output.WriteLine($"[pageerror] {error}");
            _pageErrors.Add(error);
        };
    }

    /// <summary>The context (its cookies, its request API).</summary>
    public IBrowserContext Context { get; }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>Where screenshots go: <c>TestResults/browser</c> beside <c>Signing.sln</c>, which test.sh collects.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot(), "TestResults", "browser");

    /// <summary>Opens a fresh context and page on <paramref name="baseUrl"/>.</summary>
    /// <param name="browsers">The shared browser.</param>
    /// <param name="baseUrl">The service's address.</param>
    /// <param name="output">The test's output.</param>
    /// <param name="configure">Changes to the context options (viewport, script, client certificates).</param>
    /// <param name="testClass">The calling test class, for screenshot names.</param>
    public static async Task<BrowserSession> OpenAsync(BrowserFixture browsers, Uri baseUrl, ITestOutputHelper output,
        Action<BrowserNewContextOptions>? configure = null, [CallerFilePath] string testClass = "")
    {
        var browser = await browsers.BrowserAsync();
        var options = new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            Locale = "vi-VN",
            TimezoneId = "Asia/Ho_Chi_Minh",
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            AcceptDownloads = true,
            // The test server's certificate is self-signed; what is under test is the page, not the server's identity.
            IgnoreHTTPSErrors = true,
        };
        configure?.Invoke(options);
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page, output, Path.GetFileNameWithoutExtension(testClass));
    }

    /// <summary>Lets a test expect a console error whose text contains <paramref name="fragment"/> (a refused request).</summary>
    public void ExpectConsoleError(string fragment) => _expectedErrors.Add(fragment);

    /// <summary>
    /// Runs a test's steps; then asserts the page logged no unexpected error. On failure, saves a screenshot first.
    /// </summary>
    public async Task RunAsync(Func<IPage, Task> steps, [CallerMemberName] string test = "")
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps(Page);
            var unexpected = _pageErrors.Where(error => !_expectedErrors.Any(error.Contains)).ToList();
            Assert.True(unexpected.Count == 0, "The page logged errors:\n" + string.Join("\n", unexpected));
        }
        catch
        {
            await ScreenshotAsync($"{test}-failed");
            throw;
        }
    }

    /// <summary>Saves a full-page screenshot as <c>TestResults/browser/{class}.{name}.png</c> and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, $"{_testClass}.{name}.png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            _output.WriteLine($"screenshot: {path}");
        }
        catch (PlaywrightException exception)
        {
            // A screenshot of a closed page is not worth hiding the test's own failure for.
            _output.WriteLine($"screenshot {name} failed: {exception.Message}");
        }

        return path;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Signing.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
