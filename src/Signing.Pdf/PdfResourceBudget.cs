using System.Globalization;

namespace Signing.Pdf;

/// <summary>What a <see cref="PdfResourceBudget"/> counts.</summary>
public enum PdfResource
{
    /// <summary>Bytes produced by stream filters (and raw stream bytes parsed as content).</summary>
    DecodedBytes,

    /// <summary>Objects and content-stream operations parsed.</summary>
    ParseOperations,
}

/// <summary>
/// The work one document (or one request, across every reader it opens) may cost: the total bytes its streams decode to
/// and the total objects and operators parsed. A per-stream cap alone let a small file list one compressed stream many
/// times, or on many pages, and cost gigabytes; this total is shared by everything that reads the document (the anchor
/// search, appearance and structure reads, validation and modification analysis) and is safe to share across threads.
/// </summary>
public sealed class PdfResourceBudget
{
    private long _decodedBytes;
    private long _parseOperations;

    /// <summary>Creates a budget.</summary>
    /// <param name="maxDecodedBytes">The most bytes all decoded streams may add up to.</param>
    /// <param name="maxParseOperations">The most objects and content operators that may be parsed.</param>
    public PdfResourceBudget(long maxDecodedBytes, long maxParseOperations)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDecodedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxParseOperations);
        MaxDecodedBytes = maxDecodedBytes;
        MaxParseOperations = maxParseOperations;
    }

    /// <summary>The ceiling on decoded bytes.</summary>
    public long MaxDecodedBytes { get; }

    /// <summary>The ceiling on parse operations.</summary>
    public long MaxParseOperations { get; }

    /// <summary>Decoded bytes spent so far.</summary>
    public long DecodedBytes => Volatile.Read(ref _decodedBytes);

    /// <summary>Parse operations spent so far.</summary>
    public long ParseOperations => Volatile.Read(ref _parseOperations);

    /// <summary>Spends <paramref name="bytes"/> decoded bytes.</summary>
    /// <exception cref="PdfResourceLimitException">The budget is exhausted.</exception>
    public void SpendDecodedBytes(long bytes)
    {
        if (Interlocked.Add(ref _decodedBytes, bytes) > MaxDecodedBytes)
        {
            throw new PdfResourceLimitException(PdfResource.DecodedBytes, MaxDecodedBytes, string.Create(CultureInfo.InvariantCulture,
                $"Reading the document needs more than {MaxDecodedBytes} decompressed bytes in total (a decompression bomb, or a document too large to process)."));
        }
    }

    /// <summary>Spends <paramref name="operations"/> parse operations.</summary>
    /// <exception cref="PdfResourceLimitException">The budget is exhausted.</exception>
    public void SpendParseOperations(long operations)
    {
        if (Interlocked.Add(ref _parseOperations, operations) > MaxParseOperations)
        {
            throw new PdfResourceLimitException(PdfResource.ParseOperations, MaxParseOperations, string.Create(CultureInfo.InvariantCulture,
                $"Reading the document needs more than {MaxParseOperations} parsed objects and operators in total."));
        }
    }
}

/// <summary>
/// A document exhausted its <see cref="PdfResourceBudget"/>. Not a <see cref="PdfFormatException"/>: the document may
/// be well formed, and validation must not report it as a broken signature; the caller learns which limit it met.
/// </summary>
public sealed class PdfResourceLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PdfResourceLimitException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public PdfResourceLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PdfResourceLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a limit met.</summary>
    /// <param name="resource">Which budget ran out.</param>
    /// <param name="limit">Its ceiling.</param>
    /// <param name="message">The explanation.</param>
    public PdfResourceLimitException(PdfResource resource, long limit, string message)
        : base(message)
    {
        Resource = resource;
        Limit = limit;
    }

    /// <summary>Which budget ran out.</summary>
    public PdfResource Resource { get; }

    /// <summary>Its ceiling.</summary>
    public long Limit { get; }
}
