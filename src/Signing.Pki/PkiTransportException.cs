namespace Signing.Pki;

/// <summary>
/// A PKI service (OCSP responder, CRL server, TSA) could not be reached or answered outside the
/// protocol (HTTP error, timeout, oversize body). Such failures are transient: try later.
/// </summary>
public sealed class PkiTransportException : Exception
{
    /// <summary>Creates the exception for <paramref name="url"/>.</summary>
    public PkiTransportException(Uri url, string problem, Exception? inner = null)
        : base($"{url}: {problem}", inner)
    {
        Url = url;
    }

    /// <summary>The service address that failed.</summary>
    public Uri Url { get; }
}
