namespace Signing.Pdf.Signatures;

/// <summary>Validation data for B-LT could not be gathered: no usable OCSP response or CRL for a certificate, or no signature to extend.</summary>
public sealed class LtvDataUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public LtvDataUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    public LtvDataUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="innerException">The underlying failure.</param>
    public LtvDataUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
