using System.Security.Cryptography;
using System.Text.Json;

namespace Signing.Pdf.Signatures;

/// <summary>
/// The pause between <see cref="PadesSigner.PrepareAsync"/> and <see cref="PadesSigner.CompleteAsync"/>: what the external
/// signer must sign and everything needed to finish the prepared file later, in another process. Serialise with
/// <see cref="ToJson"/>; the key never appears here.
/// </summary>
/// <param name="Document">The PDF side: byte range, /Contents placeholder and its capacity, byte-range digest.</param>
/// <param name="SignedAttributes">The DER SET OF Attribute to be signed (RFC 5652 §5.4): what a signer that hashes itself signs.</param>
/// <param name="DigestToSign">The digest of <see cref="SignedAttributes"/>: what a signer that takes a hash signs.</param>
/// <param name="DigestAlgorithm">The digest algorithm name (SHA256, SHA384, SHA512).</param>
/// <param name="Certificate">The DER certificate the signature was prepared for.</param>
/// <param name="Chain">The DER CA certificates to embed.</param>
/// <param name="Level">The level requested (B-T and above add the signature-time-stamp on completion).</param>
public sealed record PadesPreparedSignature(
    PreparedSignature Document,
    byte[] SignedAttributes,
    byte[] DigestToSign,
    string DigestAlgorithm,
    byte[] Certificate,
    byte[][] Chain,
    PadesLevel Level)
{
    /// <summary>The digest algorithm as a <see cref="HashAlgorithmName"/>.</summary>
    public HashAlgorithmName DigestAlgorithmName => new(DigestAlgorithm);

    /// <summary>Serialises the state as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads the state back from <see cref="ToJson"/> output.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="JsonException">The text is not such a state.</exception>
    public static PadesPreparedSignature FromJson(string json)
    {
        var state = JsonSerializer.Deserialize<PadesPreparedSignature>(json) ?? throw new JsonException("The PAdES prepared-signature JSON is null");
        if (state.Document is null || state.SignedAttributes is null || state.DigestToSign is null || state.Certificate is null || state.Chain is null || state.DigestAlgorithm is null)
        {
            throw new JsonException("The PAdES prepared-signature JSON lacks a required member");
        }

        return state;
    }
}
