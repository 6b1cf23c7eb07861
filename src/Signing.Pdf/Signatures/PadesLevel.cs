namespace Signing.Pdf.Signatures;

/// <summary>The PAdES baseline levels (ETSI EN 319 142-1 §6).</summary>
public enum PadesLevel
{
    /// <summary>B-B: a CAdES-detached signature with ESS signing-certificate-v2; the time is the dictionary's /M.</summary>
    BaselineB,

    /// <summary>B-T: B-B plus a signature-time-stamp from a TSA.</summary>
    BaselineT,

    /// <summary>B-LT: B-T plus a /DSS revision with the certificates and the OCSP responses or CRLs to validate it.</summary>
    BaselineLT,

    /// <summary>B-LTA: B-LT plus a document timestamp revision.</summary>
    BaselineLta,
}
