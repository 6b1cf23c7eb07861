using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Signing.Pdf;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Api.Features.Signing;

/// <summary>What the caller asked for in a PDF signature.</summary>
/// <param name="Level">The PAdES baseline level: <c>B-B</c>, or <c>B-T</c> when a TSA is configured.</param>
/// <param name="Reason">The /Reason entry.</param>
/// <param name="Location">The /Location entry.</param>
/// <param name="Appearance">The visible signature, drawn into the document when it is prepared; null for an invisible one.</param>
/// <param name="SigningTime">The time written as /M and shown by the appearance; null for the current time.</param>
public sealed record PdfSignatureRequest(
    string Level, string? Reason, string? Location, SignatureAppearance? Appearance = null, DateTimeOffset? SigningTime = null)
{
    /// <summary>
    /// The limits, and the budget, for the reads of this signature's document; null for
    /// <see cref="PdfSignatureService.ReaderLimits"/> (a budget per read).
    /// </summary>
    public PdfReaderLimits? ReaderLimits { get; init; }

    /// <summary>Lines written onto pages in the signature's revision (a registered number and date).</summary>
    public IReadOnlyList<PdfTextOverlay> TextOverlays { get; init; } = [];

    /// <summary>For the audit log: where the signature is visible (page and rectangle, or the stamp), never the images or text.</summary>
    public string AuditDetails => Appearance switch
    {
        null => "visible=no",
        { Rectangle: { } r } => string.Create(CultureInfo.InvariantCulture,
            $"visible=page {Appearance.PageNumber} rect {r.X:0.##},{r.Y:0.##},{r.Width:0.##},{r.Height:0.##}{(Appearance.SignatureImagePng is null ? "" : " +image")}{(Appearance.SealImagePng is null ? "" : " +seal")}"),
        _ => $"visible=stamp page {Appearance.PageNumber} top-right",
    };
}

