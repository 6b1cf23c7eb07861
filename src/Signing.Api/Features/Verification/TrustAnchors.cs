using System.Security.Cryptography.X509Certificates;

namespace Signing.Api.Features.Verification;

/// <summary>
/// The one set of trust anchors every endpoint validates against (verify/pdf, verify/cms, B-LT signing, desk-sign
/// uploads, signature-request steps): the certificates of <c>Verification:TrustAnchorsFile</c>, or, in Development
/// when none are configured, the dev PKI's root (the stand-in for the GCC root G2). Read once at start-up; callers
/// must not change the collection.
/// </summary>
public sealed class TrustAnchors
{
    private TrustAnchors(X509Certificate2Collection certificates, string source)
    {
        Certificates = certificates;
        Source = source;
    }

    /// <summary>The anchors; empty when none are configured, so that nothing is trusted.</summary>
    public X509Certificate2Collection Certificates { get; }

    /// <summary>Where the anchors came from, for the start-up log.</summary>
    public string Source { get; }

    /// <summary>Reads the anchors for this host.</summary>
    public static TrustAnchors Load(VerificationOptions options, IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);
        var anchors = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(options.TrustAnchorsFile))
        {
            anchors.ImportFromPemFile(options.TrustAnchorsFile);
            return new TrustAnchors(anchors, $"Verification:TrustAnchorsFile ({options.TrustAnchorsFile})");
        }

        var devRoot = Path.Combine(
            configuration["DevPki:Directory"] ?? Path.Combine(configuration["Storage:DataDirectory"] ?? "data", "pki"), "root.pem");
        if (environment.IsDevelopment() && File.Exists(devRoot))
        {
            anchors.ImportFromPemFile(devRoot);
            return new TrustAnchors(anchors, $"the dev PKI root ({devRoot}, Development only)");
        }

        return new TrustAnchors(anchors, "none: configure Verification:TrustAnchorsFile");
    }
}
