using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Api.Features.Demo;
using Signing.Pki.DevPki;
using Signing.Pki.Names;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Certificates;

/// <summary>
/// The demo agency's inventory, so that a newcomer's first look at the certificates finds something to act on: the keys
/// registry (the demo seal and official), two staff certificates from the dev CA that expire within 30 days, and one
/// that the dev CA has revoked (a lost token), written as revoked with its reason. Runs once: an agency with any
/// certificate besides the registry's is left alone.
/// </summary>
public sealed partial class CertificateDemoSeed(
    CertificateInventory inventory, CertificateStore store, AccountStore accounts, IConfiguration configuration, TimeProvider clock,
    ILogger<CertificateDemoSeed> logger) : IDemoSeed
{
    // Who the status history says added the demo certificates.
    private const string SeedActor = "system:demo-seed";

    /// <inheritdoc />
    public string Name => "a certificate inventory (two expiring within 30 days, one revoked)";

    /// <inheritdoc />
    public async Task SeedAsync(Agency agency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agency);
        await inventory.AddRegistryKeysAsync(agency.Id, SeedActor, ct);
        if ((await store.SearchAsync(new CertificateQuery(agency.Id, Source: CertificateSources.Demo, Limit: 1), 0, ct)).Count > 0)
        {
            return;
        }

        // The same directory the dev PKI endpoints serve, so that OCSP and the CRL agree with what is seeded.
        var directory = configuration["DevPki:Directory"] ?? Path.Combine(configuration["Storage:DataDirectory"] ?? "data", "pki");
        if (!File.Exists(Path.Combine(directory, "state.json")))
        {
            LogNoDevPki(logger, directory);
            return;
        }

        using var authority = DevCertificateAuthority.Open(directory);
        var people = await accounts.ListUsersAsync(agency.Id, ct);
        var name = agency.Name.Replace(" (DEMO)", "", StringComparison.Ordinal);
        var now = clock.GetUtcNow();
        var seeds = new[]
        {
            (Person: "vanthu", Name: "Trần Thị Bình", Unit: "Văn phòng HĐND và UBND", Email: "binh.vp", Days: 12, Revoked: false),
            (Person: "quantri", Name: "Lê Văn Cường", Unit: "Văn phòng HĐND và UBND", Email: "cuong.vp", Days: 26, Revoked: false),
            (Person: (string?)null, Name: "Phạm Thị Dung", Unit: "Phòng Kinh tế", Email: "dung.kt", Days: 900, Revoked: true),
        };
        foreach (var seed in seeds)
        {
            // The holder's key lives on their USB token in real life; here a throw-away key stands in for it.
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new SubjectName
            {
                CommonName = seed.Name,
                OrganizationalUnit = seed.Unit,
                Organization = name,
                Locality = agency.Province,
                Email = $"{seed.Email}@hoabinh.phutho.gov.vn",
            };
            var request = new CertificateRequest(subject.ToX500(), key, HashAlgorithmName.SHA256);
            using var certificate = authority.IssueFor(request.PublicKey, request.SubjectName, now.AddDays(seed.Days), clock);
            var holder = people.FirstOrDefault(p => p.Username == seed.Person);
            var record = inventory.Describe(certificate, agency.Id, CertificateKinds.Individual, CertificateSources.Demo, holder?.Id, null,
                authority.SubCa.ExportCertificatePem(), "DEMO-TOKEN-01", null);
            if (seed.Revoked)
            {
                var revokedAt = authority.Revoke(certificate, X509RevocationReason.KeyCompromise, clock);
                record = record with
                {
                    Status = CertificateStatuses.Revoked,
                    RevokedAt = revokedAt.ToUnixTimeMilliseconds(),
                    RevocationReason = nameof(X509RevocationReason.KeyCompromise),
                };
            }

            await store.InsertAsync(record, new StatusCause(SeedActor, StatusReasons.Of(StatusReasons.Added, record.Source)), ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No dev PKI in {Directory}: the demo inventory gets only the registry's certificates")]
    private static partial void LogNoDevPki(ILogger logger, string directory);
}
