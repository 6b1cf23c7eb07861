using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Signing.Api.Tests.Fixtures;
using Signing.Pkcs11;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Features.Certificates;

/// <summary>
/// The inventory's sources on both storage providers: a SoftHSM token holding three certificates, PEM and P7B files (the
/// P7B made by openssl), the keys registry, and a 2,000-row CSV with bad rows reported by row and column.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class InventoryImportTests(TokenPki pki, PostgresCluster cluster, ITestOutputHelper output)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TokenPemP7bAndRegistry_AllLandInTheInventory(string provider)
    {
        // A second token in the same SoftHSM store, with three certificates next to their keys.
        var label = $"scan{Guid.NewGuid():N}"[..14];
        pki.Token.InitializeToken(label, "2468", "13572468");
        var pinFile = Path.Combine(pki.Token.Directory, $"{label}.pin");
        await File.WriteAllTextAsync(pinFile, "2468\n");
        var token = pki.Token.Module.OpenToken(label);
        token.Login("2468");
        using var authority = CertificateTestKit.Authority(pki);
        var subjects = new[]
        {
            "CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, O=UBND TỈNH PHÚ THỌ, L=Tỉnh Phú Thọ, C=VN",
            "CN=Cổng dịch vụ công xã Hòa Bình, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, L=Tỉnh Phú Thọ, C=VN",
            "CN=Trần Thị Bình, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, L=Tỉnh Phú Thọ, C=VN",
        };
        var onToken = new List<X509Certificate2>();
        for (var i = 0; i < subjects.Length; i++)
        {
            var keyLabel = $"k{i}";
            var id = Encoding.ASCII.GetBytes(keyLabel);
            token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, keyLabel, id);
            using var key = Pkcs11SigningKey.Open(pki.Token.ModulePath, $"pkcs11:token={label};object={keyLabel};type=private", "2468");
            var csr = new CertificateRequest(subjects[i], (System.Security.Cryptography.RSA)key.PrivateKey, System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSigningRequest();
            var certificate = authority.IssueFromCsr(csr);
            token.ImportCertificate(certificate, id, keyLabel);
            onToken.Add(certificate);
        }

        var serial = token.GetInfo().SerialNumber;
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, provider, new Dictionary<string, string?>
        {
            ["Pkcs11:Tokens:1:Label"] = label,
            ["Pkcs11:Tokens:1:PinFile"] = pinFile,
        });
        using var admin = await api.SignedInAsync(api.A.Admin);

        var scan = await admin.PostOkAsync("/api/v1/certificates/import/token", new { tokenLabel = label });
        Assert.Equal(3, scan.GetProperty("added").GetInt32());
        var scanned = await admin.GetOkAsync($"/api/v1/certificates?tokenSerial={serial}");
        Assert.Equal(3, scanned.GetArrayLength());
        Assert.All(scanned.EnumerateArray(), c =>
        {
            Assert.Equal("token", c.GetProperty("source").GetString());
            Assert.Equal(label, c.GetProperty("tokenLabel").GetString());
            Assert.Equal("RSA-2048", c.GetProperty("keyAlgorithm").GetString());
        });
        Assert.Contains(scanned.EnumerateArray(), c => c.GetProperty("commonName").GetString() == "Trần Thị Bình"
            && c.GetProperty("organizationalUnit").GetString() == "Văn phòng" && c.GetProperty("locality").GetString() == "Tỉnh Phú Thọ");
        Assert.Equal(0, (await admin.PostOkAsync("/api/v1/certificates/import/token", new { tokenLabel = label })).GetProperty("added").GetInt32());

        // A PEM file with a person's certificate (UTF-8 subject, CCCD in UID) and its chain: the chain is kept for revocation checks.
        var person = new Pki.Names.SubjectName
        {
            CommonName = "Nguyễn Thị Hương",
            OrganizationalUnit = "Phòng Kinh tế",
            Organization = "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH",
            Locality = "Tỉnh Phú Thọ",
            Email = "huong@hoabinh.phutho.gov.vn",
            PersonalId = "CCCD:025190001234",
        };
        var (personal, _) = CertificateTestKit.IssuePersonal(authority, person);
        var pem = personal.ExportCertificatePem() + "\n" + pki.SubCaPem;
        var uploaded = await admin.PostOkAsync("/api/v1/certificates/import/file",
            CertificateTestKit.FileForm(Encoding.ASCII.GetBytes(pem), "huong.pem", "application/x-pem-file", ("holderUserId", api.A.Official.Id)));
        Assert.Equal(1, uploaded.GetProperty("added").GetInt32());
        var view = await admin.GetOkAsync($"/api/v1/certificates/{uploaded.GetProperty("addedIds")[0].GetString()}");
        Assert.Equal("CCCD:025190001234", view.GetProperty("personalId").GetString());
        Assert.Equal("huong@hoabinh.phutho.gov.vn", view.GetProperty("email").GetString());
        Assert.Equal("individual", view.GetProperty("kind").GetString());
        Assert.Equal(api.A.Official.Id, view.GetProperty("holderUserId").GetString());

        // A P7B made by openssl from two certificates (DER), and the same as PEM.
        using var directory = new TempDirectory();
        var (first, _) = CertificateTestKit.IssuePersonal(authority, "CN=Lê Văn Cường, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        var (second, _) = CertificateTestKit.IssuePersonal(authority, "CN=Phạm Thu Hà, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN");
        await File.WriteAllTextAsync(directory.File("a.pem"), first.ExportCertificatePem());
        await File.WriteAllTextAsync(directory.File("b.pem"), second.ExportCertificatePem());
        await File.WriteAllTextAsync(directory.File("ca.pem"), pki.SubCaPem);
        var openssl = ExternalTool.Run("openssl", "crl2pkcs7", "-nocrl", "-certfile", directory.File("a.pem"), "-certfile", directory.File("b.pem"),
            "-certfile", directory.File("ca.pem"), "-outform", "DER", "-out", directory.File("bundle.p7b"));
        Assert.True(openssl.ExitCode == 0, openssl.Combined);
        var p7b = await admin.PostOkAsync("/api/v1/certificates/import/file",
            CertificateTestKit.FileForm(await File.ReadAllBytesAsync(directory.File("bundle.p7b")), "bundle.p7b", "application/x-pkcs7-certificates"));
        Assert.Equal(2, p7b.GetProperty("added").GetInt32());
        var cuong = (await admin.GetOkAsync("/api/v1/certificates?q=cuong")).EnumerateArray().Single();
        Assert.Equal("Lê Văn Cường", cuong.GetProperty("commonName").GetString());

        // The registry: a key registered in agency A is inventoried with its key and owner.
        var keyId = await api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, api.A.Official.Id);
        var registry = await admin.PostOkAsync("/api/v1/certificates/import/registry");
        Assert.True(registry.GetProperty("added").GetInt32() + registry.GetProperty("alreadyPresent").GetInt32() >= 1);
        var fromRegistry = (await admin.GetOkAsync($"/api/v1/certificates?keyId={keyId}")).EnumerateArray().Single();
        Assert.Equal(api.A.Official.Id, fromRegistry.GetProperty("holderUserId").GetString());

        // The holder sees their own certificates only; another agency sees none of them.
        using var official = await api.SignedInAsync(api.A.Official);
        var own = await official.GetOkAsync("/api/v1/certificates");
        Assert.All(own.EnumerateArray(), c => Assert.Equal(api.A.Official.Id, c.GetProperty("holderUserId").GetString()));
        Assert.Equal(2, own.GetArrayLength());
        await (await official.GetAsync($"/api/v1/certificates/{scanned[0].GetProperty("id").GetString()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var otherAgency = await api.SignedInAsync(api.B.Admin);
        Assert.Equal(0, (await otherAgency.GetOkAsync("/api/v1/certificates")).GetArrayLength());
        var history = await official.GetOkAsync($"/api/v1/certificates/people/{api.A.Official.Id}");
        Assert.Equal(2, history.GetArrayLength());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoThousandRowCsv_ImportsWithBadRowsReportedByRowAndColumn(string provider)
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, provider);
        using var admin = await api.SignedInAsync(api.A.Admin);
        var csv = new StringBuilder("serial,issuer,cn,ou,o,l,e,cccd,not_before,not_after,key_algorithm,token_serial,holder,kind\n");
        var names = new[] { "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang", "Đặng Văn Hùng" };
        var start = new DateOnly(2025, 7, 1);
        for (var i = 1; i <= 2000; i++)
        {
            var row = i + 1;
            var notAfter = row == 1001 ? "31/02/2026" : start.AddDays(400 + (i % 900)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var cccd = row == 1500 ? "12345" : $"0251900{i:00000}";
            var issuer = row == 1700 ? "\"CN=CA \"G2\", O=Ban Cơ yếu Chính phủ\"" : $"\"{CertificateTestKit.Issuer}\"";
            csv.Append(CultureInfo.InvariantCulture,
                $"{0x1000_0000 + i:X8}AB{i:X6},{issuer},{names[i % names.Length]} {i},Phòng {i % 12},\"ỦY BAN NHÂN DÂN XÃ HÒA BÌNH\",Tỉnh Phú Thọ,nv{i}@hoabinh.gov.vn,{cccd},2025-07-01,{notAfter},RSA-2048,TK{i % 50:000},,individual\n");
        }

        var body = Encoding.UTF8.GetBytes(csv.ToString());
        var stopwatch = Stopwatch.StartNew();
        var report = await admin.PostOkAsync("/api/v1/certificates/import/table", CertificateTestKit.FileForm(body, "kho-chung-thu.csv", "text/csv"));
        stopwatch.Stop();
        output.WriteLine($"{provider}: 2,000-row CSV imported in {stopwatch.ElapsedMilliseconds} ms over HTTP ({report.GetProperty("elapsedMs").GetInt64()} ms in the service)");

        Assert.Equal(1997, report.GetProperty("added").GetInt32());
        Assert.Equal(3, report.GetProperty("rejected").GetInt32());
        var problems = report.GetProperty("problems").EnumerateArray().Select(p => (Row: p.GetProperty("row").GetInt32(), Column: p.GetProperty("column").GetString())).ToList();
        Assert.Contains((1001, "not_after"), problems);
        Assert.Contains((1500, "cccd"), problems);
        Assert.Contains(problems, p => p.Row == 1700);
        var listed = await admin.GetOkAsync("/api/v1/certificates?q=nguyen%20van%20an&limit=1000");
        Assert.All(listed.EnumerateArray(), c => Assert.StartsWith("Nguyễn Văn An", c.GetProperty("commonName").GetString(), StringComparison.Ordinal));
        Assert.True(listed.GetArrayLength() >= 280);

        // The same file again adds nothing: every certificate is already there (by issuer and serial).
        var again = await admin.PostOkAsync("/api/v1/certificates/import/table", CertificateTestKit.FileForm(body, "kho-chung-thu.csv", "text/csv"));
        Assert.Equal(0, again.GetProperty("added").GetInt32());
        Assert.Equal(1997, again.GetProperty("alreadyPresent").GetInt32());
    }

    [Fact]
    public async Task XlsxTable_IsReadLikeCsv()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        using var admin = await api.SignedInAsync(api.A.Admin);
        var header = new[] { "serial", "issuer", "cn", "o", "not_before", "not_after", "holder" };
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "0A1B2C", CertificateTestKit.Issuer, "Ngô Thị Lan", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "2025-01-02", "2030-01-01", api.A.Official.Username },
            new[] { "0A1B2D", CertificateTestKit.Issuer, "Đỗ Văn Nam", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "2025-01-02", "2030-01-01", "nobody" },
        };
        var xlsx = global::Signing.Api.Features.Certificates.TableFile.WriteXlsx("Kho", header, rows);
        var report = await admin.PostOkAsync("/api/v1/certificates/import/table",
            CertificateTestKit.FileForm(xlsx, "kho.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        Assert.Equal(1, report.GetProperty("added").GetInt32());
        var problem = report.GetProperty("problems").EnumerateArray().Single();
        Assert.Equal(3, problem.GetProperty("row").GetInt32());
        Assert.Equal("holder", problem.GetProperty("column").GetString());
        var lan = (await admin.GetOkAsync("/api/v1/certificates?q=ngo%20thi%20lan")).EnumerateArray().Single();
        Assert.Equal(api.A.Official.Id, lan.GetProperty("holderUserId").GetString());
        Assert.Equal("0A1B2C", lan.GetProperty("serial").GetString());
    }

    [Fact]
    public async Task CertificateThatDoesNotParse_Is422()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        using var admin = await api.SignedInAsync(api.A.Admin);
        var garbage = "-----BEGIN CERTIFICATE-----\nTUlJQm9uZ3Vz\n-----END CERTIFICATE-----\n"u8.ToArray();
        var problem = await (await admin.PostAsync("/api/v1/certificates/import/file", CertificateTestKit.FileForm(garbage, "bad.pem", "application/x-pem-file")))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:unparseable-certificate", problem.GetProperty("type").GetString());
        await (await admin.PostAsync("/api/v1/certificates/import/file", new ByteArrayContent([0x30, 0x82, 0x01])))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        // Officials (not cert-admins) may not import.
        using var official = await api.SignedInAsync(api.A.Official);
        await (await official.PostAsync("/api/v1/certificates/import/file", new ByteArrayContent(garbage))).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
