using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Validation;

namespace Signing.Pki.Timestamping;

/// <summary>The outcome of checking a time-stamp token.</summary>
/// <param name="IsValid">True if signature, imprint, TSA certificate and (when configured) its path are good.</param>
/// <param name="GenTime">The time the TSA asserts.</param>
/// <param name="TsaCertificate">The TSA's certificate, when found.</param>
/// <param name="Detail">What was found, or why it failed.</param>
public sealed record TimestampValidation(bool IsValid, DateTimeOffset GenTime, X509Certificate2? TsaCertificate, string Detail)
{
    /// <summary>
    /// True when the token itself is broken or altered (its signature or message imprint does not verify), as opposed
    /// to a TSA that cannot be trusted: EN 319 102-1 makes the first a failed signature whatever the trust.
    /// </summary>
    public bool IntegrityFailed { get; init; }
}

/// <summary>Checks RFC 3161 tokens: signature and message imprint, TSA certificate EKU, and its path.</summary>
public static class TimestampTokenValidator
{
    internal const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    /// <summary>
    /// For a token <see cref="Rfc3161TimestampToken.TryDecode"/> refuses: true when it is still a CMS SignedData whose
    /// signature does not verify with its own signer's certificate, i.e. a token that was altered rather than garbage.
    /// .NET's decoder already rejects such a token, so the difference has to be found here.
    /// </summary>
    /// <param name="encodedToken">The token's DER.</param>
    public static bool HasBrokenSignature(ReadOnlyMemory<byte> encodedToken)
    {
        var signedCms = new SignedCms();
        try
        {
            signedCms.Decode(encodedToken.Span);
            // SignerInfos and the certificates are decoded lazily: a corrupt one throws here, and is garbage, not altered.
            if (signedCms.SignerInfos.Count == 0 || signedCms.SignerInfos[0].Certificate is null)
            {
                return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }

        try
        {
            signedCms.SignerInfos[0].CheckSignature(verifySignatureOnly: true);
            return false;
        }
        catch (CryptographicException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            // Signed attributes .NET cannot re-encode to check them (its AsnWriter then throws "Cannot pop the
            // requested tag", found by the fuzzer): a malformed token, not one shown to be altered.
            return false;
        }
    }

    /// <summary>
    /// Verifies that <paramref name="token"/> covers <paramref name="hash"/>, is signed by a certificate with a critical
    /// id-kp-timeStamping EKU, and (when <paramref name="pathValidator"/> is given) that this certificate chains to a trust
    /// anchor and is not revoked. <paramref name="extraCertificates"/> helps build that path (e.g. the signature's own certificates).
    /// </summary>
    public static async Task<TimestampValidation> ValidateAsync(
        Rfc3161TimestampToken token,
        ReadOnlyMemory<byte> hash,
        HashAlgorithmName hashAlgorithm,
        CertificatePathValidator? pathValidator,
        CancellationToken cancellationToken,
        X509Certificate2Collection? extraCertificates = null)
    {
        var genTime = token.TokenInfo.Timestamp;
        var embedded = token.AsSignedCms().Certificates;
        if (extraCertificates is not null)
        {
            embedded.AddRange(extraCertificates);
        }

        X509Certificate2? tsa;
        bool verified;
        try
        {
            verified = token.VerifySignatureForHash(hash.Span, hashAlgorithm, out tsa, embedded);
        }
        catch (InvalidOperationException)
        {
            // As in HasBrokenSignature: signed attributes .NET cannot re-encode make a malformed token, not an altered one.
            return new TimestampValidation(false, genTime, null, "the token's signed attributes are malformed and cannot be checked");
        }

        if (!verified || tsa is null)
        {
            return new TimestampValidation(false, genTime, null, "the token's signature or message imprint does not verify") { IntegrityFailed = true };
        }

        var eku = tsa.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.Critical || eku.EnhancedKeyUsages.Count != 1 || eku.EnhancedKeyUsages[0].Value != TimeStampingEku)
        {
            return new TimestampValidation(false, genTime, tsa, $"TSA certificate '{tsa.Subject}' lacks a critical, sole id-kp-timeStamping EKU (RFC 3161 2.3)");
        }

        if (genTime < tsa.NotBefore || genTime > tsa.NotAfter)
        {
            return new TimestampValidation(false, genTime, tsa, $"genTime {genTime:O} is outside the TSA certificate's validity");
        }

        if (pathValidator is null)
        {
            return new TimestampValidation(true, genTime, tsa, $"token by '{tsa.Subject}' at {genTime:O}; TSA path not checked");
        }

        var path = await pathValidator.ValidateAsync(tsa, embedded, genTime, cancellationToken).ConfigureAwait(false);
        if (path.Status != PathStatus.Valid)
        {
            return new TimestampValidation(false, genTime, tsa, $"TSA certificate path: {path.Detail}");
        }

        var revoked = path.Revocations.FirstOrDefault(r => r.Result.Status == Revocation.RevocationStatus.Revoked && r.Result.RevocationTime <= genTime);
        if (revoked is not null)
        {
            return new TimestampValidation(false, genTime, tsa, $"'{revoked.Certificate.Subject}' was revoked at {revoked.Result.RevocationTime:O}, before genTime");
        }

        return new TimestampValidation(true, genTime, tsa, $"token by '{tsa.Subject}' at {genTime:O}; path {path.Detail}");
    }
}
