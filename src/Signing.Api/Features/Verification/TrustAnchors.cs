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
    // Read on first use: services that need the anchors are built before start-up validation reports bad settings,
    // which must not be pre-empted by a half-read configuration.
    private readonly Lazy<(X509Certificate2Collection Certificates, string Source)> _loaded;

    private TrustAnchors(Func<(X509Certificate2Collection, string)> load) => _loaded = new(load);

    /// <summary>The anchors; empty when none are configured, so that nothing is trusted.</summary>
    public X509Certificate2Collection Certificates => _loaded.Value.Certificates;

    /// <summary>Where the anchors came from, for the start-up log.</summary>
    public string Source => _loaded.Value.Source;

    /// <summary>The anchors for this host, read from the options when first needed.</summary>
    public static TrustAnchors For(Func<VerificationOptions> options, IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TrustAnchors(() => Read(options(), environment, configuration));
    }

    private static (X509Certificate2Collection, string) Read(VerificationOptions options, IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);
        var anchors = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(options.TrustAnchorsFile))
        {
            anchors.ImportFromPemFile(options.TrustAnchorsFile);
            return (anchors, $"Verification:TrustAnchorsFile ({options.TrustAnchorsFile})");
        }

        var devRoot = Path.Combine(
            configuration["DevPki:Directory"] ?? Path.Combine(configuration["Storage:DataDirectory"] ?? "data", "pki"), "root.pem");
        if (environment.IsDevelopment() && File.Exists(devRoot))
        {
            anchors.ImportFromPemFile(devRoot);
            return (anchors, $"the dev PKI root ({devRoot}, Development only)");
        }

        return (anchors, "none: configure Verification:TrustAnchorsFile");
    }
}
