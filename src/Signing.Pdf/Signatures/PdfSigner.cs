using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Signing.Pdf.Signatures.Internal;

namespace Signing.Pdf.Signatures;

/// <summary>
/// The signing pipeline over the PDF mechanics: prepare (field, widget, signature dictionary with placeholders),
/// reserve the byte range and digest it, then embed a CMS, either at once (<see cref="SignAsync"/>) or after a
/// pause (<see cref="PrepareAsync"/>, then <see cref="EmbedAsync"/>) for external signers.
/// </summary>
public static class PdfSigner
{
    // "[0 " + three 10-digit numbers separated by spaces + "]": files up to 9,999,999,999 bytes.
    private const int ByteRangeWidth = 36;
    private const int CopyBufferSize = 81920;
    private const int MaxSharedPlaceholders = 16;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte[]> HexPlaceholders = new();

    /// <summary>
    /// Appends a signature field and a signature dictionary to <paramref name="input"/> as an incremental update written to
    /// <paramref name="output"/>, fixes /ByteRange, and returns the byte-range digest with the state needed to embed later.
    /// </summary>
    /// <param name="input">The document to sign: readable and seekable.</param>
    /// <param name="output">An empty readable, writable, seekable stream (typically a file) for the prepared document.</param>
    /// <param name="options">Signature details and the /Contents capacity.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<PreparedSignature> PrepareAsync(Stream input, Stream output, PdfSignatureOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (!output.CanRead || !output.CanWrite || !output.CanSeek || output.Length != 0)
        {
            throw new ArgumentException("The output must be an empty readable, writable, seekable stream", nameof(output));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.ContentsCapacity, 1, nameof(options));
        CheckDigestAlgorithm(options.DigestAlgorithm);

        var reader = PdfReader.Open(input, options.ReaderLimits);
        DocMdpPolicy.CheckCanSign(reader, options);
        var writer = new PdfIncrementalWriter(reader);
        var byteRangePlaceholder = new PdfPlaceholder(Encoding.ASCII.GetBytes("[0 0 0 0".PadRight(ByteRangeWidth - 1) + "]"));
        var contentsPlaceholder = new PdfPlaceholder(HexPlaceholder(options.ContentsCapacity));
        var signatureReference = writer.AddObject(SignatureDictionary(options, byteRangePlaceholder, contentsPlaceholder));
        var fieldName = SignatureFieldBuilder.Attach(writer, signatureReference, options.FieldName, options.Appearance);
        TextOverlayBuilder.Add(writer, options.TextOverlays);
        if (options.Certification is not null)
        {
            var catalog = reader.ResolveDictionary(writer.GetObject(reader.CatalogReference), "the catalog").Clone();
            catalog["Perms"] = new PdfDictionary { ["DocMDP"] = signatureReference };
            writer.SetObject(reader.CatalogReference, catalog);
        }

        var written = await writer.WriteToAsync(output, cancellationToken).ConfigureAwait(false);
        var contentsOffset = written.PlaceholderOffsets[contentsPlaceholder];
        var contentsEnd = contentsOffset + contentsPlaceholder.InitialBytes.Length;
        var byteRange = new PdfByteRange(0, contentsOffset, contentsEnd, written.Length - contentsEnd);

        var byteRangeText = string.Create(CultureInfo.InvariantCulture, $"[0 {byteRange.FirstLength} {byteRange.SecondStart} {byteRange.SecondLength}");
        if (byteRangeText.Length > ByteRangeWidth - 1)
        {
            throw new InvalidOperationException($"The document is too large for a {ByteRangeWidth}-byte /ByteRange");
        }

        output.Position = written.PlaceholderOffsets[byteRangePlaceholder];
        await output.WriteAsync(Encoding.ASCII.GetBytes(byteRangeText.PadRight(ByteRangeWidth - 1) + "]"), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var digest = await DigestAsync(output, byteRange, options.DigestAlgorithm, cancellationToken).ConfigureAwait(false);
        return new PreparedSignature(fieldName, byteRange, contentsOffset, options.ContentsCapacity, options.DigestAlgorithm.Name!, digest, written.Length);
    }

