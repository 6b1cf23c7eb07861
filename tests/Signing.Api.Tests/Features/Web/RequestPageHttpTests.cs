using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Auth;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Web.Pages.Requests;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The request page's rules that need no browser, through the real pipeline: an action against a revision the person
/// did not see changes nothing and shows the latest one; pages of another role are 403; the register preview takes no
/// number.
/// </summary>
public sealed partial class RequestPageHttpTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private RequestView _request = null!;

    public async Task InitializeAsync()
    {
        _api = await new ApiFactory().SeedAsync();
        var portal = new Actor(Actor.Client, _api.A.Caller.Id, _api.A.Caller.Name, _api.A.Agency.Id, [Roles.Caller]);
        var submitted = await _api.Services.GetRequiredService<SignatureRequestService>().SubmitAsync(portal,
            new SubmitMetadata("Công văn về việc họp giao ban", "Công văn", "{số}/UBND-VP", null, null, null, null, null,
            [
                new(StepKinds.Review, [_api.A.Official.Username], null, null, null, null, null, null),
                new(StepKinds.Sign, [_api.A.Official.Username], null, null, null, null, 1, "300,100,200,80"),
                new(StepKinds.Register, ["role:clerk"], null, null, null, null, null, null),
                new(StepKinds.Seal, ["role:clerk"], null, null, null, null, null, null),
            ]),
            new NamedPdf("cong-van.pdf", Features.SignatureRequests.Workflow.Document()), [], default);
        Assert.True(submitted.Failure is null, submitted.Failure?.Detail);
        _request = submitted.Value!;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AnActionOnAnOlderRevision_ChangesNothing_AndThePageShowsTheLatestOne()
    {
        using var official = await SignedInAsync(_api.A.Official);
        var token = await TokenAsync(official, $"/yeu-cau/{_request.Id}");
        var response = await official.PostAsync($"/yeu-cau/{_request.Id}?handler=Approve", Form(token,
            ("StepId", _request.Steps[0].Id), ("ExpectedSha256", new string('a', 64)), ("Approval.Comment", "Đồng ý")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(RequestText.Failure(new global::Signing.Api.Hosting.Failure(global::Signing.Api.Hosting.FailureKind.Conflict, "stale-revision", "", "")).Vi, html, StringComparison.Ordinal);
        Assert.Contains($"name=\"ExpectedSha256\" value=\"{_request.HeadSha256}\"", html, StringComparison.Ordinal);
        var view = (await _api.Services.GetRequiredService<SignatureRequestService>()
            .ViewAsync(new Actor(Actor.User, _api.A.Official.Id, _api.A.Official.Username, _api.A.Agency.Id, [Roles.Official]), _request.Id, default)).Value!;
        Assert.Empty(view.Steps[0].Approvals);

        // The rectangle the route named is where the page outlines the signature.
        Assert.Contains("data-kind=\"sign\" data-page=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-rect=\"300,100,200,80\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClerkPages_Are403ForAnOfficial_TheRegisterToo()
    {
        using var official = await SignedInAsync(_api.A.Official);
        Assert.Equal(HttpStatusCode.Forbidden, (await official.GetAsync("/seal")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await official.GetAsync("/register")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await official.GetAsync("/register?handler=Export&format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync("/inbox?box=sent")).StatusCode);
    }

    private async Task<HttpClient> SignedInAsync(User user)
    {
        var client = _api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await TokenAsync(client, "/signin");
        var signedIn = await client.PostAsync("/signin", Form(token, ("Input.Username", user.Username), ("Input.Password", ApiFactory.Password)));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private static async Task<string> TokenAsync(HttpClient browser, string path)
    {
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return TokenPattern().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields)
        => new(fields.Select(field => KeyValuePair.Create(field.Name, field.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
