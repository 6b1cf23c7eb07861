using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Tests.Features.Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The web app on Kestrel with what the certificate admins' pages need: a cert-admin in each agency, and an inventory
/// of certificates issued by the dev CA with their chain: agency A's seal certificate, its chairman's (expiring in 20
/// days), its deputy's (in 75 days); agency B's seal certificate and its chairman's. A mapping table for the merger of
/// the two communes lies in a temp file, as the admin would have it on disk.
/// </summary>
public sealed class CertificateWebFixture(TokenPki pki) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-web-certificates-").FullName;

    /// <summary>The running service.</summary>
    public WebAppFactory App { get; private set; } = null!;

    /// <summary>Agency A's certificate admin.</summary>
    public User CertAdmin { get; private set; } = null!;

    /// <summary>Agency B's certificate admin.</summary>
    public User OtherCertAdmin { get; private set; } = null!;

    /// <summary>Agency A's deputy chairman.</summary>
    public User Deputy { get; private set; } = null!;

    /// <summary>The inventory id of the chairman's certificate, which expires in 20 days.</summary>
    public string ExpiringId { get; private set; } = null!;

    /// <summary>The merger's mapping (CSV): A's chairman moves, B's chairman retires.</summary>
    public string MappingPath { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var clientAuthorities = Path.Combine(_directory, "client-ca.pem");
        var chain = pki.SubCaPem + "\n" + await File.ReadAllTextAsync(pki.RootPemFile);
        await File.WriteAllTextAsync(clientAuthorities, chain);
        App = await new WebAppFactory(pki, clientAuthorities).StartAsync();
        var accounts = App.Services.GetRequiredService<AccountStore>();
        var hash = new PasswordHasher<User>().HashPassword(null!, ApiFactory.Password);
        CertAdmin = await accounts.CreateUserAsync(App.A.Agency.Id, "chungthu-a", "Phạm Minh Quân", "Chuyên viên CNTT", hash, [Roles.CertAdmin], null, default);
        OtherCertAdmin = await accounts.CreateUserAsync(App.B.Agency.Id, "chungthu-b", "Đỗ Thị Lan", "Chuyên viên CNTT", hash, [Roles.CertAdmin], null, default);
        Deputy = await accounts.CreateUserAsync(App.A.Agency.Id, "phochutich-a", "Trần Văn Bình", "Phó Chủ tịch", hash, [Roles.Official], null, default);

        var now = DateTimeOffset.UtcNow;
        var a = ActorOf(CertAdmin);
        ExpiringId = await AddAsync(a, chain, $"CN=Nguyễn Văn An, OU=Lãnh đạo, O={App.A.Agency.Name}, L=Tỉnh Phú Thọ, E=an@hoabinh.gov.vn, C=VN",
            now.AddDays(20), CertificateKinds.Individual, App.A.Official.Id, "TK-0042");
        await AddAsync(a, chain, $"CN=Trần Văn Bình, OU=Lãnh đạo, O={App.A.Agency.Name}, L=Tỉnh Phú Thọ, E=binh@hoabinh.gov.vn, C=VN",
            now.AddDays(75), CertificateKinds.Individual, Deputy.Id);
        await AddAsync(a, chain, $"CN={App.A.Agency.Name}, O=ỦY BAN NHÂN DÂN HUYỆN THANH SƠN, L=Tỉnh Phú Thọ, C=VN",
            now.AddDays(400), CertificateKinds.Agency, null);
        var b = ActorOf(OtherCertAdmin);
        await AddAsync(b, chain, $"CN={App.B.Agency.Name}, O=ỦY BAN NHÂN DÂN HUYỆN THANH SƠN, L=Tỉnh Phú Thọ, C=VN",
            now.AddDays(500), CertificateKinds.Agency, null);
        await AddAsync(b, chain, $"CN=Nguyễn Văn An, OU=Lãnh đạo, O={App.B.Agency.Name}, L=Tỉnh Phú Thọ, E=an@anthinh.gov.vn, C=VN",
            now.AddDays(300), CertificateKinds.Individual, App.B.Official.Id);

        MappingPath = Path.Combine(_directory, "phan-cong-sap-nhap.csv");
        await File.WriteAllTextAsync(MappingPath,
            "username,action,unit,position,email,reason\n" +
            $"{App.A.Official.Username},move,Lãnh đạo,Chủ tịch,an@hoaan.gov.vn,\n" +
            $"{App.B.Official.Username},leave,,,,retired\n");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The service's view of a person of this fixture.</summary>
    public Actor ActorOf(User user)
        => new(Actor.User, user.Id, user.Username, user.AgencyId, Roles.Parse(user.Roles));

    // Issued by the dev CA and uploaded with its chain, as an admin would upload a certificate file.
    private async Task<string> AddAsync(Actor admin, string chain, string subject, DateTimeOffset notAfter, string kind, string? holder, string? token = null)
    {
        using var authority = CertificateTestKit.Authority(pki);
        var (certificate, key) = CertificateTestKit.IssuePersonal(authority, subject, notAfter);
        using (certificate)
        using (key)
        {
            var pem = certificate.ExportCertificatePem() + "\n" + chain;
            var report = await App.Services.GetRequiredService<CertificateInventory>().UploadAsync(admin, System.Text.Encoding.ASCII.GetBytes(pem),
                new UploadOptions(holder, kind, TokenSerial: token), default);
            Assert.True(report.Failure is null, report.Failure?.Detail);
            return Assert.Single(report.Value!.AddedIds);
        }
    }
}
