using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.Cms;
using Signing.Pki.Timestamping;

namespace Signing.Pki.Validation;

/// <summary>
/// Validates a CMS / CAdES signature (its first SignerInfo) and returns an EN 319 102-1 style
/// <see cref="ValidationReport"/>. Expected outcomes, including malformed input, are reported, not thrown.
/// </summary>
public sealed class CmsSignatureVerifier
{
    private readonly CertificatePathValidator _pathValidator;
    private readonly TimeProvider _time;
    private readonly IssuerCertificateFetcher? _issuerFetcher;

    /// <summary>Creates a verifier that validates signer and TSA paths with <paramref name="pathValidator"/>.</summary>
    /// <param name="pathValidator">Validates the signer's and the TSA's paths.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="issuerFetcher">
    /// Online validation: completes a signer path that the CMS leaves short through the AIA caIssuers URLs; null (offline)
    /// fetches nothing.
    /// </param>
    public CmsSignatureVerifier(CertificatePathValidator pathValidator, TimeProvider? time = null, IssuerCertificateFetcher? issuerFetcher = null)
    {
        _pathValidator = pathValidator;
        _time = time ?? TimeProvider.System;
        _issuerFetcher = issuerFetcher;
    }

    /// <summary>Validates <paramref name="cms"/> (DER or PEM); pass <paramref name="detachedContent"/> for a detached signature.</summary>
    public async Task<ValidationReport> VerifyAsync(ReadOnlyMemory<byte> cms, byte[]? detachedContent, CancellationToken cancellationToken)
    {
        var checks = new List<ValidationCheck>();
        SignedCms signedCms;
        bool enveloping;
        try
        {
            signedCms = CmsDecoding.Decode(cms, detachedContent);
            enveloping = CmsDecoding.HasEncapsulatedContent(CmsDecoding.Unpem(cms));
        }
        catch (MalformedPkiDataException e)
        {
            checks.Add(new("format", CheckOutcome.Failed, e.Message));
            return new ValidationReport { Indication = Indication.TotalFailed, SubIndication = SubIndication.FormatFailure, Checks = checks };
        }

        checks.Add(new("format", CheckOutcome.Passed, $"CMS SignedData with {signedCms.SignerInfos.Count} signer(s); the first is validated"));
        try
        {
            return await VerifyDecodedAsync(cms, detachedContent, signedCms, enveloping, checks, cancellationToken).ConfigureAwait(false);
        }
        catch (CryptographicException e) when (e is not MalformedPkiDataException)
        {
            // SignedCms decodes attribute values (message digest, signing time) and the signer's certificate only when
            // they are read, so a corrupt one throws here rather than in Decode; the fuzzer found such inputs. It is
            // still malformed input, reported as such rather than thrown.
            checks.Add(new("signer-info", CheckOutcome.Failed, $"a field of the first SignerInfo is malformed: {e.Message}"));
            return new ValidationReport { Indication = Indication.TotalFailed, SubIndication = SubIndication.FormatFailure, Checks = checks };
        }
    }

