using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Testing;

/// <summary>Small certificates made in memory for tests that need one.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed RSA-2048 signing certificate valid between the two instants.</summary>
    public static X509Certificate2 SelfSigned(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.DigitalSignature, true));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A self-signed signing certificate valid from yesterday for a year.</summary>
    public static X509Certificate2 Current(string subject)
        => SelfSigned(subject, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
}
