using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Signing.Pdf;

/// <summary>The input is not a PDF this library can read safely; the message names what is wrong and where.</summary>
public class PdfFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PdfFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and where.</param>
    public PdfFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PdfFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    [DoesNotReturn]
    internal static void ThrowAt(long offset, string message) =>
        throw new PdfFormatException(string.Create(CultureInfo.InvariantCulture, $"{message} (at byte offset {offset})"));
}

/// <summary>The PDF is encrypted (/Encrypt in the trailer); encrypted documents are refused, not decrypted.</summary>
public sealed class PdfEncryptedException : PdfFormatException
{
    /// <summary>Creates the exception.</summary>
    public PdfEncryptedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public PdfEncryptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PdfEncryptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The document has more pages than <see cref="PdfReaderLimits.MaxPages"/> allows. Kept apart from other format
/// errors because it describes a valid document that is too large for this service, not a broken one.
/// </summary>
public sealed class PdfPageLimitException : PdfFormatException
{
    /// <summary>Creates the exception.</summary>
    public PdfPageLimitException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public PdfPageLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public PdfPageLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
