using System.Security.Cryptography;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Signing;

/// <summary>The digest algorithms callers may name for CMS and digest signing: SHA-256, SHA-384 and SHA-512.</summary>
public static class HashAlgorithms
{
    /// <summary>Parses SHA-256 / SHA-384 / SHA-512 (also without the dash, or as an OID); null means SHA-256.</summary>
    public static Result<HashAlgorithmName> Parse(string? name) => name?.ToUpperInvariant() switch
    {
        null or "SHA-256" or "SHA256" or "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "SHA-384" or "SHA384" or "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "SHA-512" or "SHA512" or "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => new Failure(FailureKind.BadInput, "unsupported-hash-algorithm", "Unsupported hash algorithm",
            $"hashAlgorithm '{name}' is not supported; use SHA-256, SHA-384 or SHA-512.")
        { Field = "hashAlgorithm" },
    };

    /// <summary>The digest length of a supported algorithm, in bytes.</summary>
    public static int DigestLength(HashAlgorithmName algorithm) => algorithm.Name switch
    {
        "SHA384" => 48,
        "SHA512" => 64,
        _ => 32,
    };

    /// <summary>The name with its dash, as the replies spell it: <c>SHA-256</c>.</summary>
    public static string NameOf(HashAlgorithmName algorithm) => algorithm.Name switch
    {
        "SHA384" => "SHA-384",
        "SHA512" => "SHA-512",
        _ => "SHA-256",
    };
}
