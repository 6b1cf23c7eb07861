using System.Security.Cryptography;
using Signing.Pdf.Signatures.Internal;

namespace Signing.Pdf.Signatures;

/// <summary>
/// Produces the DER-encoded CMS SignedData for a prepared signature. A CAdES builder signs <see cref="ByteRangeToSign.Digest"/>
/// (the messageDigest attribute); a producer that needs the content itself can read <see cref="ByteRangeToSign.OpenContent"/>.
/// </summary>
/// <param name="toSign">The byte-range digest and access to the signed bytes.</param>
/// <param name="cancellationToken">Cancels the operation.</param>
/// <returns>The DER CMS, at most <see cref="PreparedSignature.ContentsCapacity"/> bytes.</returns>
public delegate ValueTask<byte[]> CmsProducer(ByteRangeToSign toSign, CancellationToken cancellationToken);

/// <summary>What a signature covers: the digest of the byte range, and the bytes themselves on demand.</summary>
public sealed class ByteRangeToSign
{
    private readonly Stream document;

    internal ByteRangeToSign(ReadOnlyMemory<byte> digest, HashAlgorithmName digestAlgorithm, PdfByteRange byteRange, Stream document)
    {
        Digest = digest;
        DigestAlgorithm = digestAlgorithm;
        ByteRange = byteRange;
        this.document = document;
    }

    /// <summary>The digest of the two byte-range spans, concatenated.</summary>
    public ReadOnlyMemory<byte> Digest { get; }

    /// <summary>The algorithm of <see cref="Digest"/>.</summary>
    public HashAlgorithmName DigestAlgorithm { get; }

    /// <summary>The byte range.</summary>
    public PdfByteRange ByteRange { get; }

    /// <summary>
    /// A read-only stream over the signed bytes (both spans), read from the prepared document without loading it.
    /// It moves the document stream's position, so read it before the pipeline continues.
    /// </summary>
    public Stream OpenContent() => new ByteRangeReadStream(document, ByteRange);
}
