using Signing.Pdf;
using Signing.Pdf.Signatures;

namespace Signing.Api.Features.Signing;

/// <summary>
/// A PDF to sign and what the caller asked for. It owns <see cref="Document"/>: in memory for small documents,
/// a scratch file (deleted on dispose) for large ones.
/// </summary>
public sealed class PdfToSign : IAsyncDisposable
{
    // Room for the signature dictionary and a B-B CMS placeholder (about 20 KB with a two-certificate chain), small
    // enough that a small document's buffer stays off the large object heap; higher levels grow the stream.
    private const int SignedGrowthBytes = 32 * 1024;

    /// <summary>Wraps a seekable document positioned at 0 and its SHA-256.</summary>
    public PdfToSign(Stream document, string sha256)
    {
        ArgumentNullException.ThrowIfNull(document);
        Document = document;
        Sha256 = sha256;
    }

    /// <summary>The document, positioned at 0.</summary>
    public Stream Document { get; }

    /// <summary>Lower-case hex SHA-256 of the document.</summary>
    public string Sha256 { get; }

    /// <summary>The signing key's id.</summary>
    public string? KeyId { get; init; }

    /// <summary>The PAdES level name (default B-B).</summary>
    public string Level { get; init; } = PdfSignatureService.DefaultLevel;

    /// <summary>The /Reason entry.</summary>
    public string? Reason { get; init; }

    /// <summary>The /Location entry.</summary>
    public string? Location { get; init; }

    /// <summary>The appearance options as given (not yet checked); null for an invisible signature.</summary>
    public SignatureAppearanceOptions? Appearance { get; init; }

    /// <summary>The file name the document was uploaded under, if any.</summary>
    public string? FileName { get; init; }

    /// <summary>A document already in memory, such as a stored revision.</summary>
    public static PdfToSign FromBytes(byte[] document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new PdfToSign(PdfBytes.Open(document), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(document)));
    }

    /// <summary>A buffer for the signed or prepared form of this document: in memory when the document is, else a scratch file.</summary>
    public Stream CreateOutputBuffer() => Document is MemoryStream
        ? new MemoryStream(checked((int)Document.Length + SignedGrowthBytes))
        : PdfScratchFile.Create("upload");

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Document.DisposeAsync();
}
