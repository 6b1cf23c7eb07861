using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Revocation;

namespace Signing.Pki.Validation;

/// <summary>
/// The ETSI EN 319 102-1 rules that weigh a chain's validity periods and each certificate's revocation status
/// against the proof of existence (a timestamp) and the signing time. The CMS and PDF validators share them.
/// </summary>
public static class ProofOfExistenceRules
{
    /// <summary>A check and, when it stops the signature from passing, the indication and sub-indication it gives.</summary>
    /// <param name="Check">The check to report.</param>
    /// <param name="Indication">TOTAL_FAILED or INDETERMINATE when the signature cannot pass; null when it may.</param>
    /// <param name="SubIndication">Why, when <paramref name="Indication"/> is set.</param>
    public readonly record struct Judgement(ValidationCheck Check, Indication? Indication, SubIndication? SubIndication);

    /// <summary>Judges the chain's validity periods: an expired chain passes only when a timestamp proves the signature existed inside them.</summary>
    public static Judgement ValidityPeriod(
        IReadOnlyList<X509Certificate2> chain, IReadOnlyList<X509Certificate2> outOfValidity, DateTimeOffset? proofOfExistence)
    {
        const string name = "validity-period";
        if (outOfValidity.Count == 0)
        {
            return new(new(name, CheckOutcome.Passed, "every certificate in the chain is valid now"), null, null);
        }

        if (proofOfExistence is { } proven && chain.All(c => proven >= c.NotBefore && proven <= c.NotAfter))
        {
            return new(new(name, CheckOutcome.Passed,
                $"expired now, but a timestamp proves the signature existed at {proven:O}, inside every certificate's validity"), null, null);
        }

        return new(new(name, CheckOutcome.Indeterminate,
                $"'{outOfValidity[0].Subject}' is not valid now (notAfter {outOfValidity[0].NotAfter:O}) and no timestamp proves the signature existed while it was"),
            Indication.Indeterminate, SubIndication.OutOfBoundsNoPoe);
    }

    /// <summary>
    /// Judges one certificate's revocation answer: revoked after the proven existence passes; revoked at or before
    /// the signing time fails; revoked with nothing to prove the order is indeterminate, as is no usable answer.
    /// </summary>
    public static Judgement Revocation(
        X509Certificate2 certificate, bool isSigner, RevocationResult result, DateTimeOffset? proofOfExistence, DateTimeOffset? signingTime)
    {
        var name = $"revocation: {certificate.GetNameInfo(X509NameType.SimpleName, false)}";
        return result.Status switch
        {
            RevocationStatus.Good => new(new(name, CheckOutcome.Passed, $"good per {result.Source} (thisUpdate {result.ThisUpdate:O})"), null, null),
            RevocationStatus.Revoked when proofOfExistence is { } proven && proven < result.RevocationTime => new(new(name, CheckOutcome.Passed,
                $"revoked at {result.RevocationTime:O} ({result.Reason}) per {result.Source}, but a timestamp proves the signature existed at {proven:O}"), null, null),
            RevocationStatus.Revoked when signingTime is { } at && at >= result.RevocationTime => new(new(name, CheckOutcome.Failed,
                    $"revoked at {result.RevocationTime:O} ({result.Reason}) per {result.Source}, before the signing time {at:O}"),
                Indication.TotalFailed, SubIndication.Revoked),
            RevocationStatus.Revoked => new(new(name, CheckOutcome.Indeterminate,
                    $"revoked at {result.RevocationTime:O} ({result.Reason}) per {result.Source}; no proof the signature existed before"),
                Indication.Indeterminate, isSigner ? SubIndication.RevokedNoPoe : SubIndication.RevokedCaNoPoe),
            _ => new(new(name, CheckOutcome.Indeterminate, $"no usable answer: {result.Problem}"), Indication.Indeterminate, SubIndication.TryLater),
        };
    }
}
