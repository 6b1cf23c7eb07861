using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Signatures;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>Timestamps, certificate path, validity against proofs of existence, revocation and the PAdES level.</summary>
public sealed partial class PdfSignatureValidator
{
    private async Task<PdfSignatureValidationReport> FinishSignatureAsync(
        DocumentContext context,
        PdfSignatureValidationReport report,
        SignerInfo signerInfo,
        X509Certificate2 certificate,
        X509Certificate2Collection candidates,
        List<ValidationCheck> checks,
        List<ParsedSignature> documentTimestamps,
        CancellationToken cancellationToken)
    {
        var (signatureTimestamp, timestampFailure) = await CheckSignatureTimestampAsync(signerInfo, candidates, checks, cancellationToken).ConfigureAwait(false);
        if (timestampFailure is { } broken)
        {
            // Integrity before trust: an altered or broken signature-time-stamp fails the signature, trusted chain or not.
            return Finish(report, Indication.TotalFailed, broken, checks, null, context);
        }

        var covering = documentTimestamps
            .Where(d => d.Report.Revision >= report.Revision && d.Report.Validation.TimestampTime is not null)
            .Select(d => d.Report.Validation.TimestampTime!.Value)
            .ToList();
        DateTimeOffset? poe = signatureTimestamp;
        foreach (var time in covering)
        {
            poe = poe is { } p && p <= time ? p : time;
        }

        // B-LTA: a document timestamp over a later revision, which is where the DSS is added.
        var archived = documentTimestamps.Any(d => d.Report.Revision > report.Revision);
        var validation = report.Validation with { TimestampTime = signatureTimestamp ?? (covering.Count > 0 ? covering.Min() : null) };
        report = report with { Validation = validation };

        var path = await pathValidator.ValidateAsync(certificate, candidates, options.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (path.Status == PathStatus.NoChain && options.IssuerFetcher is { } fetcher)
        {
            // Online validation: an intermediate the document does not carry is fetched from the AIA caIssuers URL.
            var fetched = await fetcher.CompleteAsync(certificate, candidates, cancellationToken).ConfigureAwait(false);
            if (fetched.Count > 0)
            {
                candidates = new X509Certificate2Collection(candidates);
                candidates.AddRange(fetched.ToArray());
                checks.Add(new("certificate-fetch", CheckOutcome.Passed, $"completed the path through AIA caIssuers: {string.Join(", ", fetched.Select(c => c.Subject))}"));
                path = await pathValidator.ValidateAsync(certificate, candidates, options.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }

        switch (path.Status)
        {
            case PathStatus.NoChain:
                checks.Add(new("certificate-chain", CheckOutcome.Indeterminate, path.Detail));
                return Finish(report, Indication.Indeterminate, SubIndication.NoCertificateChainFound, checks, poe, context);
            case PathStatus.ChainInvalid:
                checks.Add(new("certificate-chain", CheckOutcome.Failed, path.Detail));
                return Finish(report, Indication.Indeterminate, SubIndication.ChainConstraintsFailure, checks, poe, context);
        }

        checks.Add(new("certificate-chain", CheckOutcome.Passed, path.Detail));
        var signingTime = poe ?? validation.ClaimedSigningTime;
        if (signingTime is { } claimed && claimed < certificate.NotBefore)
        {
            checks.Add(new("validity-period", CheckOutcome.Failed, $"signed at {claimed:O}, before the certificate's notBefore {certificate.NotBefore:O}"));
            return Finish(report, Indication.TotalFailed, SubIndication.NotYetValid, checks, poe, context);
        }

        var period = ProofOfExistenceRules.ValidityPeriod(path.Chain, path.OutOfValidity, poe);
        checks.Add(period.Check);
        if (period.Indication is { } periodIndication)
        {
            return Finish(report, periodIndication, period.SubIndication, checks, poe, context);
        }

        SubIndication? indeterminate = null;
        for (var i = 0; i < path.Chain.Count - 1; i++)
        {
            var checkedCertificate = path.Chain[i];
            var result = FindEmbedded(checkedCertificate, path.Chain[i + 1], context.Dss)
                ?? (options.OnlineRevocation is { } online ? await online.CheckAsync(checkedCertificate, path.Chain[i + 1], cancellationToken).ConfigureAwait(false) : null);
            if (result is null)
            {
                checks.Add(new($"revocation: {checkedCertificate.GetNameInfo(X509NameType.SimpleName, false)}", CheckOutcome.Skipped,
                    "no revocation data in the DSS or the configured CRLs, and online checking is off"));
                continue;
            }

            var judged = ProofOfExistenceRules.Revocation(checkedCertificate, i == 0, result, poe, signingTime);
            checks.Add(judged.Check);
            if (judged.Indication == Indication.TotalFailed)
            {
                return Finish(report, Indication.TotalFailed, judged.SubIndication, checks, poe, context);
            }

            indeterminate ??= judged.SubIndication;
        }

        return indeterminate is { } sub
            ? Finish(report, Indication.Indeterminate, sub, checks, poe, context, path.Chain, archived)
            : Finish(report, Indication.TotalPassed, null, checks, poe, context, path.Chain, archived);
    }

    private RevocationResult? FindEmbedded(X509Certificate2 certificate, X509Certificate2 issuer, DssContent dss)
    {
        foreach (var response in dss.Ocsps)
        {
            if (response.Check(certificate, issuer) is { } answer)
            {
                return answer;
            }
        }

        var dssCrls = dss.Crls;
        foreach (var (crl, source) in dssCrls.Select(c => (c, "CRL in the DSS")).Concat(configuredCrls.Select(c => (c, "configured CRL"))))
        {
            if (crl.IsDelta || !crl.IsSignedBy(issuer))
            {
                continue;
            }

            var entry = crl.Find(certificate.SerialNumberBytes.Span);
            return entry is null
                ? new RevocationResult(RevocationStatus.Good, source, ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate)
                : new RevocationResult(RevocationStatus.Revoked, source, entry.RevocationDate, entry.Reason, crl.ThisUpdate, crl.NextUpdate);
        }

        return null;
    }

    /// <summary>
    /// The signature-time-stamp's time when the token is valid. A token that cannot be decoded, whose imprint is not the
    /// digest of the signature value, or whose own signature does not verify is an integrity failure (the second item);
    /// a token from an untrusted or unsuitable TSA is merely no proof of existence.
    /// </summary>
    private async Task<(DateTimeOffset? Time, SubIndication? IntegrityFailure)> CheckSignatureTimestampAsync(
        SignerInfo signerInfo, X509Certificate2Collection candidates, List<ValidationCheck> checks, CancellationToken cancellationToken)
    {
        var attribute = signerInfo.UnsignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(a => a.Oid.Value == SignatureTimeStampOid);
        if (attribute is null || attribute.Values.Count == 0)
        {
            checks.Add(new("signature-timestamp", CheckOutcome.Skipped, "no signature timestamp"));
            return (null, null);
        }

        if (TimestampTokenCheck.TryDecode(attribute.Values[0].RawData) is not { } token)
        {
            if (TimestampTokenValidator.HasBrokenSignature(attribute.Values[0].RawData))
            {
                checks.Add(new("signature-timestamp", CheckOutcome.Failed, "the signature-time-stamp token's signature does not verify with its TSA certificate (altered)"));
                return (null, SubIndication.SigCryptoFailure);
            }

            checks.Add(new("signature-timestamp", CheckOutcome.Failed, "the signature-time-stamp attribute is not a decodable time-stamp token"));
            return (null, SubIndication.FormatFailure);
        }

        if (CmsDigest.FromOid(token.ImprintAlgorithm) is not { } algorithm)
        {
            checks.Add(new("signature-timestamp", CheckOutcome.Indeterminate, $"the time-stamp's imprint hash {token.ImprintAlgorithm} is not supported; not used as a proof of existence"));
            return (null, null);
        }

        var hash = algorithm.Hash(signerInfo.GetSignature());
        if (!token.Imprint.AsSpan().SequenceEqual(hash))
        {
            checks.Add(new("signature-timestamp", CheckOutcome.Failed, $"the time-stamp's message imprint is not the {algorithm.Name} of the signature value"));
            return (null, SubIndication.HashFailure);
        }

        var result = await token.ValidateAsync(hash, pathValidator, candidates, cancellationToken).ConfigureAwait(false);
        checks.Add(new("signature-timestamp", result.IsValid ? CheckOutcome.Passed : CheckOutcome.Failed, result.Detail));
        return result.IntegrityFailed ? (null, SubIndication.SigCryptoFailure) : (result.IsValid ? result.GenTime : null, null);
    }

    private static PdfSignatureValidationReport Finish(
        PdfSignatureValidationReport report,
        Indication indication,
        SubIndication? subIndication,
        List<ValidationCheck> checks,
        DateTimeOffset? poe,
        DocumentContext context,
        IReadOnlyList<X509Certificate2>? chain = null,
        bool archived = false)
    {
        PadesLevel? level = indication == Indication.TotalFailed ? null : PadesLevel.BaselineB;
        if (level is not null && poe is not null)
        {
            level = PadesLevel.BaselineT;
            var issuer = chain is { Count: > 1 } ? chain[1] : null;
            var hasValidationData = issuer is not null && chain is not null
                && (context.Dss.Ocsps.Any(o => o.Check(chain[0], issuer) is not null) || context.Dss.Crls.Any(c => c.IsSignedBy(issuer)));
            if (hasValidationData)
            {
                level = PadesLevel.BaselineLT;
                if (archived)
                {
                    level = PadesLevel.BaselineLta;
                }
            }
        }

        return report with
        {
            Level = level,
            Validation = report.Validation with { Indication = indication, SubIndication = subIndication, Checks = checks },
        };
    }
}
