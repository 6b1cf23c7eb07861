using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Dossiers;
using Signing.Api.Features.GccRequests;
using Signing.Api.Tests.Features.Certificates;
using Signing.Api.Tests.Features.SignatureRequests;
using Signing.Api.Tests.Fixtures;
using Signing.Pki.Names;
using Signing.Storage.Certificates;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.Dossiers;

/// <summary>
/// A dossier with three kinds of request (issue for an individual, change of information, revocation) on both storage
/// providers: its PDF reads back in Vietnamese through pdftotext and passes qpdf --check; the head signs it through the
/// signature-request flow and pdfsig finds the signature valid; its CSV rows are the PDF's rows; it is submitted with a
/// due date in working days, packaged, and the GCC's answers (certificates from the dev CA, and a revocation at the dev
/// CA) close every item.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class DossierTests(TokenPki pki, PostgresCluster cluster, ITestOutputHelper output)
{
    private const string Agency = "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ThreeKinds_RenderedSignedByTheHeadSubmittedAndAnswered(string provider)
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, provider);
        var workflow = await Workflow.SetUpAsync(api, pki);
        using var admin = await api.SignedInAsync(api.A.Admin);
        using var authority = CertificateTestKit.Authority(pki);

        // Two certificates of the official in the inventory: one changes its information, the other is revoked.
        var (moving, _) = CertificateTestKit.IssuePersonal(authority, new SubjectName
        {
            CommonName = "Nguyễn Văn An",
            OrganizationalUnit = "Văn phòng",
            Organization = Agency,
            Locality = "Tỉnh Phú Thọ",
            Email = "an@hoabinh.phutho.gov.vn",
            PersonalId = "CCCD:025190001111",
        });
        var (retiring, _) = CertificateTestKit.IssuePersonal(authority, new SubjectName
        {
            CommonName = "Nguyễn Văn An",
            OrganizationalUnit = "Phòng Kinh tế",
            Organization = Agency,
            Locality = "Tỉnh Phú Thọ",
        });
        var imported = await admin.PostOkAsync("/api/v1/certificates/import/file", CertificateTestKit.FileForm(
            Encoding.ASCII.GetBytes(moving.ExportCertificatePem() + retiring.ExportCertificatePem() + pki.SubCaPem), "an.pem", "application/x-pem-file",
            ("holderUserId", api.A.Official.Id)));
        Assert.Equal(2, imported.GetProperty("added").GetInt32());
        var movingId = await CertificateIdAsync(admin, moving);
        var retiringId = await CertificateIdAsync(admin, retiring);

        var issue = await admin.PostOkAsync("/api/v1/certificate-requests", new
        {
            kind = "issue-individual",
            fields = new { fullName = "Đặng Thị Thu Hà", cccd = "025190002222", email = "thuha@hoabinh.phutho.gov.vn", position = "Phó Chủ tịch", unit = "Lãnh đạo UBND", phone = "0210 3846 123" },
        });
        var change = await admin.PostOkAsync("/api/v1/certificate-requests", new
        {
            kind = "change-info",
            certificateId = movingId,
            fields = new { unit = "Phòng Văn hóa - Xã hội", email = "an.vhxh@hoabinh.phutho.gov.vn", position = "Trưởng phòng" },
        });
        var revoke = await admin.PostOkAsync("/api/v1/certificate-requests", new { kind = "revoke", certificateId = retiringId, revocationReason = "retired" });
        var dossier = await admin.PostOkAsync("/api/v1/dossiers", new
        {
            title = "Hồ sơ đề nghị chứng thư số tháng 12/2026",
            requestIds = new[] { issue, change, revoke }.Select(r => r.GetProperty("id").GetString()).ToArray(),
        });
        var id = dossier.GetProperty("id").GetString()!;
        Assert.Equal("draft", dossier.GetProperty("state").GetString());

        // The draft PDF: Vietnamese read back by pdftotext, structure clean per qpdf.
        var draft = await admin.GetByteArrayAsync($"/api/v1/dossiers/{id}/pdf");
        Workflow.Qpdf(draft);
        var text = Workflow.PdfText(draft);
        foreach (var expected in new[]
        {
            "HỒ SƠ ĐỀ NGHỊ CẤP, GIA HẠN, THAY ĐỔI THÔNG TIN, THU HỒI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Kính gửi: Cục Chứng thực số và Bảo mật thông tin - Ban Cơ yếu Chính phủ", "Đặng Thị Thu Hà", "025190002222", "Phó Chủ tịch", "Lãnh đạo UBND",
            "thuha@hoabinh.phutho.gov.vn", "Nguyễn Văn An", "Trưởng phòng", "Nghỉ hưu", "THỦ TRƯỞNG CƠ QUAN", "000.00.31.H42",
        })
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"pdftotext lacks '{expected}':\n{text}");
        }

        Assert.Contains("Cấp mới chứng thư chữ ký số cho cá nhân (Mẫu 01): 1 yêu cầu", Squeeze(text), StringComparison.Ordinal);

        // The CSV and the XLSX hold the same rows; each CSV row is a row of the PDF's table for its kind, in order.
        var csv = await admin.GetByteArrayAsync($"/api/v1/dossiers/{id}/csv");
        var csvRows = ReadCsv(csv);
        Assert.Equal(DossierDocuments.Columns, csvRows[0]);
        Assert.Equal(3, csvRows.Count - 1);
        var xlsx = global::Signing.Api.Features.Certificates.TableFile.Read(await admin.GetByteArrayAsync($"/api/v1/dossiers/{id}/xlsx"), "xlsx", 100);
        Assert.Equal(3, xlsx.Rows.Count);
        Assert.Equal(["issue-individual", "change-info", "revoke"], csvRows.Skip(1).Select(KindOf));
        AssertRowsArePdfRows(draft, csvRows.Skip(1).ToList());

        // Sent to the head: a signature request with one sign step routed to the official.
        var sent = await admin.PostOkAsync($"/api/v1/dossiers/{id}/send", new { head = api.A.Official.Username });
        Assert.Equal("awaiting-signature", sent.GetProperty("state").GetString());
        var requestId = sent.GetProperty("signatureRequestId").GetString()!;
        await (await admin.PostAsync($"/api/v1/dossiers/{id}/submit", JsonBody(new { dispatchNumber = "12/UBND-VP" }))).AssertProblemAsync(HttpStatusCode.Conflict);
        using var head = await api.SignedInAsync(api.A.Official);
        var request = await head.GetOkAsync($"/api/v1/signature-requests/{requestId}");
        Assert.Equal($"user:{api.A.Official.Id}", request.GetProperty("steps").EnumerateArray().Single().GetProperty("assignees")[0].GetString());
        await Workflow.DoAsync(head, request, "sign", "sign", new { expectedSha256 = Workflow.Head(request), pin = workflow.OfficialPin });

        var signedView = await admin.GetOkAsync($"/api/v1/dossiers/{id}");
        Assert.Equal("signed", signedView.GetProperty("state").GetString());
        var signed = await admin.GetByteArrayAsync($"/api/v1/dossiers/{id}/pdf");
        Assert.True(signed.Length > draft.Length);
        var pdfsig = TestPdfs.Pdfsig(signed);
        output.WriteLine(pdfsig);
        Assert.Contains("Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn An", pdfsig, StringComparison.Ordinal);
        Assert.Equal(1, Workflow.CountOf(pdfsig, "Signature #"));
        Workflow.Qpdf(signed);
        AssertRowsArePdfRows(signed, csvRows.Skip(1).ToList());

        // Submitted under a dispatch number on Friday 13/02/2026: due after Tết, on Wednesday 25/02/2026.
        var submitted = await admin.PostOkAsync($"/api/v1/dossiers/{id}/submit", new { dispatchNumber = "12/UBND-VP", dispatchDate = "2026-02-13" });
        Assert.Equal("submitted", submitted.GetProperty("state").GetString());
        Assert.Equal("2026-02-25", submitted.GetProperty("dueDate").GetString());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow) > new DateOnly(2026, 2, 25), submitted.GetProperty("overdue").GetBoolean());
        var package = await admin.GetByteArrayAsync($"/api/v1/dossiers/{id}/package");
        using (var zip = new ZipArchive(new MemoryStream(package)))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Equal(2, names.Count);
            using var pdfEntry = new MemoryStream();
            await zip.Entries.Single(e => e.FullName.EndsWith(".pdf", StringComparison.Ordinal)).Open().CopyToAsync(pdfEntry);
            Assert.Equal(signed, pdfEntry.ToArray());
            using var csvEntry = new MemoryStream();
            await zip.Entries.Single(e => e.FullName.EndsWith(".csv", StringComparison.Ordinal)).Open().CopyToAsync(csvEntry);
            Assert.Equal(csv, csvEntry.ToArray());
        }

        // The GCC's answers: a new certificate for Hà (matched by subject), An's re-certified key under the new subject
        // (matched by public key), and An's other certificate revoked at the dev CA.
        var items = submitted.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("kind").GetString()!);
        var (newCertificate, _) = CertificateTestKit.IssuePersonal(authority, SubjectName.Parse(items["issue-individual"].GetProperty("subjectAfter").GetString()!));
        var changed = authority.IssueFor(moving.PublicKey, SubjectName.Parse(items["change-info"].GetProperty("subjectAfter").GetString()!).ToX500());
        authority.Revoke(retiring, X509RevocationReason.CessationOfOperation);
        var report = await admin.PostOkAsync($"/api/v1/dossiers/{id}/answers", CertificateTestKit.FileForm(
            Encoding.ASCII.GetBytes(newCertificate.ExportCertificatePem() + changed.ExportCertificatePem() + pki.SubCaPem), "tra-loi.pem", "application/x-pem-file"));
        Assert.True(report.GetProperty("matched").GetInt32() == 2, report.ToString());
        Assert.Equal(1, report.GetProperty("revocationsClosed").GetInt32());
        Assert.Equal(0, report.GetProperty("open").GetInt32());
        Assert.Equal("completed", report.GetProperty("dossierState").GetString());
        var matches = report.GetProperty("matches").EnumerateArray().ToDictionary(m => m.GetProperty("requestId").GetString()!);
        Assert.Equal("subject", matches[issue.GetProperty("id").GetString()!].GetProperty("matchedBy").GetString());
        var changeMatch = matches[change.GetProperty("id").GetString()!];
        Assert.Equal("public-key", changeMatch.GetProperty("matchedBy").GetString());
        Assert.Equal(movingId, changeMatch.GetProperty("supersededId").GetString());
        Assert.Equal("superseded", (await admin.GetOkAsync($"/api/v1/certificates/{movingId}")).GetProperty("status").GetString());
        Assert.Equal("revoked", (await admin.GetOkAsync($"/api/v1/certificates/{retiringId}")).GetProperty("status").GetString());
        // Their status histories: each change once, with who made it and why, in the order made.
        var store = api.Services.GetRequiredService<CertificateStore>();
        var newId = changeMatch.GetProperty("certificateId").GetString();
        Assert.Equal(
            [(null, "active", $"user:{api.A.Admin.Username}", "added:upload"), ("active", "superseded", $"user:{api.A.Admin.Username}", $"superseded:{newId}")],
            (await store.StatusChangesAsync(movingId, default)).Select(c => (c.OldStatus, c.NewStatus, c.Actor, c.Reason)));
        Assert.Equal(
            [(null, "active", $"user:{api.A.Admin.Username}", "added:upload"), ("active", "revoked", "system:certificate-watch", "revoked:CessationOfOperation")],
            (await store.StatusChangesAsync(retiringId, default)).Select(c => (c.OldStatus, c.NewStatus, c.Actor, c.Reason)));
        var history = await admin.GetOkAsync($"/api/v1/certificates/people/{api.A.Official.Id}");
        Assert.Equal(3, history.GetArrayLength());
        var done = await admin.GetOkAsync($"/api/v1/dossiers/{id}");
        Assert.All(done.GetProperty("items").EnumerateArray(), i => Assert.Equal("done", i.GetProperty("state").GetString()));

        // Agency isolation: another agency's admin does not see the dossier.
        using var other = await api.SignedInAsync(api.B.Admin);
        await (await other.GetAsync($"/api/v1/dossiers/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RefusedByTheHead_ComesBackToDraftWithTheReason()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        await Workflow.SetUpAsync(api, pki);
        using var admin = await api.SignedInAsync(api.A.Admin);
        var issue = await admin.PostOkAsync("/api/v1/certificate-requests", new
        {
            kind = "issue-individual",
            fields = new { fullName = "Lý Thị Mai", cccd = "025190003333", email = "mai@hoabinh.phutho.gov.vn", position = "Công chức", unit = "Văn phòng" },
        });
        var dossier = await admin.PostOkAsync("/api/v1/dossiers", new { requestIds = new[] { issue.GetProperty("id").GetString() } });
        var id = dossier.GetProperty("id").GetString()!;
        await (await admin.PostAsync($"/api/v1/dossiers/{id}/send", JsonBody(new { head = api.A.Admin.Username }))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var sent = await admin.PostOkAsync($"/api/v1/dossiers/{id}/send", new { head = api.A.Official.Username });
        using var head = await api.SignedInAsync(api.A.Official);
        var request = await head.GetOkAsync($"/api/v1/signature-requests/{sent.GetProperty("signatureRequestId").GetString()}");
        await Workflow.DoAsync(head, request, "sign", "reject", new { expectedSha256 = Workflow.Head(request), reason = "Bổ sung số điện thoại" });

        var back = await admin.GetOkAsync($"/api/v1/dossiers/{id}");
        Assert.Equal("draft", back.GetProperty("state").GetString());
        Assert.Contains("Bổ sung số điện thoại", back.GetProperty("note").GetString(), StringComparison.Ordinal);
        await (await admin.GetAsync($"/api/v1/dossiers/{id}/package")).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    private static async Task<string> CertificateIdAsync(HttpClient admin, X509Certificate2 certificate)
        => (await admin.GetOkAsync($"/api/v1/certificates?q={certificate.SerialNumber}")).EnumerateArray().Single().GetProperty("id").GetString()!;

    private static StringContent JsonBody(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string Squeeze(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    // The CSV's first column names the kind as its table's heading does.
    private static string KindOf(string[] row) => GccRequestKinds.All.Single(k => row[0] == (k.Form is null ? k.Title : $"{k.Form} - {k.Title}")).Code;

    // An RFC 4180 reading of the service's CSV, written here so that the check does not go through the service's own reader.
    private static List<string[]> ReadCsv(byte[] csv)
    {
        var text = new StreamReader(new MemoryStream(csv), Encoding.UTF8, detectEncodingFromByteOrderMarks: true).ReadToEnd();
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString().TrimEnd('\r'));
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }

    // pdftotext -raw keeps the content stream's order, which draws a table cell by cell: every CSV row's cells of its
    // kind's columns must come out as one run, rows in the CSV's order, and nothing else is a row of that table.
    private static void AssertRowsArePdfRows(byte[] pdf, IReadOnlyList<string[]> rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rows-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        string raw;
        try
        {
            var result = ExternalTool.Run("pdftotext", "-raw", path, "-");
            Assert.Equal(0, result.ExitCode);
            raw = result.StandardOutput;
        }
        finally
        {
            File.Delete(path);
        }

        static string Dense(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        var dense = Dense(raw);
        var at = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var columns = DossierDocuments.ColumnsOf(KindOf(rows[i]));
            var expected = Dense(string.Concat(columns.Select(c => rows[i][c])));
            var found = dense.IndexOf(expected, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"CSV row {i + 1} ({rows[i][0]}) is not a row of the PDF after offset {at}: {expected}\n{raw}");
            at = found + expected.Length;
        }
    }
}
