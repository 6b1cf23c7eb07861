namespace Signing.Pdf.Signatures;

/// <summary>The signature dictionary's /Type and /SubFilter: a PAdES signature or a document timestamp.</summary>
/// <param name="Type">The /Type value: <c>Sig</c> or <c>DocTimeStamp</c>.</param>
/// <param name="SubFilter">The /SubFilter value.</param>
public sealed record PdfSignatureFormat(string Type, string SubFilter)
{
    /// <summary>A PAdES signature: /Type /Sig, /SubFilter /ETSI.CAdES.detached (ETSI EN 319 142-1).</summary>
    public static PdfSignatureFormat CadesDetached { get; } = new("Sig", "ETSI.CAdES.detached");

    /// <summary>A document timestamp: /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161 (ISO 32000-2 §12.8.5).</summary>
    public static PdfSignatureFormat DocumentTimestamp { get; } = new("DocTimeStamp", "ETSI.RFC3161");
}
