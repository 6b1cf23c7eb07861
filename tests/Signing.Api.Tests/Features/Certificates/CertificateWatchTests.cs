using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Storage.Certificates;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Certificates;

/// <summary>
/// The watch against the dev PKI: a key in use is revoked at the dev CA; after one watch run the inventory shows it
/// revoked, its key cannot sign (409), the open step routed to its owner is flagged, the cert-admin and the holder have a
/// notification, and the webhooks were delivered to a receiver on Kestrel. Expiry thresholds alert once each.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class CertificateWatchTests(TokenPki pki, PostgresCluster cluster)
{
    [Fact]
    public async Task RevokedAtTheDevCa_OneWatchRun_RevokesDisablesFlagsNotifiesAndDelivers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        var certAdmin = await CertificateTestKit.CreatePersonAsync(api, "quantri-cts", "Lê Văn Cường", "cert-admin");
        var issued = CertificateTestKit.IssueOnToken(pki, $"watch-{Guid.NewGuid():N}"[..20],
            "CN=Nguyễn Văn An, OU=Lãnh đạo, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, L=Tỉnh Phú Thọ, C=VN");
        var keyId = await api.RegisterAsync("official", "pkcs11", issued.Uri, issued.CertificatePem, api.A.Official.Id);
        await api.GrantAsync(keyId);
        using var caller = api.WithApiKey(api.A.CallerKey);
        var pdf = TestPdfs.Simple();
        var signed = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Raw(pdf));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        // An open signature request whose sign step waits for the official (the owner of the key).
        var form = new MultipartFormDataContent
        {
            {
                new StringContent(JsonSerializer.Serialize(new
                {
                    title = "Quyết định phê duyệt kế hoạch",
                    documentType = "Quyết định",
                    symbolPattern = "{số}/QĐ-UBND",
                    route = new[] { new { kind = "sign", assignees = new[] { api.A.Official.Username }, rect = "300,100,200,80", page = 1 } },
                }, CertificateTestKit.Json)),
                "request"
            },
        };
        var document = new ByteArrayContent(pdf);
        document.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        form.Add(document, "document", "qd.pdf");
        var request = await caller.PostOkAsync("/api/v1/signature-requests", form);
        var stepId = request.GetProperty("steps")[0].GetProperty("id").GetString();
        await caller.PostOkAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "certificate.revoked", "step.flagged" } });

        using var admin = await api.SignedInAsync(certAdmin);
        await admin.PostOkAsync("/api/v1/certificates/watch");
        var before = (await admin.GetOkAsync($"/api/v1/certificates?keyId={keyId}")).EnumerateArray().Single();
        Assert.Equal("active", before.GetProperty("status").GetString());

        using (var authority = CertificateTestKit.Authority(pki))
        {
            authority.Revoke(issued.Certificate, X509RevocationReason.KeyCompromise);
        }

        var run = await admin.PostOkAsync("/api/v1/certificates/watch");
        Assert.True(run.GetProperty("revoked").GetInt32() == 1, run.ToString());
        Assert.Equal(1, run.GetProperty("flaggedSteps").GetInt32());

        var after = await admin.GetOkAsync($"/api/v1/certificates/{before.GetProperty("id").GetString()}");
        Assert.Equal("revoked", after.GetProperty("status").GetString());
        Assert.Equal("KeyCompromise", after.GetProperty("revocationReason").GetString());
        Assert.Equal(stepId, after.GetProperty("flaggedSteps").EnumerateArray().Single().GetProperty("stepId").GetString());

        var refused = await (await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}", TestPdfs.Raw(pdf))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("disabled", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        foreach (var person in new[] { certAdmin, api.A.Official })
        {
            using var client = await api.SignedInAsync(person);
            var notifications = await client.GetOkAsync("/api/v1/notifications");
            Assert.Contains(notifications.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "certificate.revoked"
                && n.GetProperty("subjectId").GetString() == after.GetProperty("id").GetString());
        }

        var delivered = await receiver.WaitForAsync(r => r.Type == "certificate.revoked", "certificate.revoked", TimeSpan.FromSeconds(60));
        Assert.False(string.IsNullOrEmpty(delivered.Id));
        Assert.StartsWith("v1,", delivered.Signature, StringComparison.Ordinal);
        var payload = delivered.Json;
        Assert.Equal(keyId, payload.GetProperty("certificate").GetProperty("keyId").GetString());
        Assert.True(payload.GetProperty("data").GetProperty("keyDisabled").GetBoolean());
        var flagged = (await receiver.WaitForAsync(r => r.Type == "step.flagged", "step.flagged", TimeSpan.FromSeconds(60))).Json;
        Assert.Equal(stepId, flagged.GetProperty("data").GetProperty("step").GetProperty("id").GetString());

        // A second run changes nothing: each change is reported once.
        var again = await admin.PostOkAsync("/api/v1/certificates/watch");
        Assert.Equal(0, again.GetProperty("revoked").GetInt32());
    }

    [Fact]
    public async Task ExpiryThresholds_AlertOncePerThreshold_ThenExpire()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        var certAdmin = await CertificateTestKit.CreatePersonAsync(api, "quantri-han", "Phạm Thị Dung", "cert-admin");
        using var authority = CertificateTestKit.Authority(pki);
        var (certificate, _) = CertificateTestKit.IssuePersonal(authority, "CN=Hoàng Văn Em, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN",
            DateTimeOffset.UtcNow.AddDays(45));
        using var admin = await api.SignedInAsync(certAdmin);
        var added = await admin.PostOkAsync("/api/v1/certificates/import/file",
            CertificateTestKit.FileForm(System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + pki.SubCaPem), "em.pem", "application/x-pem-file"));
        var id = added.GetProperty("addedIds")[0].GetString()!;
        Assert.Equal("expiring", (await admin.GetOkAsync($"/api/v1/certificates/{id}")).GetProperty("status").GetString());

        var first = await admin.PostOkAsync("/api/v1/certificates/watch");
        Assert.Equal(1, first.GetProperty("expiring").GetInt32());
        Assert.Equal(0, (await admin.PostOkAsync("/api/v1/certificates/watch")).GetProperty("expiring").GetInt32());
        var notifications = await admin.GetOkAsync("/api/v1/notifications");
        Assert.Single(notifications.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "certificate.expiring");
        Assert.Single(await api.Services.GetRequiredService<Storage.Events.EventOutbox>().EventsAboutAsync(id, default), e => e.Type == "certificate.expiring");

        // The next threshold (30 days) alerts again: the store's alerted_days moves from 60 to 30.
        var store = api.Services.GetRequiredService<CertificateStore>();
        var database = api.Services.GetRequiredService<Storage.Database>();
        await using (var connection = await database.OpenAsync(default))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE certificates SET not_after = @soon WHERE id = @id",
                new { id, soon = DateTimeOffset.UtcNow.AddDays(20).ToUnixTimeMilliseconds() });
        }

        Assert.Equal(1, (await admin.PostOkAsync("/api/v1/certificates/watch")).GetProperty("expiring").GetInt32());
        Assert.Equal(30, (await store.FindAsync(id, default))!.AlertedDays);

        await using (var connection = await database.OpenAsync(default))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE certificates SET not_after = @past WHERE id = @id",
                new { id, past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() });
        }

        Assert.Equal(1, (await admin.PostOkAsync("/api/v1/certificates/watch")).GetProperty("expired").GetInt32());
        Assert.Equal("expired", (await admin.GetOkAsync($"/api/v1/certificates/{id}")).GetProperty("status").GetString());
    }
}