    /// <summary>
    /// Writes a DER CMS into the /Contents placeholder of a prepared document, after checking that the document is the
    /// one <paramref name="state"/> describes (same length, same byte-range digest, placeholder in place).
    /// </summary>
    /// <param name="prepared">The prepared document: readable, writable, seekable.</param>
    /// <param name="state">The state <see cref="PrepareAsync"/> returned.</param>
    /// <param name="cms">The DER CMS.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static Task EmbedAsync(Stream prepared, PreparedSignature state, ReadOnlyMemory<byte> cms, CancellationToken cancellationToken = default) =>
        EmbedCoreAsync(prepared, state, cms, verifyDocument: true, cancellationToken);

    /// <summary>Prepares, asks <paramref name="cmsProducer"/> for the CMS, and embeds it: a complete signature in one call.</summary>
    /// <param name="input">The document to sign: readable and seekable.</param>
    /// <param name="output">An empty readable, writable, seekable stream for the signed document.</param>
    /// <param name="options">Signature details and the /Contents capacity.</param>
    /// <param name="cmsProducer">Produces the DER CMS for the byte range.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<PreparedSignature> SignAsync(Stream input, Stream output, PdfSignatureOptions options, CmsProducer cmsProducer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cmsProducer);
        var state = await PrepareAsync(input, output, options, cancellationToken).ConfigureAwait(false);
        var toSign = new ByteRangeToSign(state.Digest, state.DigestAlgorithmName, state.ByteRange, output);
        var cms = await cmsProducer(toSign, cancellationToken).ConfigureAwait(false);
        await EmbedCoreAsync(output, state, cms, verifyDocument: false, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// <see cref="SignAsync"/> that, when the CMS outgrows the reserved /Contents (a TSA returned an outsized token),
    /// prepares once more with room for what was produced. The producer then runs twice, so this is for producers
    /// that can: signing again with the same key, or asking the TSA again.
    /// </summary>
    internal static async Task SignGrowingOnceAsync(
        Stream input, Stream output, Func<int, PdfSignatureOptions> optionsFor, int capacity, CmsProducer cmsProducer, CancellationToken cancellationToken)
    {
        var inputStart = input.Position;
        for (var attempt = 0; ; attempt++)
        {
            var produced = 0;
            try
            {
                await SignAsync(input, output, optionsFor(capacity), async (toSign, token) =>
                {
                    var cms = await cmsProducer(toSign, token).ConfigureAwait(false);
                    produced = cms.Length;
                    return cms;
                }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SignatureContentsTooLargeException) when (attempt == 0 && produced > 0)
            {
                capacity = produced + 4096;
                output.SetLength(0);
                output.Position = 0;
                input.Position = inputStart;
            }
        }
    }

    /// <summary>Computes the digest of a byte range of a document, streaming.</summary>
    /// <param name="document">The document: readable and seekable.</param>
    /// <param name="byteRange">The byte range.</param>
    /// <param name="algorithm">SHA-256, SHA-384 or SHA-512.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<byte[]> DigestAsync(Stream document, PdfByteRange byteRange, HashAlgorithmName algorithm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        CheckDigestAlgorithm(algorithm);
        using var hash = IncrementalHash.CreateHash(algorithm);
        await using var content = new ByteRangeReadStream(document, byteRange);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task EmbedCoreAsync(Stream prepared, PreparedSignature state, ReadOnlyMemory<byte> cms, bool verifyDocument, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(state);
        if (cms.Length == 0)
        {
            throw new ArgumentException("The CMS is empty", nameof(cms));
        }

        if (cms.Length > state.ContentsCapacity)
        {
            throw new SignatureContentsTooLargeException(
                $"The CMS is {cms.Length} bytes but the /Contents placeholder of field '{state.FieldName}' holds {state.ContentsCapacity}; prepare again with a larger ContentsCapacity (see SignatureSizeEstimator)");
        }

        if (verifyDocument)
        {
            await VerifyPreparedDocumentAsync(prepared, state, cancellationToken).ConfigureAwait(false);
        }

        var digits = 2 * cms.Length;
        var hex = ArrayPool<byte>.Shared.Rent(digits);
        try
        {
            if (!Convert.TryToHexString(cms.Span, hex.AsSpan(0, digits), out _))
            {
                throw new InvalidOperationException("The CMS does not fit the /Contents placeholder");
            }

            prepared.Position = state.ContentsOffset + 1;
            await prepared.WriteAsync(hex.AsMemory(0, digits), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(hex);
        }

        // The rest of the placeholder is written as zeros again, so a shorter CMS never leaves stale hex digits from an
        // earlier attempt.
        await prepared.WriteAsync(HexPlaceholder(state.ContentsCapacity).AsMemory(1 + digits, (2 * state.ContentsCapacity) - digits), cancellationToken)
            .ConfigureAwait(false);
        await prepared.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // "<00…00>": room for capacity bytes of DER as hex digits. Only ever copied into the output, so one array per
    // capacity serves every signature (tens of kilobytes each, a fifth of what a signing request allocated); the few
    // capacities in use are kept, any others made each time.
    private static byte[] HexPlaceholder(int capacity)
    {
        if (HexPlaceholders.TryGetValue(capacity, out var shared))
        {
            return shared;
        }

        var placeholder = new byte[(2 * capacity) + 2];
        placeholder.AsSpan().Fill((byte)'0');
        placeholder[0] = (byte)'<';
        placeholder[^1] = (byte)'>';
        if (HexPlaceholders.Count < MaxSharedPlaceholders)
        {
            HexPlaceholders.TryAdd(capacity, placeholder);
        }

        return placeholder;
    }

    private static async Task VerifyPreparedDocumentAsync(Stream prepared, PreparedSignature state, CancellationToken cancellationToken)
    {
        if (prepared.Length != state.FileLength)
        {
            throw new InvalidOperationException($"The prepared document is {prepared.Length} bytes but the signature state expects {state.FileLength}");
        }

        if (state.ByteRange.FirstLength != state.ContentsOffset
            || state.ByteRange.SecondStart != state.ContentsOffset + (2L * state.ContentsCapacity) + 2
            || state.ByteRange.SecondStart + state.ByteRange.SecondLength != state.FileLength)
        {
            throw new InvalidOperationException("The signature state is inconsistent: its byte range does not frame the /Contents placeholder");
        }

        var delimiters = new byte[1];
        prepared.Position = state.ContentsOffset;
        await prepared.ReadExactlyAsync(delimiters, cancellationToken).ConfigureAwait(false);
        var opening = delimiters[0];
        prepared.Position = state.ByteRange.SecondStart - 1;
        await prepared.ReadExactlyAsync(delimiters, cancellationToken).ConfigureAwait(false);
        if (opening != '<' || delimiters[0] != '>')
        {
            throw new InvalidOperationException($"No /Contents placeholder at byte offset {state.ContentsOffset} of the prepared document");
        }

        var digest = await DigestAsync(prepared, state.ByteRange, state.DigestAlgorithmName, cancellationToken).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(digest, state.Digest))
        {
            throw new InvalidOperationException("The prepared document changed since it was prepared: its byte-range digest differs from the signature state");
        }
    }

    private static PdfDictionary SignatureDictionary(PdfSignatureOptions options, PdfPlaceholder byteRange, PdfPlaceholder contents)
    {
        var dictionary = new PdfDictionary
        {
            ["Type"] = new PdfName(options.Format.Type),
            ["Filter"] = new PdfName("Adobe.PPKLite"),
            ["SubFilter"] = new PdfName(options.Format.SubFilter),
            ["ByteRange"] = byteRange,
            ["Contents"] = contents,
            ["M"] = PdfString.FromText(PdfDate(options.SigningTime ?? DateTimeOffset.Now)),
        };
        if (options.Certification is { } permissions)
        {
            dictionary["Reference"] = DocMdpPolicy.Reference(permissions);
        }

        SetText(dictionary, "Name", options.SignerName);
        SetText(dictionary, "Reason", options.Reason);
        SetText(dictionary, "Location", options.Location);
        SetText(dictionary, "ContactInfo", options.ContactInfo);
        return dictionary;
    }

    private static void SetText(PdfDictionary dictionary, string key, string? value)
    {
        if (value is not null)
        {
            dictionary[key] = PdfString.FromText(value);
        }
    }

    /// <summary>ISO 32000-1 §7.9.4: D:YYYYMMDDHHmmSS+HH'mm'.</summary>
    internal static string PdfDate(DateTimeOffset time)
    {
        var offset = time.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var absolute = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"D:{time:yyyyMMddHHmmss}{sign}{absolute.Hours:D2}'{absolute.Minutes:D2}'");
    }

    private static void CheckDigestAlgorithm(HashAlgorithmName algorithm)
    {
        if (algorithm != HashAlgorithmName.SHA256 && algorithm != HashAlgorithmName.SHA384 && algorithm != HashAlgorithmName.SHA512)
        {
            throw new ArgumentException($"Digest algorithm {algorithm.Name} is not supported; use SHA256, SHA384 or SHA512", nameof(algorithm));
        }
    }
}
