using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Signing.Pdf.Signatures;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>Whether a signature field holds a signature or a document timestamp.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PdfSignatureKind>))]
public enum PdfSignatureKind
{
    /// <summary>A CMS signature (/Type /Sig).</summary>
    [JsonStringEnumMemberName("SIGNATURE")]
    Signature,

    /// <summary>An RFC 3161 document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161).</summary>
    [JsonStringEnumMemberName("DOCUMENT_TIMESTAMP")]
    DocumentTimestamp,
}

/// <summary>How much of the file a /ByteRange covers.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ByteRangeCoverage>))]
public enum ByteRangeCoverage
{
    /// <summary>The whole file except the /Contents hex string.</summary>
    [JsonStringEnumMemberName("ENTIRE_FILE")]
    EntireFile,

    /// <summary>A whole earlier revision; later incremental updates follow and are judged by the modification analysis.</summary>
    [JsonStringEnumMemberName("ENTIRE_REVISION")]
    EntireRevision,

    /// <summary>The byte range is malformed or does not end at a revision boundary.</summary>
    [JsonStringEnumMemberName("UNCLEAR")]
    Unclear,
}

/// <summary>One object that differs between the revision a signature covers and the current document.</summary>
/// <param name="ObjectNumber">The object number.</param>
/// <param name="Change"><c>added</c>, <c>modified</c> or <c>deleted</c>.</param>
/// <param name="Description">What the object is and what changed, e.g. "content stream of page 1".</param>
/// <param name="Allowed">True when the signature's modification rules permit the change.</param>
/// <param name="Page">The 1-based page concerned, when known.</param>
public sealed record PdfModification(int ObjectNumber, string Change, string Description, bool Allowed, int? Page);

/// <summary>The validation of one signature or document timestamp of a PDF.</summary>
public sealed record PdfSignatureValidationReport
{
    /// <summary>The fully qualified field name.</summary>
    public required string FieldName { get; init; }

    /// <summary>Signature or document timestamp.</summary>
    public required PdfSignatureKind Kind { get; init; }

    /// <summary>The /SubFilter.</summary>
    public string? SubFilter { get; init; }

    /// <summary>The /ByteRange as written.</summary>
    public IReadOnlyList<long> ByteRange { get; init; } = [];

    /// <summary>The index of the revision the signature covers (0 = original document), or null when unclear.</summary>
    public int? Revision { get; init; }

    /// <summary>How much of the file the signature covers.</summary>
    public required ByteRangeCoverage Coverage { get; init; }

    /// <summary>The PAdES level reached, when the signature itself is intact and valid as far as it goes.</summary>
    public PadesLevel? Level { get; init; }

    /// <summary>The DocMDP permission (1, 2 or 3) that governed the modification analysis.</summary>
    public int? DocMdpPermission { get; init; }

    /// <summary>Every object changed after the covered revision, allowed or not.</summary>
    public IReadOnlyList<PdfModification> Modifications { get; init; } = [];

    /// <summary>The EN 319 102-1 style result: indication, sub-indication, signer, times, checks.</summary>
    public required ValidationReport Validation { get; init; }

    /// <summary>Shortcut to <see cref="ValidationReport.Indication"/>.</summary>
    public Indication Indication => Validation.Indication;

    /// <summary>Shortcut to <see cref="ValidationReport.SubIndication"/>.</summary>
    public SubIndication? SubIndication => Validation.SubIndication;
}

/// <summary>The validation of every signature and document timestamp in a PDF, with a one-line summary.</summary>
public sealed record PdfValidationReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>TOTAL_PASSED when every signature passed (and there is one), TOTAL_FAILED when any failed, else INDETERMINATE.</summary>
    public required Indication Indication { get; init; }

    /// <summary>Why the document could not be read at all, when it could not (then <see cref="Signatures"/> is empty).</summary>
    public string? FormatProblem { get; init; }

    /// <summary>One line for the whole document, e.g. "2 signatures: 2 TOTAL_PASSED".</summary>
    public required string Summary { get; init; }

    /// <summary>The file length in bytes.</summary>
    public long FileLength { get; init; }

    /// <summary>The number of revisions (original plus incremental updates).</summary>
    public int RevisionCount { get; init; }

    /// <summary>Signatures and document timestamps in field order.</summary>
    public IReadOnlyList<PdfSignatureValidationReport> Signatures { get; init; } = [];

    /// <summary>Serialises the report as indented JSON with EN 319 102-1 indication strings.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
