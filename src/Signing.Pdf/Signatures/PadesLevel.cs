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

/// <summary>The names of the PAdES levels as people and APIs write them (<c>B-B</c>, <c>B-T</c>, <c>B-LT</c>, <c>B-LTA</c>).</summary>
public static class PadesLevelNames
{
    /// <summary>Every level name, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = ["B-B", "B-T", "B-LT", "B-LTA"];

    /// <summary>Reads a level name (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, out PadesLevel level)
    {
        switch (name?.Trim().ToUpperInvariant())
        {
            case "B-B":
                level = PadesLevel.BaselineB;
                return true;
            case "B-T":
                level = PadesLevel.BaselineT;
                return true;
            case "B-LT":
                level = PadesLevel.BaselineLT;
                return true;
            case "B-LTA":
                level = PadesLevel.BaselineLta;
                return true;
            default:
                level = PadesLevel.BaselineB;
                return false;
        }
    }

    /// <summary>The name of <paramref name="level"/>.</summary>
    public static string NameOf(PadesLevel level) => level switch
    {
        PadesLevel.BaselineT => "B-T",
        PadesLevel.BaselineLT => "B-LT",
        PadesLevel.BaselineLta => "B-LTA",
        _ => "B-B",
    };
}
