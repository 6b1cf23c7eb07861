namespace Signing.Pdf.Signatures;

/// <summary>
/// A visible signature's rectangle does not lie on its page (the page's crop box, else its media box): the widget would
/// be drawn where no viewer shows it, or cut off, and the document would look unsigned.
/// </summary>
public sealed class SignatureOutsidePageException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SignatureOutsidePageException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public SignatureOutsidePageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SignatureOutsidePageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
