using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Signatures;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>A small software test CA and signer; CMS comes from SignedCms, never hand-built, and only in tests.</summary>
internal sealed class TestSigner : IDisposable
{
    private static readonly Lazy<TestSigner> SharedInstance = new(() => new TestSigner("Nguyễn Văn An"));

    private TestSigner(string commonName)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest(
            "CN=CA thử nghiệm G2, O=Ban Cơ yếu Chính phủ, C=VN", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Authority = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            $"CN={commonName}, OU=Văn phòng, O=UBND tỉnh Lâm Đồng, L=Lâm Đồng, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        using var issued = request.Create(Authority, now.AddHours(-1), now.AddYears(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        Certificate = issued.CopyWithPrivateKey(key);
    }

    public static TestSigner Shared => SharedInstance.Value;

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Certificate { get; }

    public IReadOnlyList<X509Certificate2> Chain => [Certificate, Authority];

    /// <summary>A detached CMS over the byte-range content (read through the pipeline's content stream).</summary>
    public CmsProducer Producer => async (toSign, cancellationToken) =>
    {
        using var buffer = new MemoryStream();
        await using (var content = toSign.OpenContent())
        {
            await content.CopyToAsync(buffer, cancellationToken);
        }

        // The digest the pipeline reports must be the digest of exactly these bytes.
        Assert.Equal(SHA256.HashData(buffer.ToArray()), toSign.Digest.ToArray());
        return SignDetached(buffer.ToArray());
    };

    public byte[] SignDetached(byte[] content)
    {
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, Certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.Certificates.Add(Authority);
        signer.SignedAttributes.Add(new Pkcs9SigningTime(DateTime.UtcNow));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }
}
