using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signing.Pki.DevPki;

/// <summary>A certificate the dev CA issued.</summary>
internal sealed record IssuedCertificateRecord(string SerialHex, string Issuer, string Subject, DateTimeOffset NotAfter);

/// <summary>A revocation recorded by the dev CA.</summary>
internal sealed record RevocationRecord(string SerialHex, string Issuer, DateTimeOffset RevokedAt, string Reason);

/// <summary>The dev CA's persistent state (state.json): base URL, issued serials, revocations, CRL number.</summary>
internal sealed record DevPkiState
{
    internal const string FileName = "state.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public required string BaseUrl { get; init; }

    public string TsaPolicyOid { get; init; } = "0.4.0.2023.1.1";

    public int EndEntityValidityYears { get; init; } = 5;

    public string? CertificatePolicyOid { get; init; }

    public long CrlNumber { get; init; } = 1;

    public List<IssuedCertificateRecord> Issued { get; init; } = [];

    public List<RevocationRecord> Revoked { get; init; } = [];

    [JsonIgnore]
    internal static readonly object FileLock = new();

    internal static DevPkiState Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return JsonSerializer.Deserialize<DevPkiState>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{directory} is not a dev PKI directory (no {FileName}); run 'signing devpki init --out {directory}' first", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a dev PKI state file: {e.Message}", e);
        }
    }

    /// <summary>Writes via a temporary file and rename so a concurrent reader never sees half a file.</summary>
    internal void Save(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions));
        File.Move(temp, path, overwrite: true);
    }
}
