using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Signing.Cli.Storage;
using Signing.Cli.Tokens;
using Signing.Pdf.Drawing;
using Signing.Pki;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Credentials;
using Signing.Storage.Keys;

namespace Signing.Cli.Commands;

/// <summary><c>signing demo</c>: the demo agency that <c>./run.sh</c> creates on first run.</summary>
internal static class DemoCommands
{
    /// <summary>The demo agency's identifier code (fictional, in the Decision 20/2020 shape).</summary>
    public const string AgencyCode = "000.00.99.H42";

    /// <summary>The demo document that <c>demo init</c> writes next to <c>demo.json</c> for the walkthrough.</summary>
    public const string DocumentFileName = "demo-document.pdf";

    /// <summary>
    /// What <c>demo init</c> writes to <c>DIR/demo.json</c> (mode 0600). The signing PINs unlock the demo official's and
    /// clerk's use of keys held by the service; they are theirs, not the token's PIN.
    /// </summary>
    public sealed record DemoCredentials(
        string AgencyId, string AgencyCode, string AgencyName,
        string OfficialUsername, string OfficialPassword,
        string ClerkUsername, string ClerkPassword,
        string AdminUsername, string AdminPassword,
        string ClientName, string ApiKey,
        string? OfficialSigningPin = null, string? ClerkSigningPin = null, string? DocumentPath = null);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var database = new CliDatabase();
        var init = new Command("init", "Create the demo agency, an official, a clerk, an admin and an API key (once); print them");
        database.AddTo(init);
        var sealKey = new Option<string?>("--seal-key") { Description = "PKCS#11 URI of the agency seal key to register and grant to demo-portal" };
        var sealCert = new Option<FileInfo?>("--seal-cert") { Description = "PEM certificate of the seal key" };
        var officialKey = new Option<string?>("--official-key") { Description = "PKCS#11 URI of the demo official's key to register" };
        var officialCert = new Option<FileInfo?>("--official-cert") { Description = "PEM certificate of the official's key" };
        var chain = new Option<FileInfo?>("--chain") { Description = "PEM issuing CA certificate(s) of both keys, for revocation checks" };
        foreach (var option in new Option[] { sealKey, sealCert, officialKey, officialCert, chain })
        {
            init.Options.Add(option);
        }

        init.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            var credentialsPath = Path.Combine(parse.GetValue(database.DataDirectory)!, "demo.json");
            await using var db = await database.OpenAsync(parse, ct);
            var accounts = new AccountStore(db, TimeProvider.System);
            DemoCredentials credentials;
            // The demo agency is known by its id once demo.json exists: a merger (examples/merger.sh) gives it a new code.
            var known = File.Exists(credentialsPath)
                && await accounts.FindAgencyAsync(JsonSerializer.Deserialize<DemoCredentials>(await File.ReadAllTextAsync(credentialsPath, ct), Json)!.AgencyId, ct) is not null;
            if (known || await accounts.FindAgencyByCodeAsync(AgencyCode, ct) is not null)
            {
                if (!File.Exists(credentialsPath))
                {
                    throw new CliUsageException($"The demo agency exists but {credentialsPath} is missing; create a new API key with 'signing apikey create'.");
                }

                credentials = JsonSerializer.Deserialize<DemoCredentials>(await File.ReadAllTextAsync(credentialsPath, ct), Json)!;
            }
            else
            {
                credentials = await SeedAsync(db, accounts, ct);
            }

            // Data directories made before signing PINs existed get them now; the file is rewritten either way.
            credentials = await EnsureSigningPinsAsync(db, accounts, credentials, ct);
            var documentPath = Path.Combine(parse.GetValue(database.DataDirectory)!, DocumentFileName);
            if (!File.Exists(documentPath))
            {
                await using var document = File.Create(documentPath);
                await OutgoingDocument.WriteAsync(DemoDocument, document, ct);
            }

