using System.Security.Cryptography;
using System.Text.Json;

namespace Signing.Pdf.Signatures;

/// <summary>
/// The state between preparing a document and embedding its CMS: enough to hand the digest to an external signer
/// (a desk token, a remote signer) and to finish the prepared file later. Serialise with <see cref="ToJson"/>.
/// </summary>
/// <param name="FieldName">The signature field's name.</param>
/// <param name="ByteRange">The byte range written into the document.</param>
/// <param name="ContentsOffset">The offset of the '&lt;' opening the /Contents placeholder.</param>
/// <param name="ContentsCapacity">How many CMS bytes the placeholder holds.</param>
/// <param name="DigestAlgorithm">The digest algorithm name (e.g. "SHA256").</param>
/// <param name="Digest">The digest of the byte range.</param>
/// <param name="FileLength">The length of the prepared file.</param>
public sealed record PreparedSignature(
    string FieldName,
    PdfByteRange ByteRange,
    long ContentsOffset,
    int ContentsCapacity,
    string DigestAlgorithm,
    byte[] Digest,
    long FileLength)
{
    /// <summary>The digest algorithm as a <see cref="HashAlgorithmName"/>.</summary>
    public HashAlgorithmName DigestAlgorithmName => new(DigestAlgorithm);

    /// <summary>Serialises the state as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads the state back from <see cref="ToJson"/> output.</summary>
    /// <param name="json">The JSON text.</param>
    public static PreparedSignature FromJson(string json) =>
        JsonSerializer.Deserialize<PreparedSignature>(json) ?? throw new JsonException("The prepared-signature JSON is null");
}
