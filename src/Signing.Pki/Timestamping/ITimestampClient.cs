using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace Signing.Pki.Timestamping;

/// <summary>Obtains RFC 3161 time-stamp tokens. The seam between signing code and a TSA (HTTP, in-process dev TSA, test double).</summary>
public interface ITimestampClient
{
    /// <summary>Time-stamps <paramref name="hash"/> (a digest computed with <paramref name="hashAlgorithm"/>) and returns the checked token.</summary>
    /// <exception cref="TimestampAuthorityException">The TSA refused or returned an unacceptable token.</exception>
    /// <exception cref="PkiTransportException">The TSA could not be reached.</exception>
    Task<Rfc3161TimestampToken> TimestampHashAsync(ReadOnlyMemory<byte> hash, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken);
}
