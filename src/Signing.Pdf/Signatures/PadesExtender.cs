using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf.Signatures.Internal;
using Signing.Pki.Revocation;

namespace Signing.Pdf.Signatures;

/// <summary>
/// Lifts a signed PDF (ours or anyone's) to B-LT (a /DSS revision with certificates, OCSP responses and CRLs, and a /VRI
/// entry per signature) and B-LTA (then a document timestamp revision, /SubFilter /ETSI.RFC3161).
/// </summary>
public static class PadesExtender
{
    private const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";
    private const int MaxCertificatesPerDocument = 1000;

    /// <summary>Adds the B-LT revision, and for B-LTA the document timestamp, writing the result to <paramref name="output"/>.</summary>
    /// <param name="input">The signed document: readable and seekable.</param>
    /// <param name="output">An empty readable, writable, seekable stream.</param>
    /// <param name="options">Level, revocation sources, TSA.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="LtvDataUnavailableException">No signature, or no usable revocation answer for a certificate.</exception>
    public static async Task ExtendAsync(Stream input, Stream output, PadesExtendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Revocation);
        if (options.Level is not (PadesLevel.BaselineLT or PadesLevel.BaselineLta))
        {
            throw new ArgumentException($"Extend to BaselineLT or BaselineLta, not {options.Level}", nameof(options));
        }

        if (options.Level == PadesLevel.BaselineLta && options.Timestamper is null)
        {
            throw new ArgumentException("B-LTA needs a TSA for the document timestamp", nameof(options));
        }

