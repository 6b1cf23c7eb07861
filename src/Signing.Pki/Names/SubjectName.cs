using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Signing.Pki.Names;

/// <summary>
/// A certificate subject as the GCC writes them (Decree 68/2024 practice): <c>CN=&lt;name&gt;, OU=&lt;unit&gt;,
/// O=&lt;agency&gt;, L=&lt;province&gt;, C=VN</c>, often with <c>E=</c>, and for individuals the personal ID in
/// <c>UID</c> (<c>CCCD:&lt;12 digits&gt;</c>). Text is Vietnamese with diacritics: every value is normalised to NFC and
/// encoded as UTF8String (the e-mail as IA5String, the country as PrintableString, as RFC 5280 requires).
/// </summary>
public sealed record SubjectName
{
    /// <summary>The userID attribute (RFC 4519), where GCC certificates carry <c>CCCD:</c> or <c>CMND:</c> numbers.</summary>
    public const string UserIdOid = "0.9.2342.19200300.100.1.1";

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationalUnitOid = "2.5.4.11";
    private const string OrganizationOid = "2.5.4.10";
    private const string LocalityOid = "2.5.4.7";
    private const string StateOid = "2.5.4.8";
    private const string CountryOid = "2.5.4.6";
    private const string EmailOid = "1.2.840.113549.1.9.1";
    private const int MaxTextLength = 2048;
    private const int MaxAttributes = 32;
    private const int MaxValueLength = 256;

    /// <summary>CN: the person's or agency's name.</summary>
    public required string CommonName { get; init; }

    /// <summary>OU: the unit (phòng, ban) of a person.</summary>
    public string? OrganizationalUnit { get; init; }

    /// <summary>O: the agency, or the parent body of an agency.</summary>
    public string? Organization { get; init; }

    /// <summary>L: the province (tỉnh, thành phố).</summary>
    public string? Locality { get; init; }

    /// <summary>ST: a state or province, where a subject carries it instead of L.</summary>
    public string? State { get; init; }

    /// <summary>C: the country, <c>VN</c>.</summary>
    public string? Country { get; init; } = "VN";

    /// <summary>E: the official e-mail.</summary>
    public string? Email { get; init; }

    /// <summary>UID: the personal ID as written, e.g. <c>CCCD:001099012345</c>.</summary>
    public string? PersonalId { get; init; }

    /// <summary>The 12-digit citizen ID number in <see cref="PersonalId"/>, or null.</summary>
    public string? CitizenIdNumber => PersonalId is { } id && id.StartsWith("CCCD:", StringComparison.OrdinalIgnoreCase)
        ? id[5..].Trim()
        : null;

    /// <summary>The DER name, most general attribute first (C, ST, L, O, OU, CN, UID, E), as CAs issue them.</summary>
    public X500DistinguishedName ToX500()
    {
        // The builder encodes the attributes in the reverse order of the calls: add the most specific first.
        var builder = new X500DistinguishedNameBuilder();
        if (Email is { Length: > 0 } email)
        {
            builder.AddEmailAddress(email);
        }

        AddUtf8(builder, UserIdOid, PersonalId);
        AddUtf8(builder, CommonNameOid, CommonName);
        AddUtf8(builder, OrganizationalUnitOid, OrganizationalUnit);
        AddUtf8(builder, OrganizationOid, Organization);
        AddUtf8(builder, LocalityOid, Locality);
        AddUtf8(builder, StateOid, State);
        if (Country is { Length: > 0 } country)
        {
            builder.AddCountryOrRegion(country);
        }

        return builder.Build();
    }

