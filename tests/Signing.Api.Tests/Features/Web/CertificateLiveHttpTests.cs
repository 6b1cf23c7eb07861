using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.Dossiers;
using Signing.Api.Features.GccRequests;
using Signing.Api.Features.Mergers;
using Signing.Api.Features.Web.Pages.Certificates;
using Signing.Api.Features.Web.Pages.Certificates.Mergers;
using Signing.Api.Tests.Features.Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The certificate admins' pages over plain HTTP on Kestrel: the detail page lists every status change of the
/// certificate's history table in order; the mapping import and the dossier rendering stream their progress as
/// server-sent events up to done with the right counts, and refuse another agency's admin (403); a refused import
/// explains itself in Vietnamese, and in English after the language switch.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed partial class CertificateLiveHttpTests(CertificateWebFixture web, TokenPki pki) : IClassFixture<CertificateWebFixture>
{
    private sealed record ServerEvent(string Name, JsonElement Data);

    [Fact]
    public async Task CertificateDetail_ListsEveryStatusChange_InOrder()
    {
        // A certificate uploaded by the admin (expiring: it has 20 days left), alerted by the watch at 30 days (no change of
        // status, so no row), then revoked at the dev CA and seen by the watch.
        using var authority = CertificateTestKit.Authority(pki);
        var (certificate, key) = CertificateTestKit.IssuePersonal(authority,
            $"CN=Lê Thị Hoa, OU=Văn phòng, O={web.App.A.Agency.Name}, L=Tỉnh Phú Thọ, C=VN", DateTimeOffset.UtcNow.AddDays(20));
        using (certificate)
        using (key)
        {
            var uploaded = await web.App.Services.GetRequiredService<CertificateInventory>().UploadAsync(web.ActorOf(web.CertAdmin),
                Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n" + pki.SubCaPem), new UploadOptions(null, CertificateKinds.Individual), default);
            var id = Assert.Single(uploaded.Value!.AddedIds);
            var watch = web.App.Services.GetRequiredService<CertificateWatch>();
            Assert.Equal(1, (await watch.CheckAsync([id], default)).Expiring);
            authority.Revoke(certificate, X509RevocationReason.KeyCompromise);
            Assert.Equal(1, (await watch.CheckAsync([id], default)).Revoked);
            Assert.Equal(0, (await watch.CheckAsync([id], default)).Checked);

            using var admin = await SignedInAsync(web.CertAdmin);
            var rows = HistoryRows(await PageAsync(admin, $"/certificates/{id}"));
            Assert.Equal(
            [
                $"{CertificateText.NotInInventory.Vi} | {CertificateText.StatusName(CertificateStatuses.Expiring).Vi} | {web.CertAdmin.DisplayName} ({web.CertAdmin.Username}) | "
                    + CertificateText.EventAdded.Vi.Replace("{0}", CertificateText.SourceName("upload").Vi, StringComparison.Ordinal),
                $"{CertificateText.StatusName(CertificateStatuses.Expiring).Vi} | {CertificateText.StatusName(CertificateStatuses.Revoked).Vi} | {CertificateText.ByWatch.Vi} | "
                    + CertificateText.EventRevoked.Vi.Replace("{0}", "KeyCompromise", StringComparison.Ordinal),
            ], rows.Select(row => string.Join(" | ", row.Skip(1))));
            Assert.Contains(CertificateText.HistoryCaption.Vi.Replace("{0}", "2", StringComparison.Ordinal), await PageAsync(admin, $"/certificates/{id}"), StringComparison.Ordinal);

            // The same history under the English switch.
            await SwitchToEnglishAsync(admin);
            var english = HistoryRows(await PageAsync(admin, $"/certificates/{id}"));
            Assert.Equal(2, english.Count);
            Assert.Equal(CertificateText.StatusName(CertificateStatuses.Expiring).En, english[1][1]);
            Assert.Equal(CertificateText.EventRevoked.En.Replace("{0}", "KeyCompromise", StringComparison.Ordinal), english[1][4]);
        }
    }

    [Fact]
    public async Task MappingImport_StreamsItsProgress_UpToDoneWithTheCounts()
    {
        var merger = await PlanMergerAsync("000.00.36.H42");
        using var admin = await SignedInAsync(web.CertAdmin);
        var path = $"/certificates/mergers/{merger}/people";
        var token = Token(await PageAsync(admin, path));
        // Three rows: two people placed, one row refused (an action that is neither move nor leave).
        var csv = "username,action,unit,position,email,reason\n" +
            $"{web.App.A.Official.Username},move,Lãnh đạo,Chủ tịch,an@hoaan.gov.vn,\n" +
            $"{web.App.B.Official.Username},leave,,,,retired\n" +
            $"{web.Deputy.Username},fly,,,,\n";
        var events = await EventsAsync(admin, $"{path}?handler=ImportStream", MappingForm(token, csv));

        Assert.Equal(ImportPhases.Read, events[0].Data.GetProperty("phase").GetString());
        var checks = events.Where(e => e.Name == "progress" && e.Data.GetProperty("phase").GetString() == ImportPhases.Check).ToList();
        Assert.Equal([1, 2, 3], checks.Select(e => e.Data.GetProperty("done").GetInt32()));
        Assert.All(checks, e => Assert.Equal(3, e.Data.GetProperty("total").GetInt32()));
        Assert.Equal("Đã kiểm tra 3/3 dòng", checks[^1].Data.GetProperty("text").GetString());
        var plan = events.Where(e => e.Name == "progress" && e.Data.GetProperty("phase").GetString() == ImportPhases.Plan).ToList();
        Assert.Equal([0, 2], plan.Select(e => e.Data.GetProperty("done").GetInt32()));
        var done = events[^1];
        Assert.Equal("done", done.Name);
        Assert.Equal(2, done.Data.GetProperty("done").GetInt32());
        Assert.Equal(3, done.Data.GetProperty("total").GetInt32());
        Assert.Equal(1, done.Data.GetProperty("problems").GetInt32());
        Assert.Equal(MergerText.Imported.Vi.Replace("{0}", "2", StringComparison.Ordinal), done.Data.GetProperty("text").GetString());
        var html = WebUtility.HtmlDecode(done.Data.GetProperty("html").GetString()!);
        Assert.Contains(web.App.B.Official.Username, html, StringComparison.Ordinal);
        Assert.Contains("“fly” không phải move hoặc leave", html, StringComparison.Ordinal);

        var stored = await web.App.Services.GetRequiredService<MergerService>().GetAsync(web.ActorOf(web.CertAdmin), merger, default);
        Assert.Equal([web.App.A.Official.Username, web.App.B.Official.Username], stored.Value!.Input.People!.Select(p => p.Username));
    }

    [Fact]
    public async Task DossierRendering_StreamsItsProgress_UpToDoneWithThePdf()
    {
        var requests = web.App.Services.GetRequiredService<GccRequestService>();
        var ids = new List<string>();
        foreach (var name in new[] { "Đặng Thị Thu Hà", "Vũ Minh Đức", "Hoàng Văn Nam" })
        {
            var created = await requests.CreateAsync(web.ActorOf(web.CertAdmin), new GccRequestInput(GccRequestKinds.IssueIndividual, null, null, null,
                new GccRequestFields(FullName: name, Cccd: "025190002222", Email: "canbo@hoabinh.gov.vn", Position: "Chuyên viên", Unit: "Văn phòng")), default);
            Assert.True(created.Failure is null, created.Failure?.Detail);
            ids.Add(created.Value!.Id);
        }

        var dossier = await web.App.Services.GetRequiredService<DossierService>().CreateAsync(web.ActorOf(web.CertAdmin),
            new CreateDossierRequest("Hồ sơ đề nghị cấp chứng thư số tháng 12/2026", [.. ids]), default);
        Assert.True(dossier.Failure is null, dossier.Failure?.Detail);
        var path = $"/certificates/dossiers/{dossier.Value!.Id}";

        using var admin = await SignedInAsync(web.CertAdmin);
        var token = Token(await PageAsync(admin, path));
        var events = await EventsAsync(admin, $"{path}?handler=RenderStream", Form(token));

        Assert.Equal(
            [RenderPhases.Collect, RenderPhases.Collect, RenderPhases.Draw, RenderPhases.Draw, RenderPhases.Draw, RenderPhases.Draw, RenderPhases.Write],
            events.Where(e => e.Name == "progress").Select(e => e.Data.GetProperty("phase").GetString()));
        Assert.Equal([0, 1, 2, 3], events.Where(e => e.Data.TryGetProperty("phase", out var p) && p.GetString() == RenderPhases.Draw)
            .Select(e => e.Data.GetProperty("done").GetInt32()));
        var done = events[^1];
        Assert.Equal("done", done.Name);
        Assert.Equal(3, done.Data.GetProperty("done").GetInt32());
        Assert.Equal(3, done.Data.GetProperty("total").GetInt32());
        var file = done.Data.GetProperty("file");
        Assert.Equal("application/pdf", file.GetProperty("type").GetString());
        var pdf = Convert.FromBase64String(file.GetProperty("base64").GetString()!);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
        Assert.StartsWith("Đã tạo bản PDF: 3 đề nghị", done.Data.GetProperty("text").GetString(), StringComparison.Ordinal);

        // Without script the same form answers with the file itself.
        var plain = await admin.PostAsync($"{path}?handler=Render", Form(token));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("application/pdf", plain.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AnotherAgencysAdmin_Gets403_OnBothStreams()
    {
        var merger = await PlanMergerAsync("000.00.37.H42");
        var created = await web.App.Services.GetRequiredService<GccRequestService>().CreateAsync(web.ActorOf(web.CertAdmin),
            new GccRequestInput(GccRequestKinds.IssueIndividual, null, null, null, new GccRequestFields(FullName: "Ngô Thị Mai", Cccd: "025190003333", Email: "mai@hoabinh.gov.vn", Position: "Chuyên viên", Unit: "Văn phòng")),
            default);
        Assert.True(created.Failure is null, created.Failure?.Detail);
        var dossier = await web.App.Services.GetRequiredService<DossierService>().CreateAsync(web.ActorOf(web.CertAdmin),
            new CreateDossierRequest("Hồ sơ của xã Hòa Bình", [created.Value!.Id]), default);

        using var other = await SignedInAsync(web.OtherCertAdmin);
        var token = Token(await PageAsync(other, "/certificates"));
        var import = await other.PostAsync($"/certificates/mergers/{merger}/people?handler=ImportStream", MappingForm(token, "username,action\nx,move\n"));
        Assert.Equal(HttpStatusCode.Forbidden, import.StatusCode);
        Assert.NotEqual("text/event-stream", import.Content.Headers.ContentType?.MediaType);
        var render = await other.PostAsync($"/certificates/dossiers/{dossier.Value!.Id}?handler=RenderStream", Form(token));
        Assert.Equal(HttpStatusCode.Forbidden, render.StatusCode);
        Assert.NotEqual("text/event-stream", render.Content.Headers.ContentType?.MediaType);

        // Their mapping was not touched.
        var stored = await web.App.Services.GetRequiredService<MergerService>().GetAsync(web.ActorOf(web.CertAdmin), merger, default);
        Assert.Empty(stored.Value!.Input.People ?? []);
    }

    [Fact]
    public async Task ARefusedImport_ExplainsItselfInVietnamese_AndInEnglishAfterTheSwitch()
    {
        var merger = await PlanMergerAsync("000.00.38.H42");
        using var admin = await SignedInAsync(web.CertAdmin);
        var path = $"/certificates/mergers/{merger}/people";
        const string noUsername = "name,action\nNguyễn Văn An,move\n";

        var html = WebUtility.HtmlDecode(await (await admin.PostAsync(path, MappingForm(Token(await PageAsync(admin, path)), noUsername))).Content.ReadAsStringAsync());
        Assert.Contains(MergerText.PlanFailed.Vi, html, StringComparison.Ordinal);
        Assert.Contains("Dòng tiêu đề của bảng phân công cần có cột username", html, StringComparison.Ordinal);
        Assert.DoesNotContain("The mapping's header needs username", html, StringComparison.Ordinal);

        // The streamed import says the same.
        var failed = (await EventsAsync(admin, $"{path}?handler=ImportStream", MappingForm(Token(await PageAsync(admin, path)), noUsername)))[^1];
        Assert.Equal("failed", failed.Name);
        Assert.StartsWith($"{MergerText.PlanFailed.Vi} Dòng tiêu đề của bảng phân công", failed.Data.GetProperty("text").GetString(), StringComparison.Ordinal);

        await SwitchToEnglishAsync(admin);
        html = WebUtility.HtmlDecode(await (await admin.PostAsync(path, MappingForm(Token(await PageAsync(admin, path)), noUsername))).Content.ReadAsStringAsync());
        Assert.Contains(MergerText.PlanFailed.En, html, StringComparison.Ordinal);
        Assert.Contains("The mapping's header needs username (and action, unit, position, email, reason as needed).", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Dòng tiêu đề của bảng phân công", html, StringComparison.Ordinal);
    }

    // A merger of agencies A and B into a new commune, planned by A's admin (not confirmed).
    private async Task<string> PlanMergerAsync(string code)
    {
        var planned = await web.App.Services.GetRequiredService<MergerService>().CreateAsync(web.ActorOf(web.CertAdmin),
            new MergerInput([web.App.A.Agency.Code, web.App.B.Agency.Code], new NewAgency($"ỦY BAN NHÂN DÂN XÃ {code}", "Tỉnh Phú Thọ", code,
                "ỦY BAN NHÂN DÂN HUYỆN THANH SƠN"), null, null), default);
        Assert.True(planned.Failure is null, planned.Failure?.Detail);
        return planned.Value!.Id;
    }

    private async Task<HttpClient> SignedInAsync(User user)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = web.App.HttpAddress };
        var signedIn = await client.PostAsync("/signin", Form(Token(await PageAsync(client, "/signin")),
            ("Input.Username", user.Username), ("Input.Password", ApiFactory.Password)));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private static async Task SwitchToEnglishAsync(HttpClient client)
    {
        var switched = await client.PostAsync("/language", Form(Token(await PageAsync(client, "/")), ("language", "en"), ("returnUrl", "/")));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    // Posts for server-sent events and reads them all: the stream ends when the work has.
    private static async Task<List<ServerEvent>> EventsAsync(HttpClient client, string path, HttpContent form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        return [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            return new ServerEvent(lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..],
                JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement.Clone());
        })];
    }

    // The history table's rows, each as its cells' text.
    private static List<string[]> HistoryRows(string html)
    {
        var section = html[html.IndexOf("aria-labelledby=\"history-heading\"", StringComparison.Ordinal)..];
        var body = section[section.IndexOf("<tbody>", StringComparison.Ordinal)..section.IndexOf("</tbody>", StringComparison.Ordinal)];
        return [.. RowPattern().Matches(body).Select(row => CellPattern().Matches(row.Value)
            .Select(cell => WebUtility.HtmlDecode(Whitespace().Replace(TagPattern().Replace(cell.Groups[1].Value, " "), " ").Trim())).ToArray())];
    }

    private static MultipartFormDataContent MappingForm(string token, string csv)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Mapping", "phan-cong.csv" } };
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields)
        => new(fields.Select(field => KeyValuePair.Create(field.Name, field.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token)));

    private static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