/// <summary>
/// The one place the API produces PAdES signatures: PadesSigner for one-step signing at every baseline level, and
/// PdfSigner with a CAdES detached CMS for two-step signing (B-B, or B-T with a signature time-stamp). The page limit
/// is enforced by the reader that signs (and by the reads an anchor or page option needs), so an invisible or
/// rect-placed signature parses its document once.
/// </summary>
public sealed class PdfSignatureService(
    IOptions<SigningOptions> options, IOptions<Limits.SigningLimitsOptions> limits, Verification.TrustAnchors trustAnchors,
    IHttpClientFactory httpClients, RevocationChecker revocation, IssuerCertificateFetcher issuerFetcher)
{
    /// <summary>The level signed when the caller names none.</summary>
    public const string DefaultLevel = "B-B";

    /// <summary>
    /// Bounds for every read of a document to sign, including <c>Limits:MaxPages</c>, <c>Limits:MaxDecodedBytes</c> and
    /// <c>Limits:MaxParseOperations</c>; each reader opened with them has a budget of its own.
    /// </summary>
    public PdfReaderLimits ReaderLimits => PdfReaderLimits.Default with
    {
        MaxPages = limits.Value.MaxPages,
        MaxDecodedBytes = limits.Value.MaxDecodedBytes,
        MaxParseOperations = limits.Value.MaxParseOperations,
    };

    /// <summary>
    /// <see cref="ReaderLimits"/> with one budget for all the reads of one request: a document that is read for its
    /// anchor, then signed (or validated), spends from the same total.
    /// </summary>
    public PdfReaderLimits RequestReaderLimits() => ReaderLimits.WithNewBudget();

    /// <summary>Why two-step signing cannot produce <paramref name="level"/>, or null when it can (B-B, B-T).</summary>
    public string? UnsupportedInTwoSteps(string level) => PadesLevelNames.TryParse(level, out var parsed) && parsed >= PadesLevel.BaselineLT
        ? $"Two-step signing produces B-B or B-T; sign at B-T and extend the result to {level}."
        : Unsupported(level);

    /// <summary>Why <paramref name="level"/> cannot be signed, or null when it can.</summary>
    public string? Unsupported(string level)
    {
        if (!PadesLevelNames.TryParse(level, out var parsed))
        {
            return $"Level '{level}' is unknown; use {string.Join(", ", PadesLevelNames.All)}.";
        }

        return parsed == PadesLevel.BaselineB || !string.IsNullOrWhiteSpace(options.Value.TsaUrl)
            ? null
            : $"Level {level} needs a time-stamping authority: configure Signing:TsaUrl.";
    }

    /// <summary>Signs <paramref name="input"/> into <paramref name="output"/> with a key the service holds.</summary>
    public async Task SignAsync(Stream input, Stream output, PdfSignatureRequest request, AsymmetricAlgorithm key,
        X509Certificate2 certificate, X509Certificate2Collection chain, CancellationToken ct)
    {
        var options = PadesOptions(request, certificate, chain);
        var level = options.Level;
        await PadesSigner.SignAsync(input, output, key, options with
        {
            Timestamper = level >= PadesLevel.BaselineT ? Timestamper() : null,
            Revocation = level >= PadesLevel.BaselineLT ? revocation : null,
            // The DSS needs every issuer up to the anchor, which the registered chain usually stops short of.
            ValidationCertificates = level >= PadesLevel.BaselineLT
                ? [.. chain, .. trustAnchors.Certificates]
                : chain,

            // B-LT/B-LTA need the whole path: an intermediate the key was registered without (a token that holds only
            // its leaf) is fetched from the AIA caIssuers URL and embedded in the CMS and the DSS.
            IssuerFetcher = level >= PadesLevel.BaselineLT ? issuerFetcher : null,
        }, ct);
    }

    /// <summary>
    /// Step one of two-step signing: the prepared document (its /Contents sized by PadesSigner for the level) and the
    /// signed attributes the desk token must sign.
    /// </summary>
    public Task<PadesPreparedSignature> PrepareAsync(
        Stream input, Stream output, PdfSignatureRequest request, X509Certificate2 certificate, X509Certificate2Collection chain, CancellationToken ct)
        => PadesSigner.PrepareAsync(input, output, PadesOptions(request, certificate, chain), ct);

    /// <summary>
    /// Step two: checks <paramref name="signatureValue"/> over <paramref name="signedAttributes"/> against the certificate,
    /// and builds the CMS (time-stamped for B-T) for <see cref="EmbedAsync"/>.
    /// </summary>
    /// <exception cref="CryptographicException">The signature does not verify with the certificate's key.</exception>
    public async Task<byte[]> AssembleAsync(byte[] signedAttributes, ReadOnlyMemory<byte> signatureValue, string level,
        X509Certificate2 certificate, X509Certificate2Collection chain, CancellationToken ct)
    {
        var signatureRequest = CadesSignatureRequest.FromSignedAttributes(signedAttributes, CadesOptions(certificate, chain));
        return await TimestampIfNeededAsync(signatureRequest.Assemble(signatureValue.Span), level, ct);
    }

    /// <summary>Embeds a CMS from <see cref="AssembleAsync"/> into the prepared document.</summary>
    public static Task EmbedAsync(Stream prepared, PreparedSignature state, byte[] cms, CancellationToken ct)
        => PdfSigner.EmbedAsync(prepared, state, cms, ct);

    private static CadesSignOptions CadesOptions(X509Certificate2 certificate, X509Certificate2Collection chain)
        => new() { Certificate = certificate, Chain = chain, DigestAlgorithm = HashAlgorithmName.SHA256 };

    private PadesSignOptions PadesOptions(PdfSignatureRequest request, X509Certificate2 certificate, X509Certificate2Collection chain) => new()
    {
        Certificate = certificate,
        Chain = chain,
        Level = PadesLevelNames.TryParse(request.Level, out var level) ? level : PadesLevel.BaselineB,
        Pdf = new PdfSignatureOptions
        {
            Reason = request.Reason,
            Location = request.Location,
            SigningTime = request.SigningTime,
            Appearance = request.Appearance,
            TextOverlays = request.TextOverlays,
            SignerName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
            ReaderLimits = request.ReaderLimits ?? ReaderLimits,
        },
    };

    private async Task<byte[]> TimestampIfNeededAsync(byte[] cms, string level, CancellationToken ct)
    {
        if (!PadesLevelNames.TryParse(level, out var parsed) || parsed != PadesLevel.BaselineT)
        {
            return cms;
        }

        return await CadesSigner.AddSignatureTimestampAsync(cms, Timestamper(), ct);
    }

    private HttpTimestampClient Timestamper()
        => new(httpClients.CreateClient(nameof(PdfSignatureService)), new Uri(options.Value.TsaUrl!));
}
