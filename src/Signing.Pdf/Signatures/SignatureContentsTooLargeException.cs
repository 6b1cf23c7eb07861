namespace Signing.Pdf.Signatures;

/// <summary>The CMS does not fit the /Contents placeholder reserved when the document was prepared.</summary>
public sealed class SignatureContentsTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SignatureContentsTooLargeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public SignatureContentsTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SignatureContentsTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
