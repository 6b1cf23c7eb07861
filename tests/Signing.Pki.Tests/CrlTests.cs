using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.Revocation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class CrlTests(DevPkiFixture pki)
{
    [Fact]
    public async Task CrlClient_RevokedCertificate_IsRevokedWithReason()
    {
        var certificate = pki.IssueFresh("CRL client");
        var revokedAt = pki.Authority.Revoke(certificate, X509RevocationReason.PrivilegeWithdrawn);

        var result = await new CrlClient(pki.Http).CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        Assert.Equal(RevocationStatus.Revoked, result.Status);
        Assert.Equal(revokedAt, result.RevocationTime);
        Assert.Equal(X509RevocationReason.PrivilegeWithdrawn, result.Reason);
        Assert.StartsWith("CRL ", result.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrlClient_CachesUntilNextUpdate()
    {
        var client = new CrlClient(pki.Http);
        var url = new Uri(pki.BaseUrl, "crl");
        var first = await client.FetchAsync(url, pki.Authority.SubCa, CancellationToken.None);
        var second = await client.FetchAsync(url, pki.Authority.SubCa, CancellationToken.None);
        Assert.Same(first, second);

        var afterNextUpdate = new CrlClient(pki.Http, new RevocationClientOptions { Time = new FixedTime(first.NextUpdate!.Value.AddMinutes(1)) });
        var refetched = await afterNextUpdate.FetchAsync(url, pki.Authority.SubCa, CancellationToken.None);
        Assert.NotSame(first, refetched);
    }

    [Fact]
    public async Task CrlClient_CrlSignedByOtherIssuer_IsRejected()
    {
        var error = await Assert.ThrowsAsync<MalformedPkiDataException>(() =>
            new CrlClient(pki.Http).FetchAsync(new Uri(pki.BaseUrl, "root.crl"), pki.Authority.SubCa, CancellationToken.None));
        Assert.Contains("not signed by", error.Message);
    }

    [Fact]
    public async Task CrlClient_OversizeCrl_IsRefused()
    {
        var client = new CrlClient(pki.Http, new RevocationClientOptions { MaxCrlBytes = 100 });
        var error = await Assert.ThrowsAsync<PkiTransportException>(() => client.FetchAsync(new Uri(pki.BaseUrl, "crl"), pki.Authority.SubCa, CancellationToken.None));
        Assert.Contains("exceeds the limit of 100", error.Message);
    }

    [Fact]
    public async Task RevocationChecker_OcspUnreachable_FallsBackToCrl()
    {
        var deadOcsp = $"http://127.0.0.1:{DevPkiFixture.FreePort()}/ocsp";
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Chỉ có CRL, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([new Uri(pki.BaseUrl, "crl").ToString()]));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([deadOcsp], null));
        var certificate = request.Create(pki.Authority.SubCa.SubjectName, X509SignatureGenerator.CreateForRSA(pki.Authority.CaKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [0x42, 0x01]);

        var result = await RevocationChecker.Create(pki.Http).CheckAsync(certificate, pki.Authority.SubCa, CancellationToken.None);
        Assert.Equal(RevocationStatus.Good, result.Status);
        Assert.StartsWith("CRL ", result.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Delta_IsParsedAndMergedIntoBase_RemoveFromCrlDropsEntry()
    {
        var now = DateTimeOffset.UtcNow;
        var full = CertificateRevocationList.Decode(SignedCrl(
            [([0x11], now.AddHours(-2), X509RevocationReason.CertificateHold), ([0x22], now.AddHours(-2), X509RevocationReason.KeyCompromise)],
            crlNumber: 10, baseCrlNumber: null, now));
        var delta = CertificateRevocationList.Decode(SignedCrl(
            [([0x11], now.AddHours(-1), X509RevocationReason.RemoveFromCrl), ([0x33], now.AddHours(-1), X509RevocationReason.Superseded)],
            crlNumber: 11, baseCrlNumber: 10, now));

        Assert.False(full.IsDelta);
        Assert.True(delta.IsDelta);
        Assert.Equal(new BigInteger(10), delta.BaseCrlNumber);
        Assert.True(delta.IsSignedBy(pki.Authority.SubCa));
        var merged = CertificateRevocationList.Merge(full, delta).Select(e => e.SerialNumber[0]).Order().ToArray();
        Assert.Equal(new byte[] { 0x22, 0x33 }, merged);
        Assert.Throws<ArgumentException>(() => CertificateRevocationList.Merge(delta, full));
    }

    /// <summary>A CRL with an optional deltaCRLIndicator, which CertificateRevocationListBuilder cannot emit.</summary>
    private byte[] SignedCrl(IEnumerable<(byte[] Serial, DateTimeOffset Date, X509RevocationReason Reason)> entries, int crlNumber, int? baseCrlNumber, DateTimeOffset now)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        tbs.PushSequence();
        tbs.WriteInteger(1);
        SignatureAlgorithms.WriteSignatureAlgorithm(tbs, SignatureAlgorithms.Sha256WithRsa);
        tbs.WriteEncodedValue(pki.Authority.SubCa.SubjectName.RawData);
        tbs.WriteUtcTime(now.AddMinutes(-5));
        tbs.WriteUtcTime(now.AddHours(1));
        tbs.PushSequence();
        foreach (var (serial, date, reason) in entries)
        {
            tbs.PushSequence();
            tbs.WriteInteger(serial);
            tbs.WriteUtcTime(date);
            var reasonValue = new AsnWriter(AsnEncodingRules.DER);
            reasonValue.WriteEnumeratedValue(reason);
            ExtensionAsn.EncodeAll(tbs, [new ExtensionAsn("2.5.29.21", false, reasonValue.Encode())]);
            tbs.PopSequence();
        }

        tbs.PopSequence();
        var extensions = new List<ExtensionAsn>();
        var number = new AsnWriter(AsnEncodingRules.DER);
        number.WriteInteger(crlNumber);
        extensions.Add(new ExtensionAsn("2.5.29.20", false, number.Encode()));
        if (baseCrlNumber is { } baseNumber)
        {
            var indicator = new AsnWriter(AsnEncodingRules.DER);
            indicator.WriteInteger(baseNumber);
            extensions.Add(new ExtensionAsn("2.5.29.27", true, indicator.Encode()));
        }

        tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        ExtensionAsn.EncodeAll(tbs, extensions);
        tbs.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        tbs.PopSequence();
        var tbsBytes = tbs.Encode();

        var crl = new AsnWriter(AsnEncodingRules.DER);
        crl.PushSequence();
        crl.WriteEncodedValue(tbsBytes);
        SignatureAlgorithms.WriteSignatureAlgorithm(crl, SignatureAlgorithms.Sha256WithRsa);
        crl.WriteBitString(SignatureAlgorithms.Sign(pki.Authority.CaKey, HashAlgorithmName.SHA256, tbsBytes));
        crl.PopSequence();
        return crl.Encode();
    }
}