        if (options.Level == PadesLevel.BaselineLT)
        {
            await AddValidationDataAsync(input, output, options, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var withDss = PdfScratchFile.Create("extend");
        await AddValidationDataAsync(input, withDss, options, cancellationToken).ConfigureAwait(false);
        await AddDocumentTimestampAsync(withDss, output, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds one document timestamp revision (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161).</summary>
    /// <param name="input">The document: readable and seekable.</param>
    /// <param name="output">An empty readable, writable, seekable stream.</param>
    /// <param name="options">Needs <see cref="PadesExtendOptions.Timestamper"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task AddDocumentTimestampAsync(Stream input, Stream output, PadesExtendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var timestamper = options.Timestamper ?? throw new ArgumentException("A document timestamp needs a TSA", nameof(options));
        await PdfSigner.SignGrowingOnceAsync(input, output,
            capacity => new PdfSignatureOptions { Format = PdfSignatureFormat.DocumentTimestamp, ContentsCapacity = capacity, ReaderLimits = options.ReaderLimits },
            options.DocumentTimestampCapacity,
            async (toSign, token) =>
            {
                var timestamp = await timestamper.TimestampHashAsync(toSign.Digest, toSign.DigestAlgorithm, token).ConfigureAwait(false);
                return timestamp.AsSignedCms().Encode();
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task AddValidationDataAsync(Stream input, Stream output, PadesExtendOptions options, CancellationToken cancellationToken)
    {
        var reader = PdfReader.Open(input, options.ReaderLimits);
        var signedFields = SignatureFieldWalker.SignedFields(reader);
        if (signedFields.Count == 0)
        {
            throw new LtvDataUnavailableException("The document has no signature to extend");
        }

        var writer = new PdfIncrementalWriter(reader);
        var store = new DssStore(reader, writer);
        var checkedCertificates = new Dictionary<string, (List<PdfReference> Ocsps, List<PdfReference> Crls)>(StringComparer.Ordinal);
        foreach (var field in signedFields)
        {
            if (reader.Resolve(field.Signature["Contents"]) is not PdfString contents)
            {
                throw new PdfFormatException($"The signature of field '{field.FieldName}' has no /Contents string");
            }

            var pool = new X509Certificate2Collection();
            pool.AddRange(options.ExtraCertificates);
            var signers = ReadSigners(contents.Bytes, field.FieldName, pool);
            var vri = new VriEntry();
            foreach (var signer in signers)
            {
                if (options.IssuerFetcher is { } fetcher)
                {
                    pool.AddRange((await fetcher.CompleteAsync(signer, pool, cancellationToken).ConfigureAwait(false)).ToArray());
                }

                foreach (var (certificate, issuer) in Path(signer, pool))
                {
                    vri.Certificates.Add(store.Certificate(certificate));
                    if (issuer is null)
                    {
                        continue;
                    }

                    if (!checkedCertificates.TryGetValue(certificate.Thumbprint, out var evidence))
                    {
                        evidence = await RevocationEvidenceAsync(certificate, issuer, options.Revocation, store, cancellationToken).ConfigureAwait(false);
                        checkedCertificates[certificate.Thumbprint] = evidence;
                    }

                    vri.Ocsps.AddRange(evidence.Ocsps);
                    vri.Crls.AddRange(evidence.Crls);
                }
            }

            // ETSI EN 319 142-1 §5.4.2.2: the VRI key is the uppercase hex SHA-1 of the signature's /Contents value.
            store.AddVri(Convert.ToHexString(SHA1.HashData(contents.Bytes)), vri);
        }

        store.Commit();
        await writer.WriteToAsync(output, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        output.Position = 0;
    }

    private static async Task<(List<PdfReference> Ocsps, List<PdfReference> Crls)> RevocationEvidenceAsync(
        X509Certificate2 certificate, X509Certificate2 issuer, RevocationChecker revocation, DssStore store, CancellationToken cancellationToken)
    {
        var result = await revocation.CheckAsync(certificate, issuer, cancellationToken).ConfigureAwait(false);
        if (result.Evidence is not { } evidence)
        {
            throw new LtvDataUnavailableException(
                $"No usable revocation data for '{certificate.Subject}' (serial {certificate.SerialNumber}): {result.Source}: {result.Problem ?? result.Status.ToString()}");
        }

        return result.Source.StartsWith("OCSP", StringComparison.Ordinal)
            ? ([store.Ocsp(evidence)], [])
            : ([], [store.Crl(evidence)]);
    }

    /// <summary>The signer certificates of a /Contents CMS and of the signature-time-stamp tokens inside it; adds embedded certificates to the pool.</summary>
    private static List<X509Certificate2> ReadSigners(byte[] contents, string fieldName, X509Certificate2Collection pool)
    {
        var signers = new List<X509Certificate2>();
        var cms = DecodeCms(contents, $"the /Contents of field '{fieldName}'");
        pool.AddRange(cms.Certificates);
        foreach (var signerInfo in cms.SignerInfos)
        {
            if (signerInfo.Certificate is { } certificate)
            {
                signers.Add(certificate);
            }

            foreach (var attribute in signerInfo.UnsignedAttributes)
            {
                if (attribute.Oid.Value != SignatureTimeStampOid)
                {
                    continue;
                }

                foreach (var value in attribute.Values)
                {
                    var token = DecodeCms(value.RawData, $"a signature-time-stamp in field '{fieldName}'");
                    pool.AddRange(token.Certificates);
                    signers.AddRange(token.SignerInfos.Cast<SignerInfo>().Select(s => s.Certificate).OfType<X509Certificate2>());
                }
            }

            if (pool.Count > MaxCertificatesPerDocument)
            {
                throw new PdfFormatException($"The signature of field '{fieldName}' carries more than {MaxCertificatesPerDocument} certificates");
            }
        }

        return signers;
    }

    private static SignedCms DecodeCms(ReadOnlySpan<byte> padded, string what)
    {
        try
        {
            // /Contents is zero-padded after the DER: decode exactly the first value.
            AsnDecoder.ReadEncodedValue(padded, AsnEncodingRules.BER, out _, out _, out var consumed);
            var cms = new SignedCms();
            cms.Decode(padded[..consumed]);
            return cms;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new PdfFormatException($"{what} is not a CMS SignedData: {e.Message}");
        }
    }

    /// <summary>The certificate path from <paramref name="leaf"/> upwards, each with its issuer (null for a self-signed anchor or an unknown issuer).</summary>
    private static List<(X509Certificate2 Certificate, X509Certificate2? Issuer)> Path(X509Certificate2 leaf, X509Certificate2Collection pool)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllFlags;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ExtraStore.AddRange(pool);
        foreach (var candidate in pool)
        {
            if (candidate.SubjectName.RawData.AsSpan().SequenceEqual(candidate.IssuerName.RawData))
            {
                chain.ChainPolicy.CustomTrustStore.Add(candidate);
            }
        }

        chain.Build(leaf);
        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        var path = new List<(X509Certificate2, X509Certificate2?)>();
        for (var i = 0; i < elements.Count; i++)
        {
            var selfSigned = elements[i].SubjectName.RawData.AsSpan().SequenceEqual(elements[i].IssuerName.RawData);
            path.Add((elements[i], selfSigned || i + 1 >= elements.Count ? null : elements[i + 1]));
        }

        if (path.Count > 0 && path[^1].Item2 is null && !path[^1].Item1.SubjectName.RawData.AsSpan().SequenceEqual(path[^1].Item1.IssuerName.RawData))
        {
            throw new LtvDataUnavailableException(
                $"The issuer of '{path[^1].Item1.Subject}' is neither embedded in the signature nor among the extra certificates; pass it to complete the path");
        }

        return path;
    }
}
