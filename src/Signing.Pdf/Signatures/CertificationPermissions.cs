namespace Signing.Pdf.Signatures;

/// <summary>The /P value of a certification (DocMDP) signature: which later changes keep it valid (ISO 32000-1 table 254).</summary>
public enum CertificationPermissions
{
    /// <summary>P = 1: no changes at all; no further signature may be added.</summary>
    NoChanges = 1,

    /// <summary>P = 2: filling forms, instantiating page templates and signing.</summary>
    FormFillingAndSigning = 2,

    /// <summary>P = 3: as 2, plus annotation creation, deletion and modification.</summary>
    FormFillingAnnotationsAndSigning = 3,
}

/// <summary>Reads whether a document is certified (DocMDP, ISO 32000-1 §12.8.2.2) and what changes it still allows.</summary>
public static class DocumentCertification
{
    /// <summary>The permissions of <paramref name="pdf"/>'s certification signature, or null when it is not certified.</summary>
    /// <exception cref="PdfFormatException">The document cannot be read.</exception>
    public static CertificationPermissions? Read(Stream pdf, PdfReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var reader = PdfReader.Open(pdf, limits);
        try
        {
            return Internal.DocMdpPolicy.ExistingCertification(reader);
        }
        finally
        {
            pdf.Position = 0;
        }
    }
}
