using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Operations;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>The two-step operation store: a claim succeeds once, never after expiry, and expired rows are swept.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OperationStoreTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ClaimOnce_NotAfterExpiry_ExpiredAreDeleted(string provider)
    {
        var settings = new Dictionary<string, string?>();
        if (provider == "postgres")
        {
            settings["Storage:Provider"] = "postgres";
            settings["Storage:ConnectionString"] = await cluster.CreateDatabaseAsync();
        }

        await using var api = await new ApiFactory(settings).SeedAsync();
        using (var admin = await api.SignedInAsync(api.A.Admin))
        {
            var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, "/api/v1/keys", new
            {
                purpose = "system",
                location = "desk-token",
                certificatePem = TestCertificates.Current("CN=Store, C=VN").ExportCertificatePem(),
            });
            response.EnsureSuccessStatusCode();
        }

        var keyId = (await api.Services.GetRequiredService<global::Signing.Storage.Keys.SigningKeyStore>().ListForAgencyAsync(api.A.Agency.Id, default))[0].Id;
        var store = api.Services.GetRequiredService<PdfSignOperationStore>();
        PdfSignOperation Operation(string id, long expiresAt) => new(id, api.A.Agency.Id, keyId, api.A.Caller.Id, "B-B", "{}", [1], [2, 3], "00", 0, expiresAt, null);
        await store.CreateAsync(Operation("open", 2_000), default);
        await store.CreateAsync(Operation("expired", 500), default);

        Assert.False(await store.TryClaimAsync("expired", 1_000, default));
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryClaimAsync("open", 1_000, default)));
        Assert.Single(claims, claimed => claimed);
        var completed = await store.FindAsync("open", default);
        Assert.Equal(1_000, completed!.CompletedAt);
        Assert.Empty(completed.PreparedPdf);

        Assert.Equal(1, await store.DeleteExpiredAsync(1_000, default));
        Assert.Null(await store.FindAsync("expired", default));
    }
}
