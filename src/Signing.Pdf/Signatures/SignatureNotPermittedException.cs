namespace Signing.Pdf.Signatures;

/// <summary>The document forbids the requested signature, e.g. an earlier certification signature with /P 1.</summary>
public sealed class SignatureNotPermittedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SignatureNotPermittedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public SignatureNotPermittedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SignatureNotPermittedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
