using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Features.Certificates;
using Signing.Api.Tests.Features.SignatureRequests;
using Signing.Api.Tests.Fixtures;
using Signing.Pki.Names;
using Signing.Storage.Accounts;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.Mergers;

/// <summary>
/// Three communes merge into one, with 300 generated staff who each hold a certificate: the plan has one agency
/// change-info, two agency revocations and 300 personal change-info items with their subjects before and after (and the
/// chairs' position flagged); confirming makes the dossier, the head signs it, and importing the 301 reissued
/// certificates (and seeing the two agency certificates revoked at the dev CA) closes every item and merges the agencies.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class MergerTests(TokenPki pki, PostgresCluster cluster, ITestOutputHelper output)
{
    private const string Province = "Tỉnh Phú Thọ";
    private const string ParentBody = "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ";
    private const string NewName = "ỦY BAN NHÂN DÂN XÃ HÒA AN";
    private const string NewCode = "000.00.35.H42";
    private const int StaffPerCommune = 100;

    private static readonly string[] Surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"];
    private static readonly string[] Middles = ["Văn", "Thị", "Đức", "Thu", "Minh", "Hữu"];
    private static readonly string[] Givens = ["An", "Bình", "Cường", "Dung", "Giang", "Hùng", "Lan", "Mai", "Nam", "Phương"];
    private static readonly string[] OldUnits = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công"];
    private static readonly string[] NewUnits = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công", "Ban Chỉ huy Quân sự"];

    private sealed record Commune(string Tag, Agency Agency, User Admin, string Domain);

    private sealed record Person(string Username, string Name, string Title, Commune Commune, int Index);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ThreeCommunesThreeHundredStaff_PlanConfirmSignAnswerMerge(string provider)
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, provider);
        var workflow = await Workflow.SetUpAsync(api, pki);
        var accounts = api.Services.GetRequiredService<AccountStore>();
        var hash = new PasswordHasher<User>().HashPassword(null!, ApiFactory.Password);
        var third = await accounts.CreateAgencyAsync("000.00.33.H42", "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", Province, default);
        var communes = new[]
        {
            new Commune("hb", api.A.Agency, api.A.Admin, "hoabinh.phutho.gov.vn"),
            new Commune("at", api.B.Agency, api.B.Admin, "anthinh.phutho.gov.vn"),
            new Commune("tl", third, await accounts.CreateUserAsync(third.Id, "admin-c", "Quản trị", null, hash, ["admin"], null, default), "tanlap.phutho.gov.vn"),
        };

        // 100 staff per commune, each with a certificate of the dev CA (software keys, as on their USB tokens); the
        // first of each is its chair. Each commune's admin imports its own: the agency certificate as a PEM with its
        // chain, the staff's as a CSV of certificates and holders.
        using var authority = CertificateTestKit.Authority(pki);
        var stopwatch = Stopwatch.StartNew();
        var people = new List<Person>();
        var certificates = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal);
        var agencyCertificates = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal);
        foreach (var commune in communes)
        {
            var csv = new StringBuilder("certificate,holder,kind\n");
            for (var i = 0; i < StaffPerCommune; i++)
            {
                var n = people.Count;
                var person = new Person($"{commune.Tag}-{i:000}", $"{Surnames[n % 10]} {Middles[n / 10 % 6]} {Givens[n / 60 % 10]}", i == 0 ? "Chủ tịch" : "Công chức",
                    commune, i);
                await accounts.CreateUserAsync(commune.Agency.Id, person.Username, person.Name, person.Title, hash, ["official"], null, default);
                var (certificate, _) = CertificateTestKit.IssuePersonal(authority, new SubjectName
                {
                    CommonName = person.Name,
                    OrganizationalUnit = OldUnits[i % OldUnits.Length],
                    Organization = commune.Agency.Name,
                    Locality = Province,
                    Email = $"{person.Username}@{commune.Domain}",
                });
                certificates[person.Username] = certificate;
                people.Add(person);
                csv.Append(Convert.ToBase64String(certificate.RawData)).Append(',').Append(person.Username).Append(",individual\n");
            }

            var (seal, _) = CertificateTestKit.IssuePersonal(authority, new SubjectName { CommonName = commune.Agency.Name, Organization = ParentBody, Locality = Province });
            agencyCertificates[commune.Tag] = seal;
            using var admin = await api.SignedInAsync(commune.Admin);
            var staff = await admin.PostOkAsync("/api/v1/certificates/import/table",
                CertificateTestKit.FileForm(Encoding.UTF8.GetBytes(csv.ToString()), "nhan-su.csv", "text/csv"));
            Assert.True(staff.GetProperty("added").GetInt32() == StaffPerCommune, staff.ToString());
            var agency = await admin.PostOkAsync("/api/v1/certificates/import/file", CertificateTestKit.FileForm(
                Encoding.ASCII.GetBytes(seal.ExportCertificatePem() + pki.SubCaPem), "co-quan.pem", "application/x-pem-file", ("kind", "agency")));
            Assert.Equal(1, agency.GetProperty("added").GetInt32());
        }

        output.WriteLine($"{provider}: 3 communes, 300 staff and 303 certificates set up in {stopwatch.ElapsedMilliseconds} ms");

        // The wizard, as the surviving commune's admin: the agencies and the new one, then the mapping as a CSV.
        using var hoaBinh = await api.SignedInAsync(communes[0].Admin);
        var created = await hoaBinh.PostOkAsync("/api/v1/mergers", new
        {
            agencyCodes = communes.Select(c => c.Agency.Code).ToArray(),
            newAgency = new { name = NewName, province = Province, code = NewCode, parentBody = ParentBody },
        });
        var mergerId = created.GetProperty("id").GetString()!;
        Assert.Equal(300, created.GetProperty("plan").GetProperty("counts").GetProperty("unmapped").GetInt32());

        var mapping = new StringBuilder("username,action,unit,position,email\n");
        foreach (var person in people)
        {
            mapping.Append(person.Username).Append(",move,").Append(NewUnits[person.Index % NewUnits.Length]).Append(',')
                .Append(person.Index == 0 ? "Chủ tịch" : "Chuyên viên").Append(',').Append(person.Username).Append("@hoaan.phutho.gov.vn\n");
        }

        stopwatch.Restart();
        var planned = await hoaBinh.PostOkAsync($"/api/v1/mergers/{mergerId}/mapping",
            CertificateTestKit.FileForm(Encoding.UTF8.GetBytes(mapping.ToString()), "sap-nhap.csv", "text/csv"));
        var planMs = stopwatch.ElapsedMilliseconds;
        var plan = planned.GetProperty("plan");
        var counts = plan.GetProperty("counts");
        output.WriteLine($"{provider}: plan of {counts.GetProperty("total").GetInt32()} items in {planMs} ms: {counts}");
        Assert.Equal(0, planned.GetProperty("problems").GetArrayLength());
        Assert.Equal(1, counts.GetProperty("agencyChangeInfo").GetInt32());
        Assert.Equal(2, counts.GetProperty("agencyRevocations").GetInt32());
        Assert.Equal(300, counts.GetProperty("personalChangeInfo").GetInt32());
        Assert.Equal(0, counts.GetProperty("personalRevocations").GetInt32());
        Assert.Equal(0, counts.GetProperty("unmapped").GetInt32());
        Assert.Equal(303, counts.GetProperty("total").GetInt32());
        Assert.Equal(api.A.Agency.Id, plan.GetProperty("survivorAgencyId").GetString());

        // Three chairs would hold the one chair's position: each is flagged.
        Assert.Equal(3, counts.GetProperty("flaggedPositions").GetInt32());
        Assert.Equal(["at-000", "hb-000", "tl-000"], plan.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("username").GetString()).Order(StringComparer.Ordinal));

        // Every certificate's subject before and after.
        var items = plan.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(303, items.Count);
        var keptSeal = items.Single(i => i.GetProperty("certificateKind").GetString() == "agency" && i.GetProperty("kind").GetString() == "change-info");
        Assert.Equal(communes[0].Agency.Code, keptSeal.GetProperty("agencyCode").GetString());
        Assert.Equal(SubjectName.FromX500(agencyCertificates["hb"].SubjectName).ToString(), keptSeal.GetProperty("subjectBefore").GetString());
        Assert.Equal(NewName, SubjectName.Parse(keptSeal.GetProperty("subjectAfter").GetString()!).CommonName);
        Assert.Equal(["000.00.32.H42", "000.00.33.H42"], items.Where(i => i.GetProperty("kind").GetString() == "revoke")
            .Select(i => i.GetProperty("agencyCode").GetString()).Order(StringComparer.Ordinal));
        foreach (var item in items.Where(i => i.GetProperty("certificateKind").GetString() == "individual"))
        {
            var person = people.Single(p => p.Username == item.GetProperty("username").GetString());
            var before = SubjectName.Parse(item.GetProperty("subjectBefore").GetString()!);
            var after = SubjectName.Parse(item.GetProperty("subjectAfter").GetString()!);
            Assert.Equal(person.Commune.Agency.Name, before.Organization);
            Assert.Equal(NewName, after.Organization);
            Assert.Equal(person.Name, after.CommonName);
            Assert.Equal(NewUnits[person.Index % NewUnits.Length], after.OrganizationalUnit);
            Assert.Equal($"{person.Username}@hoaan.phutho.gov.vn", after.Email);
            Assert.Equal($"{person.Username}@{person.Commune.Domain}", before.Email);
        }

        // Another agency's admin cannot see it; a merging agency's admin can.
        using (var outsider = await api.SignedInAsync(await CreateOutsiderAsync(accounts, hash)))
        {
            await (await outsider.GetAsync($"/api/v1/mergers/{mergerId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        }

        // Confirming makes the dossier of 303 requests.
        stopwatch.Restart();
        var confirmed = await hoaBinh.PostOkAsync($"/api/v1/mergers/{mergerId}/confirm");
        output.WriteLine($"{provider}: confirmed in {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal("confirmed", confirmed.GetProperty("state").GetString());
        var dossierId = confirmed.GetProperty("dossierId").GetString()!;
        var dossier = await hoaBinh.GetOkAsync($"/api/v1/dossiers/{dossierId}");
        Assert.Equal(mergerId, dossier.GetProperty("mergerId").GetString());
        Assert.Equal(301, dossier.GetProperty("counts").GetProperty("change-info").GetInt32());
        Assert.Equal(2, dossier.GetProperty("counts").GetProperty("revoke").GetInt32());
        await (await hoaBinh.PostAsync($"/api/v1/mergers/{mergerId}/confirm", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        // An Thịnh's signing key, registered now, is to re-point to the merged agency.
        using var anThinh = await api.SignedInAsync(communes[1].Admin);
        var keyId = (await anThinh.PostOkAsync("/api/v1/keys", new
        {
            purpose = "official",
            location = "pkcs11",
            pkcs11Uri = pki.Deputy.Uri,
            certificatePem = pki.Deputy.CertificatePem,
            chainPem = pki.SubCaPem,
            ownerUserId = api.B.Official.Id,
        })).GetProperty("id").GetString()!;
        Assert.DoesNotContain(keyId, await KeyIdsAsync(hoaBinh));

        // The head signs it through the signature-request flow; the admin submits it.
        stopwatch.Restart();
        var sent = await hoaBinh.PostOkAsync($"/api/v1/dossiers/{dossierId}/send", new { head = api.A.Official.Username });
        using var head = await api.SignedInAsync(api.A.Official);
        var request = await head.GetOkAsync($"/api/v1/signature-requests/{sent.GetProperty("signatureRequestId").GetString()}");
        await Workflow.DoAsync(head, request, "sign", "sign", new { expectedSha256 = Workflow.Head(request), pin = workflow.OfficialPin });
        var signed = await hoaBinh.GetByteArrayAsync($"/api/v1/dossiers/{dossierId}/pdf");
        output.WriteLine($"{provider}: rendered, sent and signed ({signed.Length:N0} bytes) in {stopwatch.ElapsedMilliseconds} ms");
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        Workflow.Qpdf(signed);
        await hoaBinh.PostOkAsync($"/api/v1/dossiers/{dossierId}/submit", new { dispatchNumber = "45/UBND-VP" });

        // The GCC's answers: 301 certificates for the same keys under the new subjects, and the two other agency
        // certificates revoked at the dev CA.
        var dossierItems = (await hoaBinh.GetOkAsync($"/api/v1/dossiers/{dossierId}")).GetProperty("items").EnumerateArray().ToList();
        // The dossier lists its requests in the plan's order, though confirming made all 303 within a few milliseconds.
        Assert.Equal(items.Select(i => i.GetProperty("certificateId").GetString()), dossierItems.Select(i => i.GetProperty("certificateId").GetString()));
        var byCertificate = items.ToDictionary(i => i.GetProperty("certificateId").GetString()!);
        var answers = new StringBuilder();
        foreach (var item in dossierItems.Where(i => i.GetProperty("kind").GetString() == "change-info"))
        {
            var planItem = byCertificate[item.GetProperty("certificateId").GetString()!];
            var old = planItem.GetProperty("certificateKind").GetString() == "agency" ? agencyCertificates["hb"] : certificates[planItem.GetProperty("username").GetString()!];
            answers.Append(authority.IssueFor(old.PublicKey, SubjectName.Parse(item.GetProperty("subjectAfter").GetString()!).ToX500()).ExportCertificatePem());
        }

        authority.Revoke(agencyCertificates["at"], X509RevocationReason.CessationOfOperation);
        authority.Revoke(agencyCertificates["tl"], X509RevocationReason.CessationOfOperation);
        answers.Append(pki.SubCaPem);
        stopwatch.Restart();
        var report = await hoaBinh.PostOkAsync($"/api/v1/dossiers/{dossierId}/answers",
            CertificateTestKit.FileForm(Encoding.ASCII.GetBytes(answers.ToString()), "tra-loi-bcy.pem", "application/x-pem-file"));
        output.WriteLine($"{provider}: 301 answers imported in {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(report.GetProperty("matched").GetInt32() == 301, report.GetProperty("problems").ToString());
        Assert.All(report.GetProperty("matches").EnumerateArray(), m => Assert.Equal("public-key", m.GetProperty("matchedBy").GetString()));
        Assert.Equal(2, report.GetProperty("revocationsClosed").GetInt32());
        Assert.Equal(0, report.GetProperty("open").GetInt32());
        Assert.Equal("completed", report.GetProperty("dossierState").GetString());
        Assert.True(report.GetProperty("mergerCompleted").GetBoolean());
        Assert.All((await hoaBinh.GetOkAsync($"/api/v1/dossiers/{dossierId}")).GetProperty("items").EnumerateArray(),
            i => Assert.Equal("done", i.GetProperty("state").GetString()));

        // Merged: Hòa Bình is now Hòa An under the new code, keeping its old name and code as a version; the others are
        // archived into it; people, keys and certificates moved.
        Assert.Equal("completed", (await hoaBinh.GetOkAsync($"/api/v1/mergers/{mergerId}")).GetProperty("state").GetString());
        var history = await hoaBinh.GetOkAsync($"/api/v1/agencies/{api.A.Agency.Id}/history");
        Assert.Equal(NewCode, history.GetProperty("code").GetString());
        Assert.Equal(NewName, history.GetProperty("name").GetString());
        var version = history.GetProperty("versions").EnumerateArray().Single();
        Assert.Equal("000.00.31.H42", version.GetProperty("code").GetString());
        Assert.Equal(communes[0].Agency.Name, version.GetProperty("name").GetString());
        foreach (var absorbed in communes.Skip(1))
        {
            var archived = await hoaBinh.GetOkAsync($"/api/v1/agencies/{absorbed.Agency.Id}/history");
            Assert.Equal(api.A.Agency.Id, archived.GetProperty("mergedIntoId").GetString());
            Assert.NotEqual(JsonValueKind.Null, archived.GetProperty("archivedAt").ValueKind);
        }

        var moved = (await accounts.FindUserByUsernameAsync("tl-007", default))!;
        Assert.Equal(api.A.Agency.Id, moved.AgencyId);
        Assert.Equal("Chuyên viên", moved.Title);
        Assert.Equal(api.A.Agency.Id, (await accounts.FindUserByUsernameAsync("official-b", default))!.AgencyId);
        Assert.Contains(keyId, await KeyIdsAsync(hoaBinh));
        var inventory = await hoaBinh.GetOkAsync("/api/v1/certificates?status=active&limit=1000");
        Assert.Equal(301, inventory.GetArrayLength());
        Assert.All(inventory.EnumerateArray(), c => Assert.Equal(NewName,
            c.GetProperty(c.GetProperty("kind").GetString() == "agency" ? "commonName" : "organization").GetString()));
        var superseded = await hoaBinh.GetOkAsync("/api/v1/certificates?status=superseded&limit=1000");
        Assert.Equal(301, superseded.GetArrayLength());
        var personHistory = await hoaBinh.GetOkAsync($"/api/v1/certificates/people/{moved.Id}");
        Assert.Equal(["active", "superseded"], personHistory.EnumerateArray().Select(c => c.GetProperty("status").GetString()).Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> KeyIdsAsync(HttpClient admin)
        => [.. (await admin.GetOkAsync("/api/v1/keys")).EnumerateArray().Select(k => k.GetProperty("id").GetString()!)];

    private static async Task<User> CreateOutsiderAsync(AccountStore accounts, string hash)
    {
        var agency = await accounts.CreateAgencyAsync("000.00.40.H42", "ỦY BAN NHÂN DÂN XÃ THANH SƠN", Province, default);
        return await accounts.CreateUserAsync(agency.Id, "admin-ts", "Quản trị", null, hash, ["admin"], null, default);
    }
}
