using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.Timestamping;

namespace Signing.Pdf.Signatures;

/// <summary>
/// PAdES baseline signatures (ETSI EN 319 142-1, /SubFilter /ETSI.CAdES.detached) over <see cref="PdfSigner"/>, with the CMS
/// from <see cref="CadesSigner"/>: content-type, message-digest and ESS signing-certificate-v2 signed attributes, no
/// signing-time (the time is /M). One call (<see cref="SignAsync"/>) or two steps for desk tokens and remote HSMs
/// (<see cref="PrepareAsync"/>, then <see cref="CompleteAsync"/>, possibly in another process).
/// </summary>
public static class PadesSigner
{
    /// <summary>
    /// Signs <paramref name="input"/> into <paramref name="output"/> at <see cref="PadesSignOptions.Level"/>. B-LT and B-LTA add
    /// their revisions through <see cref="PadesExtender"/>.
    /// </summary>
    /// <param name="input">The document: readable and seekable.</param>
    /// <param name="output">An empty readable, writable, seekable stream.</param>
    /// <param name="key">The signer's RSA or ECDsa private key (software or a token bridge).</param>
    /// <param name="options">Certificate, chain, level, TSA, revocation sources and PDF details.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task SignAsync(Stream input, Stream output, AsymmetricAlgorithm key, PadesSignOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(key);
        CheckOptions(options);
        if (options.Level < PadesLevel.BaselineLT)
        {
            await SignCoreAsync(input, output, key, options, cancellationToken).ConfigureAwait(false);
            return;
        }

        options = await WithCompletedChainAsync(options, cancellationToken).ConfigureAwait(false);

