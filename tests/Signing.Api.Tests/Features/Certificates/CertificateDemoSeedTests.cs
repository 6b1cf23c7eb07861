using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.Demo;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Certificates;

/// <summary>
/// What ./run.sh seeds for a newcomer: the registry's certificates, two that expire within 30 days and one that the dev
/// CA has revoked; the watch, asking the dev CA afresh, agrees; seeding again adds nothing.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class CertificateDemoSeedTests(TokenPki pki, PostgresCluster cluster)
{
    [Fact]
    public async Task DemoInventory_TwoExpiringWithin30Days_OneRevoked_AndTheWatchAgrees()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        await api.RegisterAsync("official", "pkcs11", pki.Official.Uri, pki.Official.CertificatePem, api.A.Official.Id);
        var seed = api.Services.GetServices<IDemoSeed>().OfType<CertificateDemoSeed>().Single();
        await seed.SeedAsync(api.A.Agency, default);
        await seed.SeedAsync(api.A.Agency, default);

        using var admin = await api.SignedInAsync(api.A.Admin);
        var all = await admin.GetOkAsync("/api/v1/certificates");
        Assert.Equal(4, all.GetArrayLength());
        Assert.Single(all.EnumerateArray(), c => c.GetProperty("source").GetString() == "registry");
        var expiring = await admin.GetOkAsync("/api/v1/certificates?status=expiring&expiresWithinDays=30");
        Assert.Equal(2, expiring.GetArrayLength());
        Assert.All(expiring.EnumerateArray(), c => Assert.InRange(c.GetProperty("daysLeft").GetInt32(), 1, 30));
        var revoked = (await admin.GetOkAsync("/api/v1/certificates?status=revoked")).EnumerateArray().Single();
        Assert.Equal("Phạm Thị Dung", revoked.GetProperty("commonName").GetString());
        Assert.Equal("KeyCompromise", revoked.GetProperty("revocationReason").GetString());

        // The dev CA's CRL (as the service serves it) lists the revoked one; the watch, asking afresh, finds the others good.
        using var anonymous = api.CreateClient();
        var crl = await anonymous.GetByteArrayAsync("/dev-pki/crl");
        var entries = System.Security.Cryptography.X509Certificates.CertificateRevocationListBuilder.Load(crl, out _);
        Assert.True(entries.RemoveEntry(Convert.FromHexString(revoked.GetProperty("serial").GetString()!)));
        var run = await admin.PostOkAsync("/api/v1/certificates/watch");
        Assert.Equal(0, run.GetProperty("revoked").GetInt32());
        Assert.Equal(2, run.GetProperty("expiring").GetInt32());
        Assert.Equal("revoked", (await admin.GetOkAsync($"/api/v1/certificates/{revoked.GetProperty("id").GetString()}")).GetProperty("status").GetString());
    }
}
