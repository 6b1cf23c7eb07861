namespace Signing.Pki.Timestamping;

/// <summary>A time-stamp authority refused the request or returned a token that fails our checks.</summary>
public sealed class TimestampAuthorityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TimestampAuthorityException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