        await using var signedB = PdfScratchFile.Create("pades");
        await SignCoreAsync(input, signedB, key, options, cancellationToken).ConfigureAwait(false);
        await PadesExtender.ExtendAsync(signedB, output, ExtendOptionsFor(options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Step one of two: writes the prepared document (placeholder in place) to <paramref name="output"/> and returns the
    /// signed attributes to give to the external signer, with the state to keep until <see cref="CompleteAsync"/>.
    /// </summary>
    /// <param name="input">The document: readable and seekable.</param>
    /// <param name="output">An empty readable, writable, seekable stream; keep it (e.g. as a file) until completion.</param>
    /// <param name="options">Certificate, chain, level and PDF details; the key is not needed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<PadesPreparedSignature> PrepareAsync(Stream input, Stream output, PadesSignOptions options, CancellationToken cancellationToken = default)
    {
        // The TSA is passed to CompleteAsync and revocation sources to PadesExtender, so neither is needed yet.
        CheckOptions(options, forPrepare: true);
        var document = await PdfSigner.PrepareAsync(input, output, PdfOptions(options, EstimateContentsBytes(options)), cancellationToken).ConfigureAwait(false);
        var request = CadesSigner.Prepare(document.Digest, CadesOptions(options.Certificate, options.Chain, options.DigestAlgorithm));
        return new PadesPreparedSignature(
            document,
            request.SignedAttributes,
            request.DigestToSign(),
            options.DigestAlgorithm.Name!,
            options.Certificate.RawData,
            [.. options.Chain.Select(c => c.RawData)],
            options.Level);
    }

    /// <summary>
    /// Step two: checks that <paramref name="signerCertificate"/> is the one prepared for and that
    /// <paramref name="signatureValue"/> verifies over the signed attributes, assembles the CMS (adding the
    /// signature-time-stamp for B-T and above) and embeds it into the prepared document. B-LT and B-LTA are then a
    /// <see cref="PadesExtender.ExtendAsync"/> call on the completed file.
    /// </summary>
    /// <param name="prepared">The prepared document: readable, writable, seekable.</param>
    /// <param name="state">The state from <see cref="PrepareAsync"/> (e.g. via <see cref="PadesPreparedSignature.FromJson"/>).</param>
    /// <param name="signatureValue">PKCS#1 v1.5 for RSA; DER ECDSA-Sig-Value or raw r||s for ECDSA.</param>
    /// <param name="signerCertificate">The certificate of the key that signed.</param>
    /// <param name="timestamper">The TSA, required when the state's level is B-T or above.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The certificate is not the one the signature was prepared for.</exception>
    /// <exception cref="CryptographicException">The signature does not verify with the certificate's key.</exception>
    public static async Task CompleteAsync(
        Stream prepared,
        PadesPreparedSignature state,
        ReadOnlyMemory<byte> signatureValue,
        X509Certificate2 signerCertificate,
        ITimestampClient? timestamper = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(signerCertificate);
        if (!signerCertificate.RawData.AsSpan().SequenceEqual(state.Certificate))
        {
            throw new ArgumentException(
                $"The signer certificate '{signerCertificate.Subject}' (serial {signerCertificate.SerialNumber}) is not the certificate this signature was prepared for",
                nameof(signerCertificate));
        }

        if (state.Level >= PadesLevel.BaselineT && timestamper is null)
        {
            throw new ArgumentException($"The signature was prepared for {state.Level}, which needs a TSA", nameof(timestamper));
        }

        var chain = new X509Certificate2Collection();
        foreach (var der in state.Chain)
        {
            chain.Add(X509CertificateLoader.LoadCertificate(der));
        }

        var cadesOptions = CadesOptions(signerCertificate, chain, state.DigestAlgorithmName);

        // No signing-time attribute, so the attributes are a pure function of the byte-range digest and the certificate:
        // rebuilding them binds the stored attributes to the document the state describes.
        var expected = CadesSigner.Prepare(state.Document.Digest, cadesOptions).SignedAttributes;
        if (!expected.AsSpan().SequenceEqual(state.SignedAttributes))
        {
            throw new ArgumentException("The state's signed attributes do not match its document digest and certificate", nameof(state));
        }

        var request = CadesSignatureRequest.FromSignedAttributes(state.SignedAttributes, cadesOptions);
        var cms = request.Assemble(NormaliseSignature(signatureValue.Span, signerCertificate));
        if (state.Level >= PadesLevel.BaselineT)
        {
            cms = await CadesSigner.AddSignatureTimestampAsync(cms, timestamper!, cancellationToken).ConfigureAwait(false);
        }

        await PdfSigner.EmbedAsync(prepared, state.Document, cms, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The /Contents capacity reserved for these options: the real chain, the signature size and the timestamp allowance.</summary>
    /// <param name="options">The signing options.</param>
    public static int EstimateContentsBytes(PadesSignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<X509Certificate2> certificates = [options.Certificate, .. options.Chain];
        return SignatureSizeEstimator.EstimateContentsBytes(certificates, options.Level >= PadesLevel.BaselineT ? options.TimestampAllowance : 0);
    }

    private static async Task SignCoreAsync(Stream input, Stream output, AsymmetricAlgorithm key, PadesSignOptions options, CancellationToken cancellationToken)
    {
        var cadesOptions = CadesOptions(options.Certificate, options.Chain, options.DigestAlgorithm);

        // The estimate errs large; if a TSA still returns an outsized token, the document is prepared once more.
        await PdfSigner.SignGrowingOnceAsync(input, output, capacity => PdfOptions(options, capacity), EstimateContentsBytes(options),
            async (toSign, token) =>
            {
                var cms = CadesSigner.Prepare(toSign.Digest.Span, cadesOptions).SignWith(key);
                return options.Level >= PadesLevel.BaselineT
                    ? await CadesSigner.AddSignatureTimestampAsync(cms, options.Timestamper!, token).ConfigureAwait(false)
                    : cms;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static byte[] NormaliseSignature(ReadOnlySpan<byte> signature, X509Certificate2 certificate)
    {
        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is null)
        {
            return signature.ToArray();
        }

        // Tokens (CKM_ECDSA) return r||s; CMS carries DER.
        var fieldBytes = (ecdsa.KeySize + 7) / 8;
        return signature.Length == 2 * fieldBytes ? DerSignatureConverter.IeeeP1363ToDer(signature) : signature.ToArray();
    }

    private static CadesSignOptions CadesOptions(X509Certificate2 certificate, X509Certificate2Collection chain, HashAlgorithmName digest) => new()
    {
        Certificate = certificate,
        Chain = chain,
        DigestAlgorithm = digest,
        SigningTime = null,
    };

    private static PdfSignatureOptions PdfOptions(PadesSignOptions options, int capacity) => options.Pdf with
    {
        Format = PdfSignatureFormat.CadesDetached,
        ContentsCapacity = capacity,
        DigestAlgorithm = options.DigestAlgorithm,
    };

    private static PadesExtendOptions ExtendOptionsFor(PadesSignOptions options) => new()
    {
        Level = options.Level,
        Revocation = options.Revocation!,
        Timestamper = options.Timestamper,
        ExtraCertificates = [.. options.Chain, .. options.ValidationCertificates],
        IssuerFetcher = options.IssuerFetcher,
        ReaderLimits = options.Pdf.ReaderLimits,
    };

    /// <summary>
    /// The chain completed through AIA caIssuers when an <see cref="PadesSignOptions.IssuerFetcher"/> is set: the
    /// fetched CA certificates are embedded in the CMS, so the signature verifies from the root alone.
    /// </summary>
    private static async Task<PadesSignOptions> WithCompletedChainAsync(PadesSignOptions options, CancellationToken cancellationToken)
    {
        if (options.IssuerFetcher is not { } fetcher)
        {
            return options;
        }

        var fetched = await fetcher.CompleteAsync(options.Certificate, [.. options.Chain, .. options.ValidationCertificates], cancellationToken).ConfigureAwait(false);
        return fetched.Count == 0 ? options : options with { Chain = [.. options.Chain, .. fetched] };
    }

    private static void CheckOptions(PadesSignOptions options, bool forPrepare = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Certificate);
        ArgumentNullException.ThrowIfNull(options.Pdf);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TimestampAllowance, nameof(options));
        if (options.Level >= PadesLevel.BaselineT && options.Timestamper is null && !forPrepare)
        {
            throw new ArgumentException($"{options.Level} needs a TSA: set PadesSignOptions.Timestamper", nameof(options));
        }

        if (options.Level >= PadesLevel.BaselineLT && options.Revocation is null && !forPrepare)
        {
            throw new ArgumentException($"{options.Level} needs revocation sources: set PadesSignOptions.Revocation", nameof(options));
        }

        if (options.Pdf.Format != PdfSignatureFormat.CadesDetached)
        {
            throw new ArgumentException("A PAdES signature is /ETSI.CAdES.detached; use PadesExtender for document timestamps", nameof(options));
        }
    }
}
