using System.Security.Cryptography;

namespace Signing.Pki;

/// <summary>
/// Thrown when bytes that should hold a PKI structure (CMS, OCSP, TSA, CRL, certificate) are not
/// well-formed DER or do not follow the structure's ASN.1 definition. The message names the structure
/// and what is wrong with it.
/// </summary>
public sealed class MalformedPkiDataException : CryptographicException
{
    /// <summary>Creates the exception for <paramref name="structure"/>.</summary>
    /// <param name="structure">The ASN.1 type being decoded, e.g. <c>OCSPResponse</c>.</param>
    /// <param name="problem">What is wrong, including the byte offset when known.</param>
    /// <param name="inner">The decoder's own exception, if any.</param>
    public MalformedPkiDataException(string structure, string problem, Exception? inner = null)
        : base($"{structure}: {problem}", inner)
    {
        Structure = structure;
    }

    /// <summary>The ASN.1 type that failed to decode.</summary>
    public string Structure { get; }
}
