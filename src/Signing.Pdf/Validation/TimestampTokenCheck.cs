using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>
/// Checks an RFC 3161 time-stamp token from its DER, with the shared certificates and keys and the cached paths, in
/// place of .NET's <c>Rfc3161TimestampToken</c>, whose decoding and verification re-read every certificate of the token
/// on each call (a third of a validation in the issue 15 profile). Same rules as <see cref="TimestampTokenValidator"/>:
/// message imprint, message-digest, ESS signing certificate, signature value, a critical sole id-kp-timeStamping EKU,
/// genTime inside the TSA certificate's validity, and the TSA's path and revocation when a path validator is given.
/// </summary>
/// <remarks>
/// <code>
/// TSTInfo ::= SEQUENCE { version INTEGER, policy TSAPolicyId, messageImprint MessageImprint, serialNumber INTEGER,
///                        genTime GeneralizedTime, accuracy Accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE,
///                        nonce INTEGER OPTIONAL, tsa [0] GeneralName OPTIONAL, extensions [1] IMPLICIT Extensions OPTIONAL }
/// MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }   -- RFC 3161
/// </code>
/// </remarks>
internal sealed class TimestampTokenCheck
{
    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";
    private const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private TimestampTokenCheck(SignerInfoParts fields, string imprintAlgorithm, byte[] imprint, DateTimeOffset genTime)
    {
        Fields = fields;
        ImprintAlgorithm = imprintAlgorithm;
        Imprint = imprint;
        GenTime = genTime;
    }

    /// <summary>The token's SignedData fields.</summary>
    public SignerInfoParts Fields { get; }

    /// <summary>The OID of the message imprint's hash.</summary>
    public string ImprintAlgorithm { get; }

    /// <summary>The hashed message.</summary>
    public byte[] Imprint { get; }

    /// <summary>The time the TSA asserts.</summary>
    public DateTimeOffset GenTime { get; }

    /// <summary>Decodes a token, or returns null when it is not a SignedData over a TSTInfo.</summary>
    public static TimestampTokenCheck? TryDecode(ReadOnlyMemory<byte> token)
    {
        try
        {
            var fields = CmsSignerInfoFields.ReadFirst(token);
            if (fields.ContentType != TstInfoOid || fields.EncapsulatedContent is not { } content)
            {
                return null;
            }

            var info = new AsnReader(content, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            info.ReadObjectIdentifier();
            var imprint = info.ReadSequence();
            var algorithm = imprint.ReadSequence().ReadObjectIdentifier();
            var hashed = imprint.ReadOctetString();
            info.ReadIntegerBytes();
            var genTime = info.ReadGeneralizedTime();
            return new TimestampTokenCheck(fields, algorithm, hashed, genTime);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the token covers <paramref name="hash"/> and is good, as a <see cref="TimestampValidation"/> whose
    /// <see cref="TimestampValidation.IntegrityFailed"/> is set when the token itself was altered.
    /// </summary>
    public async Task<TimestampValidation> ValidateAsync(
        ReadOnlyMemory<byte> hash,
        CertificatePathValidator? pathValidator,
        X509Certificate2Collection? extraCertificates,
        CancellationToken cancellationToken)
    {
        if (!Imprint.AsSpan().SequenceEqual(hash.Span))
        {
            return new(false, GenTime, null, "the token's message imprint does not match") { IntegrityFailed = true };
        }

        var certificates = Fields.LoadCertificates();
        var tsa = Fields.Signer.Find(certificates) ?? (extraCertificates is null ? null : Fields.Signer.Find(extraCertificates));
        if (tsa is null)
        {
            return new(false, GenTime, null, "the TSA's certificate is neither in the token nor among the known certificates");
        }

        if (CmsDigest.FromOid(Fields.DigestAlgorithm, Fields.DigestParameters) is not { } digest
            || Fields.SignedAttribute(MessageDigestOid) is not { } digestAttribute)
        {
            return new(false, GenTime, tsa, "the token's digest algorithm is not supported or it has no message-digest attribute");
        }

        var expected = new AsnReader(digestAttribute, AsnEncodingRules.DER).ReadOctetString();
        if (!CryptographicOperations.FixedTimeEquals(expected, digest.Hash(Fields.EncapsulatedContent!.Value.Span)))
        {
            return new(false, GenTime, tsa, "the token's TSTInfo does not match its signed message-digest (altered)") { IntegrityFailed = true };
        }

        if (!EssMatches(tsa))
        {
            return new(false, GenTime, tsa, $"the token's ESS signing certificate does not name '{tsa.Subject}'");
        }

        var value = Fields.Verify(tsa, digest, []);
        if (value.Status != SignatureValueStatus.Valid)
        {
            return new(false, GenTime, tsa, $"the token's signature: {value.Detail}") { IntegrityFailed = value.Status == SignatureValueStatus.Invalid };
        }

        var eku = tsa.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.Critical || eku.EnhancedKeyUsages.Count != 1 || eku.EnhancedKeyUsages[0].Value != TimeStampingEku)
        {
            return new(false, GenTime, tsa, $"TSA certificate '{tsa.Subject}' lacks a critical, sole id-kp-timeStamping EKU (RFC 3161 2.3)");
        }

        if (GenTime < tsa.NotBefore || GenTime > tsa.NotAfter)
        {
            return new(false, GenTime, tsa, $"genTime {GenTime:O} is outside the TSA certificate's validity");
        }

        if (pathValidator is null)
        {
            return new(true, GenTime, tsa, $"token by '{tsa.Subject}' at {GenTime:O}; TSA path not checked");
        }

        var candidates = new X509Certificate2Collection(certificates.ToArray());
        if (extraCertificates is not null)
        {
            candidates.AddRange(extraCertificates);
        }

        var path = await pathValidator.ValidateAsync(tsa, candidates, GenTime, cancellationToken).ConfigureAwait(false);
        if (path.Status != PathStatus.Valid)
        {
            return new(false, GenTime, tsa, $"TSA certificate path: {path.Detail}");
        }

        var revoked = path.Revocations.FirstOrDefault(r => r.Result.Status == RevocationStatus.Revoked && r.Result.RevocationTime <= GenTime);
        return revoked is not null
            ? new(false, GenTime, tsa, $"'{revoked.Certificate.Subject}' was revoked at {revoked.Result.RevocationTime:O}, before genTime")
            : new(true, GenTime, tsa, $"token by '{tsa.Subject}' at {GenTime:O}; path {path.Detail}");
    }

    private bool EssMatches(X509Certificate2 tsa)
    {
        foreach (var (oid, version2) in new[] { (EssCertificateMatch.V2Oid, true), (EssCertificateMatch.V1Oid, false) })
        {
            if (Fields.SignedAttribute(oid) is { } value)
            {
                try
                {
                    return EssCertificateMatch.Matches(value.ToArray(), version2, tsa);
                }
                catch (Exception e) when (e is AsnContentException or CryptographicException)
                {
                    return false;
                }
            }
        }

        // RFC 3161 2.4.1 requires the attribute; .NET's decoder refuses a token without one, and so do we.
        return false;
    }
}
