namespace Signing.Storage;

/// <summary>
/// The database gave no write turn in time: the node is overloaded, not broken, so callers answer 503 with
/// <c>Retry-After</c> rather than 500.
/// </summary>
public sealed class StorageBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageBusyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was waited for and how long.</param>
    public StorageBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was waited for and how long.</param>
    /// <param name="innerException">The underlying failure.</param>
    public StorageBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