    private async Task<ValidationReport> VerifyDecodedAsync(
        ReadOnlyMemory<byte> cms, byte[]? detachedContent, SignedCms signedCms, bool enveloping, List<ValidationCheck> checks, CancellationToken cancellationToken)
    {
        var signerInfo = signedCms.SignerInfos[0];
        var certificate = signerInfo.Certificate;
        var baseReport = new ValidationReport
        {
            Indication = Indication.Indeterminate,
            SignerName = certificate?.GetNameInfo(X509NameType.SimpleName, false),
            SignerSubject = certificate?.Subject,
            SignerCertificate = certificate is null ? null : Convert.ToBase64String(certificate.RawData),
            ClaimedSigningTime = signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>()
                .SelectMany(a => a.Values.Cast<AsnEncodedData>())
                .OfType<Pkcs9SigningTime>()
                .Select(t => (DateTimeOffset?)new DateTimeOffset(t.SigningTime.ToUniversalTime(), TimeSpan.Zero))
                .FirstOrDefault(),
        };

        if (detachedContent is null && !enveloping)
        {
            checks.Add(new("signed-data", CheckOutcome.Indeterminate, "detached signature and no content given"));
            return Report(Indication.Indeterminate, SubIndication.SignedDataNotFound, baseReport, checks);
        }

        var messageDigest = signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>()
            .SelectMany(a => a.Values.Cast<AsnEncodedData>()).OfType<Pkcs9MessageDigest>().FirstOrDefault();
        if (messageDigest is not null)
        {
            var content = signedCms.ContentInfo.Content;
            if (CmsDigest.FromOid(signerInfo.DigestAlgorithm.Value) is not { } digestAlgorithm)
            {
                checks.Add(new("message-digest", CheckOutcome.Indeterminate, $"the digest algorithm {signerInfo.DigestAlgorithm.Value} is not supported"));
                return Report(Indication.Indeterminate, SubIndication.CryptoConstraintsFailure, baseReport, checks);
            }

            var actual = digestAlgorithm.Hash(content);
            if (!CryptographicOperations.FixedTimeEquals(actual, messageDigest.MessageDigest))
            {
                checks.Add(new("message-digest", CheckOutcome.Failed, $"{digestAlgorithm.Name} of the {content.Length}-byte content is {Convert.ToHexString(actual)}, the signed message-digest is {Convert.ToHexString(messageDigest.MessageDigest)}"));
                return Report(Indication.TotalFailed, SubIndication.HashFailure, baseReport, checks);
            }

            checks.Add(new("message-digest", CheckOutcome.Passed, $"{digestAlgorithm.Name} of the content matches"));
        }

        // Integrity before trust: the content is checked against the message digest before the signer is looked at.
        if (certificate is null)
        {
            checks.Add(new("signing-certificate", CheckOutcome.Indeterminate, "the signer's certificate is not in the CMS"));
            return Report(Indication.Indeterminate, SubIndication.NoSigningCertificateFound, baseReport, checks);
        }

        var ess = FindSignedAttribute(signerInfo, EssSigningCertificateV2.Oid);
        if (ess is null)
        {
            checks.Add(new("signing-certificate-v2", CheckOutcome.Skipped, "no ESS signing-certificate-v2 attribute (not CAdES)"));
        }
        else if (!TryMatchEss(ess, certificate))
        {
            checks.Add(new("signing-certificate-v2", CheckOutcome.Failed, "the ESS signing-certificate-v2 hash does not match the signer's certificate"));
            return Report(Indication.Indeterminate, SubIndication.NoSigningCertificateFound, baseReport, checks);
        }
        else
        {
            checks.Add(new("signing-certificate-v2", CheckOutcome.Passed, "ESS signing-certificate-v2 matches the signer's certificate"));
        }

        // The signature value through SignatureValueVerifier, as for PDFs: EdDSA, SHA-3, DSA, plain ECDSA and any
        // RSASSA-PSS are known, and an algorithm that is not is CRYPTO_CONSTRAINTS_FAILURE rather than a wrong signature.
        var value = VerifySignatureValue(cms, signedCms, certificate);
        switch (value.Status)
        {
            case SignatureValueStatus.Valid:
                checks.Add(new("signature-value", CheckOutcome.Passed, $"{value.Detail}: verifies with the key of '{certificate.Subject}'"));
                break;
            case SignatureValueStatus.Unsupported:
                checks.Add(new("signature-value", CheckOutcome.Indeterminate, value.Detail));
                return Report(Indication.Indeterminate, SubIndication.CryptoConstraintsFailure, baseReport, checks);
            default:
                checks.Add(new("signature-value", CheckOutcome.Failed, value.Detail));
                // Without signed attributes a mismatch is the content's digest (HASH_FAILURE), except for EdDSA, whose
                // value is over the content itself: there is no digest to blame, only the signature (SIG_CRYPTO_FAILURE).
                return Report(Indication.TotalFailed, messageDigest is null && !SignsContentItself(signerInfo) ? SubIndication.HashFailure : SubIndication.SigCryptoFailure, baseReport, checks);
        }

        var (timestampTime, timestampFailure) = await CheckTimestampAsync(signerInfo, signedCms.Certificates, checks, cancellationToken).ConfigureAwait(false);
        if (timestampFailure is { } broken)
        {
            // Integrity before trust: an altered signature-time-stamp fails the signature whether or not the chain is trusted.
            return Report(Indication.TotalFailed, broken, baseReport, checks);
        }

        baseReport = baseReport with { TimestampTime = timestampTime };
        return await CheckCertificateAsync(certificate, signedCms.Certificates, baseReport, checks, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ValidationReport> CheckCertificateAsync(
        X509Certificate2 certificate,
        X509Certificate2Collection embedded,
        ValidationReport baseReport,
        List<ValidationCheck> checks,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var path = await _pathValidator.ValidateAsync(certificate, embedded, now, cancellationToken).ConfigureAwait(false);
        if (path.Status == PathStatus.NoChain && _issuerFetcher is { } fetcher)
        {
            // Online validation: an intermediate the CMS does not carry is fetched from the AIA caIssuers URL.
            var fetched = await fetcher.CompleteAsync(certificate, embedded, cancellationToken).ConfigureAwait(false);
            if (fetched.Count > 0)
            {
                var candidates = new X509Certificate2Collection(embedded);
                candidates.AddRange(fetched.ToArray());
                checks.Add(new("certificate-fetch", CheckOutcome.Passed, $"completed the path through AIA caIssuers: {string.Join(", ", fetched.Select(c => c.Subject))}"));
                path = await _pathValidator.ValidateAsync(certificate, candidates, now, cancellationToken).ConfigureAwait(false);
            }
        }

        switch (path.Status)
        {
            case PathStatus.NoChain:
                checks.Add(new("certificate-chain", CheckOutcome.Indeterminate, path.Detail));
                return Report(Indication.Indeterminate, SubIndication.NoCertificateChainFound, baseReport, checks);
            case PathStatus.ChainInvalid:
                checks.Add(new("certificate-chain", CheckOutcome.Failed, path.Detail));
                return Report(Indication.Indeterminate, SubIndication.ChainConstraintsFailure, baseReport, checks);
        }

        checks.Add(new("certificate-chain", CheckOutcome.Passed, path.Detail));

        // The best proof of when the signature existed: a valid timestamp, else the signer's own claim.
        var poe = baseReport.TimestampTime;
        var signingTime = poe ?? baseReport.ClaimedSigningTime;
        if (signingTime is { } claimed && claimed < certificate.NotBefore)
        {
            checks.Add(new("validity-period", CheckOutcome.Failed, $"signed at {claimed:O}, before the certificate's notBefore {certificate.NotBefore:O}"));
            return Report(Indication.TotalFailed, SubIndication.NotYetValid, baseReport, checks);
        }

        var period = ProofOfExistenceRules.ValidityPeriod(path.Chain, path.OutOfValidity, poe);
        checks.Add(period.Check);
        if (period.Indication is { } periodIndication)
        {
            return Report(periodIndication, period.SubIndication, baseReport, checks);
        }

        if (!_pathValidator.ChecksRevocation)
        {
            checks.Add(new("revocation", CheckOutcome.Skipped, "revocation not checked (offline)"));
            return Report(Indication.TotalPassed, null, baseReport, checks);
        }

        SubIndication? indeterminate = null;
        foreach (var (checkedCertificate, result) in path.Revocations)
        {
            var judged = ProofOfExistenceRules.Revocation(checkedCertificate, ReferenceEquals(checkedCertificate, path.Chain[0]), result, poe, signingTime);
            checks.Add(judged.Check);
            if (judged.Indication == Indication.TotalFailed)
            {
                return Report(Indication.TotalFailed, judged.SubIndication, baseReport, checks);
            }

            indeterminate ??= judged.SubIndication;
        }

        return indeterminate is { } sub
            ? Report(Indication.Indeterminate, sub, baseReport, checks)
            : Report(Indication.TotalPassed, null, baseReport, checks);
    }

    private async Task<(DateTimeOffset? Time, SubIndication? IntegrityFailure)> CheckTimestampAsync(
        SignerInfo signerInfo, X509Certificate2Collection cmsCertificates, List<ValidationCheck> checks, CancellationToken cancellationToken)
    {
        var attribute = signerInfo.UnsignedAttributes.Cast<CryptographicAttributeObject>()
            .FirstOrDefault(a => a.Oid.Value == CadesSigner.SignatureTimeStampOid);
        if (attribute is null || attribute.Values.Count == 0)
        {
            checks.Add(new("signature-timestamp", CheckOutcome.Skipped, "no signature timestamp (CAdES-B)"));
            return (null, null);
        }

        if (!Rfc3161TimestampToken.TryDecode(attribute.Values[0].RawData, out var token, out _))
        {
            if (TimestampTokenValidator.HasBrokenSignature(attribute.Values[0].RawData))
            {
                checks.Add(new("signature-timestamp", CheckOutcome.Failed, "the signature-time-stamp token's signature does not verify with its TSA certificate (altered)"));
                return (null, SubIndication.SigCryptoFailure);
            }

            checks.Add(new("signature-timestamp", CheckOutcome.Failed, "the signature-time-stamp attribute is not a time-stamp token"));
            return (null, SubIndication.FormatFailure);
        }

        if (CmsDigest.FromOid(token.TokenInfo.HashAlgorithmId.Value)?.HashAlgorithm is not { } hashAlgorithm)
        {
            checks.Add(new("signature-timestamp", CheckOutcome.Indeterminate, $"the time-stamp's imprint hash {token.TokenInfo.HashAlgorithmId.Value} is not supported"));
            return (null, null);
        }

        var hash = CryptographicOperations.HashData(hashAlgorithm, signerInfo.GetSignature());
        if (!token.TokenInfo.GetMessageHash().Span.SequenceEqual(hash))
        {
            checks.Add(new("signature-timestamp", CheckOutcome.Failed, $"the time-stamp's message imprint is not the {hashAlgorithm.Name} of the signature value"));
            return (null, SubIndication.HashFailure);
        }

        var validation = await TimestampTokenValidator.ValidateAsync(token, hash, hashAlgorithm, _pathValidator, cancellationToken, cmsCertificates).ConfigureAwait(false);
        checks.Add(new("signature-timestamp", validation.IsValid ? CheckOutcome.Passed : CheckOutcome.Failed, validation.Detail));
        return validation.IntegrityFailed ? (null, SubIndication.SigCryptoFailure) : (validation.IsValid ? validation.GenTime : null, null);
    }

    private static SignatureValueResult VerifySignatureValue(ReadOnlyMemory<byte> cms, SignedCms signedCms, X509Certificate2 certificate)
    {
        SignerInfoParts parts;
        try
        {
            parts = SignerInfoParts.ReadFirst(CmsDecoding.Unpem(cms));
        }
        catch (Exception e) when (e is System.Formats.Asn1.AsnContentException or CryptographicException)
        {
            return new(SignatureValueStatus.Invalid, "the SignerInfo cannot be read: " + e.Message);
        }

        if (CmsDigest.FromOid(parts.DigestAlgorithm, parts.DigestParameters) is not { } digest)
        {
            return new(SignatureValueStatus.Unsupported, $"the digest algorithm {parts.DigestAlgorithm} is not supported");
        }

        // Without signed attributes the value signs the content's digest, or the content itself for EdDSA.
        if (parts.SignsContentItself)
        {
            using var content = new MemoryStream(signedCms.ContentInfo.Content, writable: false);
            return parts.Verify(certificate, digest, [], content);
        }

        var contentDigest = parts.SignedAttributes is null ? digest.Hash(signedCms.ContentInfo.Content) : [];
        return parts.Verify(certificate, digest, contentDigest);
    }

    private static bool SignsContentItself(SignerInfo signerInfo) =>
        signerInfo.SignedAttributes.Count == 0 && SignatureValueVerifier.SignsContentItself(signerInfo.SignatureAlgorithm.Value ?? "");

    private static byte[]? FindSignedAttribute(SignerInfo signerInfo, string oid) =>
        signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == oid && a.Values.Count > 0)
            .Select(a => a.Values[0].RawData)
            .FirstOrDefault();

    private static bool TryMatchEss(byte[] attributeValue, X509Certificate2 certificate)
    {
        try
        {
            return EssSigningCertificateV2.Matches(attributeValue, certificate);
        }
        catch (Exception e) when (e is System.Formats.Asn1.AsnContentException or CryptographicException)
        {
            return false;
        }
    }

    private static ValidationReport Report(Indication indication, SubIndication? subIndication, ValidationReport? baseReport, List<ValidationCheck> checks) =>
        (baseReport ?? new ValidationReport { Indication = indication }) with { Indication = indication, SubIndication = subIndication, Checks = checks };
}
