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