    /// <summary>The name as people read it, most specific first: <c>CN=…, OU=…, O=…, L=…, C=VN</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string label, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{label}={Escape(value)}");
            }
        }

        Add("CN", CommonName);
        Add("OU", OrganizationalUnit);
        Add("O", Organization);
        Add("L", Locality);
        Add("ST", State);
        Add("C", Country);
        Add("UID", PersonalId);
        Add("E", Email);
        return string.Join(", ", parts);
    }

    /// <summary>Reads the attributes of a certificate's name; unknown attributes are ignored, repeated ones joined by "; ".</summary>
    /// <exception cref="CryptographicException">The name is not valid DER.</exception>
    public static SubjectName FromX500(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            var oid = rdn.GetSingleElementType().Value ?? "";
            var value = rdn.GetSingleElementValue();
            if (value is null)
            {
                continue;
            }

            value = value.Normalize(NormalizationForm.FormC);
            values[oid] = values.TryGetValue(oid, out var earlier) ? $"{earlier}; {value}" : value;
        }

        return new SubjectName
        {
            CommonName = values.GetValueOrDefault(CommonNameOid, ""),
            OrganizationalUnit = values.GetValueOrDefault(OrganizationalUnitOid),
            Organization = values.GetValueOrDefault(OrganizationOid),
            Locality = values.GetValueOrDefault(LocalityOid),
            State = values.GetValueOrDefault(StateOid),
            Country = values.GetValueOrDefault(CountryOid),
            Email = values.GetValueOrDefault(EmailOid),
            PersonalId = values.GetValueOrDefault(UserIdOid),
        };
    }

    /// <summary>
    /// Parses a name written as text, in any order: <c>CN=Nguyễn Văn An, OU=Văn phòng, O=UBND xã Hòa Bình, L=Phú Thọ,
    /// C=VN, E=an@phutho.gov.vn</c>. Separators are commas or semicolons; a value may be quoted or escape a comma with a
    /// backslash. Labels: CN, OU, O, L, ST, C, E (or EMAIL), UID.
    /// </summary>
    /// <exception cref="FormatException">The text is not a name of those attributes, or lacks CN.</exception>
    public static SubjectName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength)
        {
            throw new FormatException($"A subject name has at most {MaxTextLength} characters.");
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (label, value) in SplitAttributes(text.Normalize(NormalizationForm.FormC)))
        {
            var key = label.ToUpperInvariant() switch
            {
                "CN" or "OU" or "O" or "L" or "ST" or "C" or "UID" => label.ToUpperInvariant(),
                "E" or "EMAIL" or "EMAILADDRESS" => "E",
                _ => throw new FormatException($"'{label}' is not a subject attribute this service writes; use CN, OU, O, L, ST, C, E or UID."),
            };
            if (value.Length == 0 || value.Length > MaxValueLength)
            {
                throw new FormatException($"{key} must have 1 to {MaxValueLength} characters.");
            }

            if (!attributes.TryAdd(key, value))
            {
                throw new FormatException($"{key} is given twice.");
            }
        }

        if (!attributes.TryGetValue("CN", out var commonName))
        {
            throw new FormatException("A subject name needs CN.");
        }

        if (attributes.TryGetValue("C", out var country) && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            throw new FormatException($"C must be a two-letter country code in capitals, such as VN; got '{country}'.");
        }

        return new SubjectName
        {
            CommonName = commonName,
            OrganizationalUnit = attributes.GetValueOrDefault("OU"),
            Organization = attributes.GetValueOrDefault("O"),
            Locality = attributes.GetValueOrDefault("L"),
            State = attributes.GetValueOrDefault("ST"),
            Country = attributes.GetValueOrDefault("C"),
            Email = attributes.GetValueOrDefault("E"),
            PersonalId = attributes.GetValueOrDefault("UID"),
        };
    }

    private static void AddUtf8(X500DistinguishedNameBuilder builder, string oid, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            builder.Add(oid, value.Normalize(NormalizationForm.FormC), UniversalTagNumber.UTF8String);
        }
    }

    private static string Escape(string value)
        => value.IndexOfAny([',', ';', '"', '\\', '=', '+']) >= 0 ? $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : value;

    private static IEnumerable<(string Label, string Value)> SplitAttributes(string text)
    {
        var position = 0;
        for (var count = 0; position < text.Length; count++)
        {
            if (count >= MaxAttributes)
            {
                throw new FormatException($"A subject name has at most {MaxAttributes} attributes.");
            }

            var equals = text.IndexOf('=', position);
            if (equals < 0)
            {
                if (string.IsNullOrWhiteSpace(text[position..]))
                {
                    yield break;
                }

                throw new FormatException($"'{text[position..].Trim()}' is not LABEL=value.");
            }

            var label = text[position..equals].Trim();
            var (value, next) = ReadValue(text, equals + 1);
            yield return (label, value);
            position = next;
        }
    }

    private static (string Value, int Next) ReadValue(string text, int start)
    {
        var value = new StringBuilder();
        var i = start;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        var quoted = i < text.Length && text[i] == '"';
        if (quoted)
        {
            i++;
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                value.Append(text[++i]);
            }
            else if (quoted && c == '"')
            {
                quoted = false;
            }
            else if (!quoted && c is ',' or ';')
            {
                return (value.ToString().Trim(), i + 1);
            }
            else
            {
                value.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException("A quoted value is not closed.");
        }

        return (value.ToString().Trim(), text.Length);
    }

    /// <summary>The attribute values as a display line, e.g. for tables: <c>Nguyễn Văn An (Văn phòng, UBND xã Hòa Bình)</c>.</summary>
    public string ToDisplayLine() => string.Join(", ", new[] { OrganizationalUnit, Organization }.Where(part => !string.IsNullOrEmpty(part))) is { Length: > 0 } where
        ? string.Create(CultureInfo.InvariantCulture, $"{CommonName} ({where})")
        : CommonName;
}
