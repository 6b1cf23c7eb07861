using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>
/// Validates every signature and document timestamp of a PDF: byte-range coverage, the CMS (streamed digest, signature
/// value, ESS signing certificate), timestamps, the certificate path to the configured anchors, revocation (the
/// document's DSS and configured CRLs first, then online if enabled), and changes made after signing.
/// Expected outcomes are reported, never thrown; a file that cannot be parsed at all gives a FORMAT_FAILURE report.
/// </summary>
public sealed partial class PdfSignatureValidator
{
    private const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";
    private const int MaxFieldDepth = 32;
    private const int MaxFields = 10_000;

    private readonly PdfValidationOptions options;
    private readonly CertificatePathValidator pathValidator;
    private readonly List<CertificateRevocationList> configuredCrls;

    /// <summary>Creates a validator.</summary>
    /// <param name="options">Trust anchors, revocation sources and limits.</param>
    public PdfSignatureValidator(PdfValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;

        // Revocation is judged here (DSS and configured CRLs first), so the path validator only builds and checks chains.
        pathValidator = new CertificatePathValidator(options.TrustAnchors, null);
        configuredCrls = [.. options.Crls.Select(c => CertificateRevocationList.Decode(c))];
    }

    /// <summary>Validates the PDF in <paramref name="pdf"/> (readable and seekable; the caller keeps owning it).</summary>
    /// <param name="pdf">The document.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task<PdfValidationReport> ValidateAsync(Stream pdf, CancellationToken cancellationToken = default)
        => ValidateCoreAsync(pdf, newestOnly: false, cancellationToken);

    /// <summary>
    /// Validates only the newest signature of <paramref name="pdf"/>, the one whose byte range reaches furthest, and
    /// counts the others without validating them: for a caller that already knows the revision before it (checked
    /// when it was made, and byte for byte the start of this one), so that only what was appended needs judging.
    /// </summary>
    /// <returns>
    /// The report, whose <see cref="PdfValidationReport.Signatures"/> holds the newest signature alone; how many
    /// signatures the document has; and the reader it was read with (null when it could not be read), whose parsed
    /// objects the caller's own look at the document can reuse.
    /// </returns>
    internal async Task<(PdfValidationReport Report, int SignatureCount, PdfReader? Reader)> ValidateNewestAsync(Stream pdf, CancellationToken cancellationToken)
    {
        var count = 0;
        PdfReader? reader = null;
        var report = await ValidateCoreAsync(pdf, newestOnly: true, cancellationToken, (opened, fieldCount) => (reader, count) = (opened, fieldCount)).ConfigureAwait(false);
        return (report, count, reader);
    }

