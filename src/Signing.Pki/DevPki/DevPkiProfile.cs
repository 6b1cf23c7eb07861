using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signing.Pki.DevPki;

/// <summary>One certificate declared in the dev PKI profile.</summary>
/// <param name="Subject">The DN, e.g. <c>CN=…, O=…, C=VN</c> (attributes CN, OU, O, L, ST, C, E).</param>
/// <param name="ValidityYears">Validity in years.</param>
public sealed record DevPkiCertificateProfile(string Subject, int ValidityYears);

/// <summary>An example end-entity certificate generated at init.</summary>
/// <param name="Name">File stem, e.g. <c>official</c> gives official.pem and official.key.</param>
/// <param name="Subject">The DN.</param>
public sealed record DevPkiExampleProfile(string Name, string Subject);

/// <summary>The declarative dev PKI (certs-dev/profile.json).</summary>
public sealed record DevPkiProfile
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>RSA key size for every key.</summary>
    public int KeySize { get; init; } = 2048;

    /// <summary>The root CA.</summary>
    public required DevPkiCertificateProfile Root { get; init; }

    /// <summary>The issuing CA.</summary>
    [JsonPropertyName("subCa")]
    public required DevPkiCertificateProfile SubCa { get; init; }

    /// <summary>The time-stamping unit.</summary>
    public required DevPkiCertificateProfile Tsa { get; init; }

    /// <summary>The delegated OCSP responder.</summary>
    public required DevPkiCertificateProfile Ocsp { get; init; }

    /// <summary>Validity of certificates issued from CSRs (Decree 68: at most 5 years).</summary>
    public int EndEntityValidityYears { get; init; } = 5;

    /// <summary>TSA policy OID put in every TSTInfo.</summary>
    public string TsaPolicyOid { get; init; } = "0.4.0.2023.1.1";

    /// <summary>Certificate policy OID in issued certificates; null leaves the extension out.</summary>
    public string? CertificatePolicyOid { get; init; }

    /// <summary>Example end-entity certificates made at init.</summary>
    public IReadOnlyList<DevPkiExampleProfile> Examples { get; init; } = [];

    /// <summary>Reads a profile file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid profile.</exception>
    public static DevPkiProfile Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DevPkiProfile>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: empty profile");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a dev PKI profile: {e.Message}", e);
        }
    }

    /// <summary>The profile shipped in certs-dev/profile.json, embedded so the CLI works from any directory.</summary>
    public static DevPkiProfile Default { get; } = new()
    {
        Root = new("CN=RootCA chuyên dùng Chính phủ G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", 20),
        SubCa = new("CN=CA phục vụ các cơ quan Nhà nước G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", 15),
        Tsa = new("CN=Dịch vụ cấp dấu thời gian G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", 5),
        Ocsp = new("CN=OCSP CA phục vụ các cơ quan Nhà nước G2 (DEV), O=Ban Cơ yếu Chính phủ, C=VN", 2),
        CertificatePolicyOid = "2.5.29.32.0",
        Examples =
        [
            new("agency", "CN=ỦY BAN NHÂN DÂN XÃ TÂN HIỆP, O=ỦY BAN NHÂN DÂN TỈNH AN GIANG, L=An Giang, C=VN"),
            new("official", "CN=Nguyễn Văn An, OU=Văn phòng, O=ỦY BAN NHÂN DÂN XÃ TÂN HIỆP, L=An Giang, C=VN, E=nguyenvanan@tanhiep.angiang.gov.vn"),
        ],
    };

    /// <summary>
    /// Parses a profile DN (most specific first, as people write it) into an X.500 name whose
    /// display order matches, with UTF-8 strings for Vietnamese text.
    /// </summary>
    /// <exception cref="FormatException">Unknown attribute or missing '='.</exception>
    public static X500DistinguishedName ParseSubject(string subject)
    {
        var parts = subject.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 16)
        {
            throw new FormatException($"Subject '{subject}' must have 1 to 16 attributes.");
        }

        var builder = new X500DistinguishedNameBuilder();

        // The builder's display order is the order attributes are added, so keep the written order.
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Subject '{subject}': '{part}' is not KEY=value.");
            }

            var value = part[(eq + 1)..].Trim();
            switch (part[..eq].Trim().ToUpperInvariant())
            {
                case "CN": builder.AddCommonName(value); break;
                case "OU": builder.AddOrganizationalUnitName(value); break;
                case "O": builder.AddOrganizationName(value); break;
                case "L": builder.AddLocalityName(value); break;
                case "ST": builder.AddStateOrProvinceName(value); break;
                case "C": builder.AddCountryOrRegion(value); break;
                case "E": builder.AddEmailAddress(value); break;
                default: throw new FormatException($"Subject '{subject}': attribute '{part[..eq]}' is not supported (use CN, OU, O, L, ST, C, E).");
            }
        }

        return builder.Build();
    }
}
