using Signing.Api.Features.Auth;
using Signing.Api.Features.Demo;
using Signing.Pdf.Drawing;
using Signing.Storage.Accounts;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>
/// Three documents waiting for the demo official's signature, submitted by the demo portal, each routed sign → register
/// → seal: the first thing the demo official, and then the demo clerk, find in their inboxes.
/// </summary>
public sealed class RequestDemoSeed(SignatureRequestService service, SignatureRequestStore requests, AccountStore accounts, TimeProvider clock) : IDemoSeed
{
    /// <inheritdoc />
    public string Name => "three pending signature requests";

    /// <inheritdoc />
    public async Task SeedAsync(Agency agency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agency);
        var portal = await accounts.FindClientByNameAsync("demo-portal", ct);
        var official = (await accounts.ListUsersInRoleAsync(agency.Id, Roles.Official, ct)).FirstOrDefault();
        if (portal is null || official is null || (await requests.ListAsync(new RequestQuery(agency.Id, Limit: 1), ct)).Count > 0)
        {
            return;
        }

        var actor = new Actor(Actor.Client, portal.Id, portal.Name, agency.Id, Roles.Parse(portal.Roles));
        var documents = new[]
        {
            ("Quyết định", "{số}/QĐ-UBND", "Về việc ban hành Quy chế sử dụng chữ ký số trong hoạt động của Ủy ban nhân dân xã", Urgencies.Normal, 7),
            ("Công văn", "{số}/UBND-VP", "Về việc rà soát chứng thư số của cán bộ sau sắp xếp đơn vị hành chính", Urgencies.Flash, 1),
            ("Kế hoạch", "{số}/KH-UBND", "Kế hoạch chuyển đổi số năm 2027 của Ủy ban nhân dân xã", Urgencies.Urgent, 3),
        };
        var number = 0;
        foreach (var (type, pattern, title, urgency, days) in documents)
        {
            using var pdf = new MemoryStream();
            await OutgoingDocument.WriteAsync(new OutgoingDocumentContent(
                "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", agency.Name.Replace(" (DEMO)", "", StringComparison.Ordinal), pattern.Replace("{số}", "", StringComparison.Ordinal),
                "Hòa Bình", type, title,
                [
                    "Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư;",
                    "Căn cứ Nghị định số 68/2024/NĐ-CP của Chính phủ quy định về chữ ký số chuyên dùng công vụ;",
                    $"Ủy ban nhân dân xã ban hành {type.ToLowerInvariant()} này để triển khai thực hiện (văn bản mẫu số {++number}).",
                ],
                "Chủ tịch", ["Như trên", "Lưu: VT"]), pdf, ct);
            var metadata = new SubmitMetadata(title, type, pattern, urgency, Secrecies.None, clock.GetUtcNow().AddDays(days), $"DEMO-{number}", null,
            [
                new RouteStepSpec(StepKinds.Sign, [official.Username], null, Capacities.Own, null, "CHỦ TỊCH", null, null),
                new RouteStepSpec(StepKinds.Register, ["role:clerk"], null, null, null, null, null, null),
                new RouteStepSpec(StepKinds.Seal, ["role:clerk"], null, null, null, null, null, null),
            ]);
            var submitted = await service.SubmitAsync(actor, metadata, new NamedPdf($"van-ban-mau-{number}.pdf", pdf.ToArray()), [], ct);
            if (submitted.Failure is { } failure)
            {
                throw new InvalidOperationException($"The demo request '{title}' was refused: {failure.Detail}");
            }
        }
    }
}
