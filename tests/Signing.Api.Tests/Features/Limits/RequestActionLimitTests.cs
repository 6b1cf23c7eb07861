using System.Net;
using Signing.Api.Tests.Features.SignatureRequests;
using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Limits;

/// <summary>
/// Submissions and step actions of signature requests spend the same per-principal signing budget as the sign API
/// (Limits:SignRequestsPerMinute), so the workflow is no way around it; reading requests spends nothing.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class RequestActionLimitTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki, new Dictionary<string, string?>
    {
        ["Limits:SignRequestsPerMinute"] = "3",
    }).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task TheFourthSubmissionInAMinute_Is429_WhileAnotherPrincipalStillSigns_AndReadsAreFree()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var first = await workflow.SubmittedAsync();
        await workflow.SubmittedAsync();
        await workflow.SubmittedAsync();

        var limited = await workflow.SubmitAsync(workflow.Metadata());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After must tell the client when to come back");

        using var caller = _api.WithApiKey(_api.A.CallerKey);
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync($"/api/v1/signature-requests/{first.GetProperty("id").GetString()}")).StatusCode);

        // The official's budget is their own: the calling system's spent one does not hold up the signature.
        using var official = await _api.SignedInAsync(_api.A.Official);
        var signed = await Workflow.DoAsync(official, first, "sign", "sign", new { expectedSha256 = Workflow.Head(first), pin = workflow.OfficialPin });
        Assert.NotEqual(Workflow.Head(first), Workflow.Head(signed));
    }
}