            credentials = credentials with { DocumentPath = Path.GetFullPath(documentPath) };
            await File.WriteAllTextAsync(credentialsPath, JsonSerializer.Serialize(credentials, Json), ct);
            File.SetUnixFileMode(credentialsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var chainPem = parse.GetValue(chain) is { } chainFile ? await File.ReadAllTextAsync(chainFile.FullName, ct) : null;
            var keys = new SigningKeyStore(db, TimeProvider.System);
            if (parse.GetValue(sealKey) is { } sealUri)
            {
                var seal = await RegisterKeyAsync(keys, credentials, KeyPurpose.AgencySeal, sealUri, parse.GetValue(sealCert), chainPem, null, ct);
                if (await keys.AppearanceAsync(seal.Id, ct) is null)
                {
                    await keys.SetAppearanceAsync(seal.Id, DemoArtwork.Seal(), ct);
                }

                var portal = await accounts.FindClientByNameAsync(credentials.ClientName, ct)
                    ?? throw new CliUsageException($"The demo client '{credentials.ClientName}' is missing.");
                await keys.GrantAsync(seal.Id, portal.Id, ct);
                Console.WriteLine($"Seal key:     {seal.Id} ({seal.Subject}), granted to {portal.Name}");
            }

            if (parse.GetValue(officialKey) is { } officialUri)
            {
                var official = await accounts.FindUserByUsernameAsync(credentials.OfficialUsername, ct)
                    ?? throw new CliUsageException($"The demo official '{credentials.OfficialUsername}' is missing.");
                var key = await RegisterKeyAsync(keys, credentials, KeyPurpose.Official, officialUri, parse.GetValue(officialCert), chainPem, official.Id, ct);
                if (await keys.AppearanceAsync(key.Id, ct) is null)
                {
                    await keys.SetAppearanceAsync(key.Id, DemoArtwork.Signature(), ct);
                }

                Console.WriteLine($"Official key: {key.Id} ({key.Subject}), owned by {official.Username}");
            }

            Console.WriteLine($"Agency:   {credentials.AgencyName} ({credentials.AgencyCode}), id {credentials.AgencyId}");
            Console.WriteLine($"Official: {credentials.OfficialUsername} / {credentials.OfficialPassword}");
            Console.WriteLine($"Clerk:    {credentials.ClerkUsername} / {credentials.ClerkPassword}");
            Console.WriteLine($"Signing PINs (official, clerk) are in {credentialsPath}; the demo document is {credentials.DocumentPath}");
            Console.WriteLine($"Admin:    {credentials.AdminUsername} / {credentials.AdminPassword}");
            Console.WriteLine($"Client:   {credentials.ClientName}");
            Console.WriteLine(credentials.ApiKey);
            return 0;
        }));
        return new Command("demo", "Demo data for a first run") { init, DemoCommunesCommand.Create() };
    }

    private static async Task<DemoCredentials> SeedAsync(Database db, AccountStore accounts, CancellationToken ct)
    {
        var agency = await accounts.CreateAgencyAsync(AgencyCode, "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH (DEMO)", "Tỉnh Phú Thọ", ct);
        var officialPassword = NewPassword();
        var clerkPassword = NewPassword();
        var adminPassword = NewPassword();
        await accounts.CreateUserAsync(agency.Id, "chutich", "Nguyễn Văn An", "Chủ tịch", PasswordHashing.Hash(officialPassword), [Roles.Official], null, ct);
        await accounts.CreateUserAsync(agency.Id, "vanthu", "Trần Thị Bình", "Văn thư", PasswordHashing.Hash(clerkPassword), [Roles.Clerk], null, ct);
        await accounts.CreateUserAsync(agency.Id, "quantri", "Lê Văn Cường", "Quản trị hệ thống", PasswordHashing.Hash(adminPassword),
            [Roles.Admin, Roles.CertAdmin, Roles.Auditor], null, ct);
        var client = await accounts.CreateClientAsync(agency.Id, "demo-portal", [Roles.Caller], null, ct);
        var (_, key) = await accounts.CreateApiKeyAsync(client.Id, ct);
        await new AuditLog(db, TimeProvider.System).AppendAsync(new AuditEntry(
            $"cli:{Environment.UserName}", agency.Id, "demo.init", agency.Id, AuditOutcome.Success, null), ct);
        return new DemoCredentials(agency.Id, agency.Code, agency.Name, "chutich", officialPassword, "vanthu", clerkPassword,
            "quantri", adminPassword, client.Name, key);
    }

    private static readonly OutgoingDocumentContent DemoDocument = new(
        "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "/QĐ-UBND", "Hòa Bình", "Quyết định",
        "Về việc ban hành Quy chế sử dụng chữ ký số trong hoạt động của Ủy ban nhân dân xã",
        [
            "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HÒA BÌNH",
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
            "Căn cứ Nghị định số 68/2024/NĐ-CP ngày 25 tháng 6 năm 2024 của Chính phủ quy định về chữ ký số chuyên dùng công vụ;",
            "Theo đề nghị của Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã.",
            "QUYẾT ĐỊNH:",
            "Điều 1. Ban hành kèm theo Quyết định này Quy chế sử dụng chữ ký số trong hoạt động của Ủy ban nhân dân xã Hòa Bình.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Văn phòng, các công chức chuyên môn và các cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.",
        ],
        "Chủ tịch",
        ["Như Điều 2", "Lưu: VT, VP"]);

    private static async Task<DemoCredentials> EnsureSigningPinsAsync(Database db, AccountStore accounts, DemoCredentials credentials, CancellationToken ct)
    {
        if (credentials.OfficialSigningPin is not null && credentials.ClerkSigningPin is not null)
        {
            return credentials;
        }

        var store = new SigningCredentialStore(db, TimeProvider.System);
        var officialPin = NewPin();
        var clerkPin = NewPin();
        var official = await accounts.FindUserByUsernameAsync(credentials.OfficialUsername, ct);
        var clerk = await accounts.FindUserByUsernameAsync(credentials.ClerkUsername, ct);
        if (official is null || clerk is null)
        {
            throw new CliUsageException("The demo official or clerk is missing from the database.");
        }

        await store.SetPinAsync(official.Id, PasswordHashing.Hash(officialPin), ct);
        await store.SetPinAsync(clerk.Id, PasswordHashing.Hash(clerkPin), ct);
        await accounts.SetEmailAsync(official.Id, "chutich@hoabinh.demo.gov.vn", ct);
        await accounts.SetEmailAsync(clerk.Id, "vanthu@hoabinh.demo.gov.vn", ct);
        return credentials with { OfficialSigningPin = officialPin, ClerkSigningPin = clerkPin };
    }

    /// <summary>
    /// Eight random digits, drawn again in the one case in ten thousand that has fewer than three different ones: the
    /// service refuses such a PIN when a person sets it, so the demo does not hand one out.
    /// </summary>
    private static string NewPin()
    {
        while (true)
        {
            var pin = RandomNumberGenerator.GetString("0123456789", 8);
            if (pin.Distinct().Count() >= 3)
            {
                return pin;
            }
        }
    }

    /// <summary>Registers a token key for the demo agency once; a key whose certificate is already registered is returned as is.</summary>
    private static async Task<SigningKey> RegisterKeyAsync(
        SigningKeyStore keys, DemoCredentials credentials, string purpose, string uri, FileInfo? certificateFile, string? chainPem,
        string? ownerUserId, CancellationToken ct)
    {
        if (certificateFile is null)
        {
            throw new CliUsageException($"A {purpose} key needs its certificate (--seal-cert / --official-cert).");
        }

        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificateFile.FullName, ct));
        // A key already registered for this token object may carry a newer certificate than the file (the GCC's answer
        // to a change of information, as examples/merger.sh imports): it is the same key, not a new one.
        return await keys.FindByThumbprintAsync(CertificateThumbprint.Sha256Hex(certificate), ct)
            ?? (await keys.ListForAgencyAsync(credentials.AgencyId, ct)).FirstOrDefault(key => key.Pkcs11Uri == uri && key.Purpose == purpose)
            ?? await keys.CreateAsync(credentials.AgencyId, ownerUserId, purpose, KeyLocation.Pkcs11, uri, certificate, chainPem, ct);
    }

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
}
