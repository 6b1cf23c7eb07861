using System.Diagnostics;
using System.Net;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// The issue's decompression bomb, sent to <c>POST /api/v1/sign/pdf?anchor=…</c> of the service running as a child
/// process: a 255 KB PDF whose page lists the same FlateDecode stream 40 times, each inflating to 250 MB, and its
/// variants (the bomb in a form XObject, in annotation appearances, on 2,000 pages). The per-request budget answers
/// 422 naming the limit, quickly, and the process never holds the decompressed data: its peak resident set stays under
/// 512 MB and the memory is not kept afterwards.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class DecompressionBombTests(TokenPki pki, ITestOutputHelper output) : IAsyncLifetime
{
    private const long BombStreamBytes = 250L * 1000 * 1000;
    private const long PeakLimitBytes = 512L * 1024 * 1024;

    // Generous: the budget stops after 256 MiB of inflating (well under a second on an idle core); the test machine is
    // shared, and the bound is there to catch the 21 s the unbounded search took.
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);

    private SeededDataDirectory _data = null!;
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        _data = await SeededDataDirectory.CreateAsync(pki);
        _api = await ApiProcess.StartAsync(_data.Settings);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [MemberData(nameof(BombPdfs.Kinds), MemberType = typeof(BombPdfs))]
    public async Task SignPdfWithAnchor_OfABomb_Is422NamingTheLimit_Fast_UnderHalfAGigabyte(string kind)
    {
        var bomb = BombPdfs.Build(kind, BombStreamBytes);
        using var client = _api.Client(_data.A.CallerKey);

        var clock = Stopwatch.StartNew();
        var response = await client.PostAsync(
            $"/api/v1/sign/pdf?keyId={_data.SealKeyId}&anchor={Uri.EscapeDataString("CHỦ TỊCH")}", TestPdfs.Raw(bomb));
        var elapsed = clock.Elapsed;

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:resource-limit", problem.GetProperty("type").GetString());
        Assert.Contains("Limits:MaxDecodedBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var peak = _api.PeakWorkingSetBytes();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = _api.WorkingSetBytes();
        output.WriteLine($"bomb '{kind}' ({bomb.Length} bytes, {BombPdfs.Repeats} x {BombStreamBytes} decoded): 422 in {elapsed.TotalMilliseconds:0} ms; " +
            $"peak working set {peak / (1024 * 1024)} MiB, {after / (1024 * 1024)} MiB a second later");
        Assert.True(elapsed < TimeBound, $"the 422 took {elapsed.TotalSeconds:0.0} s");
        Assert.True(peak < PeakLimitBytes, $"peak working set {peak / (1024 * 1024)} MiB\n{_api.Tail()}");
        Assert.True(after < PeakLimitBytes, $"working set {after / (1024 * 1024)} MiB after the request");

        // The service is still well: a real document signs.
        var signed = await client.PostAsync($"/api/v1/sign/pdf?keyId={_data.SealKeyId}", TestPdfs.Raw(TestPdfs.Simple()));
        Assert.True(signed.StatusCode == HttpStatusCode.OK, await signed.Content.ReadAsStringAsync() + _api.Tail());
    }
}
