using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;

namespace Signing.Pki.Validation;

/// <summary>How a certificate path fared.</summary>
public enum PathStatus
{
    /// <summary>A chain to a trust anchor was built and every certificate's signature and constraints hold.</summary>
    Valid,

    /// <summary>No chain reaches a configured trust anchor.</summary>
    NoChain,

    /// <summary>A chain exists but a signature, basic constraint or critical extension is wrong.</summary>
    ChainInvalid,
}

/// <summary>The revocation answer for one certificate in a path.</summary>
/// <param name="Certificate">The certificate checked.</param>
/// <param name="Result">What OCSP / CRL said.</param>
public sealed record CertificateRevocationOutcome(X509Certificate2 Certificate, RevocationResult Result);

/// <summary>The outcome of RFC 5280 path validation.</summary>
/// <param name="Status">Whether a valid chain to an anchor exists.</param>
/// <param name="Chain">Leaf first, anchor last (empty when no chain).</param>
/// <param name="Detail">Human-readable summary of chain problems.</param>
/// <param name="Revocations">One entry per non-anchor certificate; empty when revocation checking is off.</param>
/// <param name="OutOfValidity">Certificates in the chain not valid at the validation time.</param>
public sealed record PathValidationResult(
    PathStatus Status,
    IReadOnlyList<X509Certificate2> Chain,
    string Detail,
    IReadOnlyList<CertificateRevocationOutcome> Revocations,
    IReadOnlyList<X509Certificate2> OutOfValidity);

/// <summary>
/// Builds and checks a path to configured trust anchors with <see cref="X509Chain"/> (custom trust
/// store, no system roots, no downloads), then checks revocation of every non-anchor certificate with
/// our own OCSP / CRL clients.
/// </summary>
public sealed class CertificatePathValidator
{
    private readonly X509Certificate2Collection _trustAnchors;
    private readonly RevocationChecker? _revocation;

    /// <summary>Creates a validator; <paramref name="revocation"/> null means revocation is not checked (offline).</summary>
    public CertificatePathValidator(X509Certificate2Collection trustAnchors, RevocationChecker? revocation)
    {
        _trustAnchors = trustAnchors;
        _revocation = revocation;
    }

    /// <summary>True when revocation is checked.</summary>
    public bool ChecksRevocation => _revocation is not null;

    /// <summary>The configured trust anchors.</summary>
    public X509Certificate2Collection TrustAnchors => _trustAnchors;

    /// <summary>Validates <paramref name="leaf"/> at <paramref name="validationTime"/>, with <paramref name="intermediates"/> as path candidates.</summary>
    public async Task<PathValidationResult> ValidateAsync(
        X509Certificate2 leaf,
        X509Certificate2Collection? intermediates,
        DateTimeOffset validationTime,
        CancellationToken cancellationToken)
    {
        var built = BuiltPaths.GetOrBuild(_trustAnchors, leaf, intermediates, () => Build(leaf, intermediates, validationTime));
        if (built.Status != PathStatus.Valid)
        {
            return built;
        }

        var elements = built.Chain;
        var outOfValidity = elements.Where(c => validationTime < c.NotBefore || validationTime > c.NotAfter).ToList();
        var revocations = new List<CertificateRevocationOutcome>();
        if (_revocation is not null)
        {
            for (var i = 0; i < elements.Count - 1; i++)
            {
                var result = await _revocation.CheckAsync(elements[i], elements[i + 1], cancellationToken).ConfigureAwait(false);
                revocations.Add(new CertificateRevocationOutcome(elements[i], result));
            }
        }

        return built with { Revocations = revocations, OutOfValidity = outOfValidity };
    }

    /// <summary>
    /// Builds the chain with X509Chain. Validity periods are ignored here (the caller judges them against its proofs of
    /// existence) and revocation is checked afterwards, so the outcome depends only on the certificates and the
    /// anchors, which is what lets <see cref="BuiltPaths"/> keep it.
    /// </summary>
    private PathValidationResult Build(X509Certificate2 leaf, X509Certificate2Collection? intermediates, DateTimeOffset validationTime)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustAnchors);
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = validationTime.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;

        // Validity periods are judged below against the time and the proofs of existence the caller has.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        chain.Build(leaf);

        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        var problems = chain.ChainStatus
            .Where(s => s.Status is not X509ChainStatusFlags.NoError and not X509ChainStatusFlags.NotTimeValid)
            .ToList();
        var anchored = elements.Count > 0 && _trustAnchors.Cast<X509Certificate2>().Any(a => a.RawData.AsSpan().SequenceEqual(elements[^1].RawData));
        if (!anchored || problems.Any(p => p.Status is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain))
        {
            var detail = problems.Count > 0 ? string.Join("; ", problems.Select(p => p.StatusInformation.Trim())) : "no path to a trust anchor";
            return new PathValidationResult(PathStatus.NoChain, [], $"no chain to a trust anchor: {detail}", [], []);
        }

        if (problems.Count > 0)
        {
            return new PathValidationResult(PathStatus.ChainInvalid, elements, string.Join("; ", problems.Select(p => $"{p.Status}: {p.StatusInformation.Trim()}")), [], []);
        }

        var summary = string.Join(" <- ", elements.Select(c => c.GetNameInfo(X509NameType.SimpleName, false)));
        return new PathValidationResult(PathStatus.Valid, [.. elements.Select(SharedCertificates.Share)], summary, [], []);
    }
}

/// <summary>
/// Chains already built, per process: the same signer, CA and TSA chains come back in document after document, and
/// X509Chain costs a large part of a validation. Keyed by the anchors, the leaf and the candidate certificates
/// (SHA-256 of each DER); bounded, starting over past its capacity.
/// </summary>
internal static class BuiltPaths
{
    private const int Capacity = 2048;
    private static readonly ConcurrentDictionary<string, PathValidationResult> Paths = new(StringComparer.Ordinal);

    public static PathValidationResult GetOrBuild(X509Certificate2Collection anchors, X509Certificate2 leaf, X509Certificate2Collection? candidates, Func<PathValidationResult> build)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var parts = new[]
        {
            anchors.Select(Digest).Order(StringComparer.Ordinal).ToList(),
            [Digest(leaf)],
            (candidates ?? []).Select(Digest).Distinct().Order(StringComparer.Ordinal).ToList(),
        };
        foreach (var part in parts)
        {
            foreach (var digest in part)
            {
                hash.AppendData(System.Text.Encoding.ASCII.GetBytes(digest));
            }

            hash.AppendData("|"u8);
        }

        var key = Convert.ToBase64String(hash.GetHashAndReset());
        if (Paths.TryGetValue(key, out var known))
        {
            return known;
        }

        var built = build();
        if (Paths.Count >= Capacity)
        {
            Paths.Clear();
        }

        return Paths.GetOrAdd(key, built);
    }

    private static string Digest(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));
}
