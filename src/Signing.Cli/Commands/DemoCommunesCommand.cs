using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Signing.Cli.Storage;
using Signing.Cli.Tokens;
using Signing.Pki.DevPki;
using Signing.Pki.Names;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;

namespace Signing.Cli.Commands;

/// <summary>
/// <c>signing demo communes</c>: extra demo communes for the merger walkthrough (<c>examples/merger.sh</c>), each with
/// a certificate admin and its staff, and, from the dev CA, the commune's agency certificate and one certificate per
/// staff member, written as files the admin imports through the API (the inventory is the service's to write).
/// </summary>
internal static class DemoCommunesCommand
{
    /// <summary>One made commune, as written to <c>OUT/communes.json</c>.</summary>
    public sealed record DemoCommune(
        string AgencyId, string Code, string Name, string AdminUsername, string AdminPassword, IReadOnlyList<string> Staff, string? AgencyPem, string? StaffCsv);

    /// <summary>What <c>OUT/communes.json</c> holds: the communes, and a free code for the commune they merge into.</summary>
    public sealed record DemoCommunes(IReadOnlyList<DemoCommune> Communes, string FreeCode);

    private const string Province = "Tỉnh Phú Thọ";
    private const string ParentBody = "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ";

    private static readonly string[] Names = ["AN THỊNH", "TÂN LẬP", "THANH SƠN", "PHÚ LỘC", "ĐỒNG XUÂN", "HƯNG HÓA", "MINH ĐÀI", "VĂN LUÔNG", "YÊN LẬP"];
    private static readonly string[] Surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"];
    private static readonly string[] Middles = ["Văn", "Thị", "Đức", "Thu", "Minh", "Hữu"];
    private static readonly string[] Givens = ["An", "Bình", "Cường", "Dung", "Giang", "Hùng", "Lan", "Mai", "Nam", "Phương", "Quang", "Thảo"];
    private static readonly string[] Units = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var database = new CliDatabase();
        var command = new Command("communes", "Create extra demo communes with a cert-admin and staff; with --pki, their certificates from the dev CA as files to import");
        database.AddTo(command);
        var pki = new Option<DirectoryInfo?>("--pki") { Description = "The dev PKI directory (data/pki): issue the commune's and each staff member's certificate" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where communes.json (0600) and the certificate files go", Required = true };
        var count = new Option<int>("--count") { Description = "How many communes (1 to 8)", DefaultValueFactory = _ => 2 };
        var staff = new Option<int>("--staff") { Description = "Staff per commune (1 to 60); the first is its chair", DefaultValueFactory = _ => 10 };
        foreach (var option in new Option[] { pki, output, count, staff })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            var communes = parse.GetValue(count);
            var perCommune = parse.GetValue(staff);
            if (communes is < 1 or > 8 || perCommune is < 1 or > 60)
            {
                throw new CliUsageException("--count is 1 to 8 and --staff 1 to 60.");
            }

            await using var db = await database.OpenAsync(parse, ct);
            var accounts = new AccountStore(db, TimeProvider.System);
            var outDir = Directory.CreateDirectory(parse.GetRequiredValue(output).FullName).FullName;
            using var authority = parse.GetValue(pki) is { } pkiDir ? DevCertificateAuthority.Open(pkiDir.FullName) : null;

            // Codes 000.00.90.H42 to 000.00.98.H42 (the demo agency is .99), first free first: a second walkthrough
            // makes new communes beside the archived ones.
            var free = new List<int>();
            for (var n = 90; n <= 98; n++)
            {
                if (await accounts.FindAgencyByCodeAsync(Code(n), ct) is null)
                {
                    free.Add(n);
                }
            }

            if (free.Count < communes + 1)
            {
                throw new CliUsageException($"Only {free.Count} free demo codes are left (000.00.90.H42 to 000.00.98.H42); use a fresh data directory.");
            }

            var made = new List<DemoCommune>();
            var hash = PasswordHashing.Hash(NewPassword());
            foreach (var n in free.Take(communes))
            {
                var place = Names[n - 90];
                var tag = Tag(place);
                var agency = await accounts.CreateAgencyAsync(Code(n), $"ỦY BAN NHÂN DÂN XÃ {place} (DEMO)", Province, ct);
                var name = agency.Name.Replace(" (DEMO)", "", StringComparison.Ordinal);
                var password = NewPassword();
                var admin = await accounts.CreateUserAsync(agency.Id, $"quantri-{tag}", "Quản trị chứng thư số", "Công chức", PasswordHashing.Hash(password),
                    [Roles.Admin, Roles.CertAdmin], null, ct);
                var usernames = new List<string>();
                var csv = new StringBuilder("certificate,holder,kind\n");
                for (var i = 0; i < perCommune; i++)
                {
                    var index = ((n - 90) * 60) + i;
                    var display = $"{Surnames[index % 10]} {Middles[index / 10 % 6]} {Givens[index / 60 % 12]}";
                    var title = i switch { 0 => "Chủ tịch", 1 => "Phó Chủ tịch", _ => "Công chức" };
                    var username = $"{tag}-nv{i + 1:00}";
                    // Staff never sign in in the walkthrough: one random password hash serves them all.
                    var user = await accounts.CreateUserAsync(agency.Id, username, display, title, hash, [Roles.Official], null, ct);
                    var email = $"{username}@{tag}.demo.gov.vn";
                    await accounts.SetEmailAsync(user.Id, email, ct);
                    usernames.Add(username);
                    if (authority is not null)
                    {
                        var certificate = Issue(authority, new SubjectName
                        {
                            CommonName = display,
                            OrganizationalUnit = Units[i % Units.Length],
                            Organization = name,
                            Locality = Province,
                            Email = email,
                        });
                        csv.Append(Convert.ToBase64String(certificate.RawData)).Append(',').Append(username).Append(",individual\n");
                    }
                }

                string? agencyPem = null, staffCsv = null;
                if (authority is not null)
                {
                    using var seal = Issue(authority, new SubjectName { CommonName = name, Organization = ParentBody, Locality = Province });
                    agencyPem = Path.Combine(outDir, $"{agency.Code}-co-quan.pem");
                    await File.WriteAllTextAsync(agencyPem, seal.ExportCertificatePem() + "\n" + authority.SubCa.ExportCertificatePem() + "\n", ct);
                    staffCsv = Path.Combine(outDir, $"{agency.Code}-nhan-su.csv");
                    await File.WriteAllTextAsync(staffCsv, csv.ToString(), ct);
                }

                await new AuditLog(db, TimeProvider.System).AppendAsync(new AuditEntry($"cli:{Environment.UserName}", agency.Id, "demo.commune", agency.Id,
                    AuditOutcome.Success, null, $"staff={perCommune}"), ct);
                made.Add(new DemoCommune(agency.Id, agency.Code, agency.Name, admin.Username, password, usernames, agencyPem, staffCsv));
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Commune: {agency.Name} ({agency.Code}), cert-admin {admin.Username}, {perCommune} staff");
            }

            var file = Path.Combine(outDir, "communes.json");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new DemoCommunes(made, Code(free[communes])), Json), ct);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await parse.InvocationConfiguration.Output.WriteLineAsync(file);
            return 0;
        }));
        return command;
    }

    private static string Code(int n) => string.Create(CultureInfo.InvariantCulture, $"000.00.{n}.H42");

    // A staff member's key lives on their USB token in real life; the walkthrough needs only its public half.
    private static X509Certificate2 Issue(DevCertificateAuthority authority, SubjectName subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.ToX500(), key, HashAlgorithmName.SHA256);
        return authority.IssueFor(request.PublicKey, request.SubjectName);
    }

    // "AN THỊNH" -> "anthinh": usernames and e-mail hosts stay ASCII.
    private static string Tag(string place)
    {
        var decomposed = place.Replace("Đ", "D", StringComparison.Ordinal).Normalize(NormalizationForm.FormD);
        return string.Concat(decomposed.Where(c => char.IsAsciiLetter(c))).ToLowerInvariant();
    }

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
}