    private async Task<PdfValidationReport> ValidateCoreAsync(
        Stream pdf, bool newestOnly, CancellationToken cancellationToken, Action<PdfReader, int>? opened = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        PdfReader reader;
        List<SignatureField> fields;
        DssContent dss;
        try
        {
            reader = PdfReader.Open(pdf, options.ReaderLimits, PdfDecryption.EmptyUserPassword);
            fields = FindSignatureFields(reader);
            dss = LoadDss(reader);
        }
        catch (Exception e) when (e is PdfFormatException or PdfEncryptedException)
        {
            return new PdfValidationReport
            {
                Indication = Indication.TotalFailed,
                FormatProblem = e.Message,
                Summary = "FORMAT_FAILURE: " + e.Message,
                FileLength = pdf.CanSeek ? pdf.Length : 0,
            };
        }

        var context = new DocumentContext(pdf, reader, dss);
        var parsed = new List<ParsedSignature>();
        if (fields.Count > options.MaxSignatures)
        {
            return new PdfValidationReport
            {
                Indication = Indication.TotalFailed,
                FormatProblem = $"The document has {fields.Count} signature fields, more than the limit of {options.MaxSignatures}",
                Summary = $"FORMAT_FAILURE: more than {options.MaxSignatures} signatures",
                FileLength = reader.Length,
                RevisionCount = reader.Revisions.Count,
            };
        }

        opened?.Invoke(reader, fields.Count);
        if (newestOnly && fields.Count > 1)
        {
            fields = [fields.MaxBy(field => EndOfByteRange(reader, field.Signature))!];
        }

        foreach (var field in fields)
        {
            try
            {
                parsed.Add(await ValidateFieldAsync(context, field, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is PdfFormatException or PdfEncryptedException or IOException)
            {
                // Structure broken around this signature (its revision, the objects compared): this signature fails, the others are still judged.
                parsed.Add(new ParsedSignature(
                    new PdfSignatureValidationReport
                    {
                        FieldName = field.Name,
                        Kind = PdfSignatureKind.Signature,
                        SubFilter = (field.Signature["SubFilter"] as PdfName)?.Value,
                        Coverage = ByteRangeCoverage.Unclear,
                        Validation = new ValidationReport
                        {
                            Indication = Indication.TotalFailed,
                            SubIndication = SubIndication.FormatFailure,
                            Checks = [new ValidationCheck("format", CheckOutcome.Failed, e.Message)],
                        },
                    },
                    null));
            }
        }


        // A document timestamp is proof of existence for every signature in the revisions it covers.
        var documentTimestamps = parsed
            .Where(p => p.Report.Kind == PdfSignatureKind.DocumentTimestamp && p.Report.Indication == Indication.TotalPassed && p.Report.Revision is not null)
            .ToList();
        var reports = new List<PdfSignatureValidationReport>();
        foreach (var signature in parsed)
        {
            reports.Add(signature.Finish is null
                ? signature.Report
                : await signature.Finish(documentTimestamps, cancellationToken).ConfigureAwait(false));
        }

        return new PdfValidationReport
        {
            Indication = Overall(reports),
            Summary = Summarize(reports),
            FileLength = reader.Length,
            RevisionCount = reader.Revisions.Count,
            Signatures = reports,
        };
    }

    private static Indication Overall(List<PdfSignatureValidationReport> reports) =>
        reports.Count == 0 ? Indication.Indeterminate
        : reports.Any(r => r.Indication == Indication.TotalFailed) ? Indication.TotalFailed
        : reports.All(r => r.Indication == Indication.TotalPassed) ? Indication.TotalPassed
        : Indication.Indeterminate;

    private static string Summarize(List<PdfSignatureValidationReport> reports)
    {
        if (reports.Count == 0)
        {
            return "No signatures or document timestamps found";
        }

        var signatures = reports.Count(r => r.Kind == PdfSignatureKind.Signature);
        var timestamps = reports.Count - signatures;
        var counts = reports
            .GroupBy(r => r.Indication + (r.SubIndication is { } s ? "/" + s : string.Empty))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {Label(g.First())}"));
        var changed = reports.Any(r => r.Modifications.Any(m => !m.Allowed)) ? "; the document was modified after signing in ways not allowed" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{signatures} signature(s), {timestamps} document timestamp(s): {string.Join(", ", counts)}{changed}");

        static string Label(PdfSignatureValidationReport r) =>
            System.Text.Json.JsonSerializer.Serialize(r.Indication).Trim('"') + (r.SubIndication is { } s ? "/" + System.Text.Json.JsonSerializer.Serialize(s).Trim('"') : string.Empty);
    }

    // Where a signature's byte range ends, as the file states it; 0 when the range is not four numbers.
    private static long EndOfByteRange(PdfReader reader, PdfDictionary signature)
        => reader.Resolve(signature["ByteRange"]) is PdfArray { Items.Count: 4 } range
            && reader.Resolve(range.Items[2]) is PdfInteger start && reader.Resolve(range.Items[3]) is PdfInteger length
                ? start.Value + length.Value
                : 0;

    private static List<SignatureField> FindSignatureFields(PdfReader reader)
    {
        var result = new List<SignatureField>();
        if (reader.Resolve(reader.Catalog["AcroForm"]) is not PdfDictionary acroForm || reader.Resolve(acroForm["Fields"]) is not PdfArray fields)
        {
            return result;
        }

        var visited = new HashSet<int>();
        var pending = new Stack<(PdfObject Field, string Prefix, string? InheritedType, int Depth)>();
        foreach (var field in Enumerable.Reverse(fields.Items))
        {
            pending.Push((field, string.Empty, null, 0));
        }

        while (pending.Count > 0)
        {
            var (value, prefix, inheritedType, depth) = pending.Pop();
            if (depth > MaxFieldDepth || visited.Count > MaxFields)
            {
                throw new PdfFormatException($"The form field tree is deeper than {MaxFieldDepth} levels or has more than {MaxFields} fields");
            }

            if (value is PdfReference reference && !visited.Add(reference.ObjectNumber))
            {
                continue;
            }

            if (reader.Resolve(value) is not PdfDictionary field)
            {
                continue;
            }

            var name = field["T"] is PdfString t ? (prefix.Length == 0 ? t.ToText() : prefix + "." + t.ToText()) : prefix;
            var fieldType = (field["FT"] as PdfName)?.Value ?? inheritedType;
            if (reader.Resolve(field["Kids"]) is PdfArray kids && kids.Items.Any(k => reader.Resolve(k) is PdfDictionary d && d["T"] is not null))
            {
                foreach (var kid in Enumerable.Reverse(kids.Items))
                {
                    pending.Push((kid, name, fieldType, depth + 1));
                }

                continue;
            }

            if (fieldType == "Sig" && reader.Resolve(field["V"]) is PdfDictionary signature)
            {
                result.Add(new SignatureField(name, signature, (field["V"] as PdfReference)?.ObjectNumber));
            }
        }

        AddUnreachableSignatures(reader, result);
        return result;
    }

    /// <summary>
    /// Signature dictionaries that no signature field leads to (a damaged or hidden field) are validated too, so that
    /// breaking the field tree cannot make a signature silently disappear from the report.
    /// </summary>
    private static void AddUnreachableSignatures(PdfReader reader, List<SignatureField> found)
    {
        var known = found.Where(f => f.ObjectNumber is not null).Select(f => f.ObjectNumber!.Value).ToHashSet();
        foreach (var reference in reader.ObjectReferences)
        {
            if (known.Contains(reference.ObjectNumber))
            {
                continue;
            }

            if (reader.GetObject(reference) is PdfDictionary dictionary && dictionary["ByteRange"] is PdfArray && dictionary["Contents"] is PdfString
                && (dictionary["Type"] is PdfName { Value: "Sig" or "DocTimeStamp" } || dictionary["SubFilter"] is PdfName || dictionary["Filter"] is PdfName))
            {
                found.Add(new SignatureField(string.Create(CultureInfo.InvariantCulture, $"(no field: object {reference.ObjectNumber})"), dictionary, reference.ObjectNumber));
            }
        }
    }

    private static DssContent LoadDss(PdfReader reader)
    {
        var certificates = new X509Certificate2Collection();
        var crls = new List<CertificateRevocationList>();
        var ocsps = new List<EmbeddedOcspResponse>();
        if (reader.Resolve(reader.Catalog["DSS"]) is not PdfDictionary dss)
        {
            return new DssContent(false, certificates, crls, ocsps);
        }

        // The top-level arrays and the per-signature VRI entries; the same stream may appear in both.
        var sources = new List<PdfDictionary> { dss };
        if (reader.Resolve(dss["VRI"]) is PdfDictionary vri)
        {
            sources.AddRange(vri.Entries.Take(1000).Select(e => reader.Resolve(e.Value)).OfType<PdfDictionary>());
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var data in Streams(reader, source["Certs"]).Concat(Streams(reader, source["Cert"])))
            {
                TryAdd(seen, data, () => certificates.Add(SharedCertificates.Load(data)));
            }

            foreach (var data in Streams(reader, source["CRLs"]).Concat(Streams(reader, source["CRL"])))
            {
                TryAdd(seen, data, () => crls.Add(CertificateRevocationList.Decode(data)));
            }

            foreach (var data in Streams(reader, source["OCSPs"]).Concat(Streams(reader, source["OCSP"])))
            {
                TryAdd(seen, data, () => ocsps.Add(EmbeddedOcspResponse.Decode(data)));
            }
        }

        return new DssContent(true, certificates, crls, ocsps);
    }

    /// <summary>Unreadable validation data is simply not used; the signatures are then judged without it.</summary>
    private static void TryAdd(HashSet<string> seen, byte[] data, Action add)
    {
        if (!seen.Add(Convert.ToBase64String(SHA256.HashData(data))))
        {
            return;
        }

        try
        {
            add();
        }
        catch (Exception e) when (e is CryptographicException or MalformedPkiDataException or AsnContentException)
        {
        }
    }

    private static IEnumerable<byte[]> Streams(PdfReader reader, PdfObject? array)
    {
        if (reader.Resolve(array) is not PdfArray items)
        {
            yield break;
        }

        foreach (var item in items.Items.Take(10_000))
        {
            if (reader.Resolve(item) is PdfStream stream)
            {
                yield return reader.DecodeStream(stream, 16 * 1024 * 1024);
            }
        }
    }

    private sealed record SignatureField(string Name, PdfDictionary Signature, int? ObjectNumber);

    private sealed record DssContent(bool Present, X509Certificate2Collection Certificates, List<CertificateRevocationList> Crls, List<EmbeddedOcspResponse> Ocsps);

    private sealed record DocumentContext(Stream File, PdfReader Reader, DssContent Dss);

    /// <summary>A signature after the document-level checks; <see cref="Finish"/> adds the trust checks once document timestamps are known.</summary>
    private sealed record ParsedSignature(
        PdfSignatureValidationReport Report,
        Func<List<ParsedSignature>, CancellationToken, Task<PdfSignatureValidationReport>>? Finish);
}
