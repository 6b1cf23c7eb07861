using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Storage.Keys;

/// <summary>What a key is for.</summary>
public static class KeyPurpose
{
    /// <summary>The agency's seal (the clerk's signature on outgoing documents).</summary>
    public const string AgencySeal = "agency-seal";

    /// <summary>A leader's personal signing key.</summary>
    public const string Official = "official";

    /// <summary>A device, service or software key (GCC form 03).</summary>
    public const string System = "system";

    /// <summary>Every purpose.</summary>
    public static IReadOnlyList<string> All { get; } = [AgencySeal, Official, System];
}

/// <summary>Where the private key lives.</summary>
public static class KeyLocation
{
    /// <summary>On a token or HSM the service reaches through PKCS#11.</summary>
    public const string Pkcs11 = "pkcs11";

    /// <summary>On an official's USB token, reached only through two-step signing at the desk.</summary>
    public const string DeskToken = "desk-token";

    /// <summary>Every location.</summary>
    public static IReadOnlyList<string> All { get; } = [Pkcs11, DeskToken];
}

/// <summary>A registered signing key: the certificate, where the key lives, and who owns it.</summary>
public sealed record SigningKey(
    string Id, string AgencyId, string? OwnerUserId, string Purpose, string Location, string? Pkcs11Uri,
    byte[] Certificate, string? ChainPem, string Subject, string Thumbprint, long NotBefore, long NotAfter,
    long? DisabledAt, long CreatedAt)
{
    /// <summary>Why this key cannot sign at <paramref name="now"/>, or null when its certificate and status allow it.</summary>
    public string? UnusableReason(DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        if (DisabledAt is not null)
        {
            return "The key is disabled.";
        }

        if (at < NotBefore)
        {
            return $"The key's certificate is not valid before {DateTimeOffset.FromUnixTimeMilliseconds(NotBefore):yyyy-MM-dd HH:mm:ss}Z.";
        }

        if (at > NotAfter)
        {
            return $"The key's certificate expired on {DateTimeOffset.FromUnixTimeMilliseconds(NotAfter):yyyy-MM-dd HH:mm:ss}Z.";
        }

        return null;
    }

    /// <summary>The status shown to people: active, disabled, expired or not-yet-valid.</summary>
    public string Status(DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        return DisabledAt is not null ? "disabled" : at > NotAfter ? "expired" : at < NotBefore ? "not-yet-valid" : "active";
    }

    // A registered key's certificate and chain never change (registering again makes a new key), and parsing
    // them on every signature cost more than the PDF work, so each key's are parsed once and shared.
    private static readonly ConcurrentDictionary<string, (X509Certificate2 Certificate, X509Certificate2Collection Chain)> Parsed =
        new(StringComparer.Ordinal);

    /// <summary>The signer certificate, parsed once per key and shared: callers must not dispose it.</summary>
    public X509Certificate2 SignerCertificate() => ParsedOnce().Certificate;

    /// <summary>The registered CA certificates (issuer first), parsed once per key and shared: callers must not dispose them.</summary>
    public X509Certificate2Collection RegisteredChain() => ParsedOnce().Chain;

    private (X509Certificate2 Certificate, X509Certificate2Collection Chain) ParsedOnce() => Parsed.GetOrAdd(Id + ":" + Thumbprint, _ =>
    {
        var chain = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(ChainPem))
        {
            chain.ImportFromPem(ChainPem);
        }

        return (X509CertificateLoader.LoadCertificate(Certificate), chain);
    });
}
