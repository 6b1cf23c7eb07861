using System.Text.Json.Serialization;

namespace Signing.Pdf.Signatures;

/// <summary>The PAdES baseline levels (ETSI EN 319 142-1 §6): what a signer produces and what a validator finds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PadesLevel>))]
public enum PadesLevel
{
    /// <summary>B-B: a CAdES-detached signature with ESS signing-certificate-v2; the time is the dictionary's /M.</summary>
    [JsonStringEnumMemberName("B-B")]
    BaselineB,

    /// <summary>B-T: B-B plus a signature-time-stamp from a TSA.</summary>
    [JsonStringEnumMemberName("B-T")]
    BaselineT,

    /// <summary>B-LT: B-T plus a /DSS revision with the certificates and the OCSP responses or CRLs to validate it.</summary>
    [JsonStringEnumMemberName("B-LT")]
    BaselineLT,

    /// <summary>B-LTA: B-LT plus a document timestamp revision.</summary>
    [JsonStringEnumMemberName("B-LTA")]
    BaselineLta,
}
