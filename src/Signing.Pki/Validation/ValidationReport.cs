using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signing.Pki.Validation;

/// <summary>One check performed during validation.</summary>
/// <param name="Name">What was checked, e.g. <c>message-digest</c>.</param>
/// <param name="Outcome">Its outcome.</param>
/// <param name="Detail">A short factual detail.</param>
public sealed record ValidationCheck(string Name, CheckOutcome Outcome, string Detail);

/// <summary>
/// The result of validating one signature, shaped after ETSI EN 319 102-1: indication,
/// sub-indication, the signer, the times, and every check performed.
/// </summary>
public sealed record ValidationReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The main status.</summary>
    public required Indication Indication { get; init; }

    /// <summary>Why, when not TOTAL_PASSED.</summary>
    public SubIndication? SubIndication { get; init; }

    /// <summary>The signer's subject common name.</summary>
    public string? SignerName { get; init; }

    /// <summary>The signer's full subject DN.</summary>
    public string? SignerSubject { get; init; }

    /// <summary>The signing certificate, base64 DER.</summary>
    public string? SignerCertificate { get; init; }

    /// <summary>The signing-time the signer claims (signed attribute), if any.</summary>
    public DateTimeOffset? ClaimedSigningTime { get; init; }

    /// <summary>The genTime of a valid signature timestamp, if any: proof the signature existed then.</summary>
    public DateTimeOffset? TimestampTime { get; init; }

    /// <summary>The checks in the order they ran.</summary>
    public IReadOnlyList<ValidationCheck> Checks { get; init; } = [];

    /// <summary>Plain-language explanation of the indication.</summary>
    public Explanation IndicationExplanation => IndicationExplanations.For(Indication);

    /// <summary>Plain-language explanation of the sub-indication, if any.</summary>
    public Explanation? SubIndicationExplanation => SubIndication is { } s ? IndicationExplanations.For(s) : null;

    /// <summary>Serialises the report with EN 319 102-1 indication strings (e.g. <c>"TOTAL_PASSED"</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
