using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Timestamping;

namespace Signing.Pki.Cms;

/// <summary>What goes into a CAdES signature besides the content and the key.</summary>
public sealed record CadesSignOptions
{
    /// <summary>The signer's certificate (its key is passed separately).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>CA certificates to embed so verifiers can build the chain; empty embeds only the signer's certificate.</summary>
    public X509Certificate2Collection Chain { get; init; } = [];

    /// <summary>The digest algorithm for content and signed attributes.</summary>
    public HashAlgorithmName DigestAlgorithm { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>The signing-time attribute value; null leaves the attribute out (PAdES forbids it, use the PDF's /M instead).</summary>
    public DateTimeOffset? SigningTime { get; init; }

    /// <summary>When set, a signature-time-stamp unsigned attribute is added (CAdES-T).</summary>
    public ITimestampClient? Timestamper { get; init; }
}
