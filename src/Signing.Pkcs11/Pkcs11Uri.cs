using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Signing.Pkcs11;

/// <summary>
/// A PKCS#11 URI (RFC 7512) naming a token and an object on it, e.g.
/// <c>pkcs11:token=dev;object=seal;type=private</c> or <c>pkcs11:token=dev;id=%01%02</c>.
/// Values are percent-decoded UTF-8; <see cref="Id"/> is raw bytes. PINs are not accepted in
/// URIs: a <c>pin-value</c> query attribute is rejected.
/// </summary>
public sealed record Pkcs11Uri
{
    private const string Scheme = "pkcs11:";
    private const int MaxLength = 4096;
    private const int MaxAttributes = 32;

    /// <summary>The token label (<c>token=</c>).</summary>
    public string? Token { get; init; }

    /// <summary>The token manufacturer (<c>manufacturer=</c>).</summary>
    public string? Manufacturer { get; init; }

    /// <summary>The token model (<c>model=</c>).</summary>
    public string? Model { get; init; }

    /// <summary>The token serial number (<c>serial=</c>).</summary>
    public string? Serial { get; init; }

    /// <summary>The object label, CKA_LABEL (<c>object=</c>).</summary>
    public string? Object { get; init; }

    /// <summary>The object's CKA_ID bytes (<c>id=</c>).</summary>
    public byte[]? Id { get; init; }

    /// <summary>The object type (<c>type=</c>): private, public, cert, secret-key or data.</summary>
    public string? Type { get; init; }

    /// <summary>Parses a PKCS#11 URI.</summary>
    /// <exception cref="FormatException">The text is not a valid PKCS#11 URI; the message says where.</exception>
    public static Pkcs11Uri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseCore(text, out var uri, out var error) ? uri : throw new FormatException($"Invalid PKCS#11 URI '{Shorten(text)}': {error}.");
    }

    /// <summary>Parses a PKCS#11 URI, returning false when it is invalid.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Pkcs11Uri? uri)
    {
        uri = null;
        return text is not null && TryParseCore(text, out uri, out _);
    }

    /// <summary>The URI with text values percent-encoded except RFC 3986 unreserved characters, and every byte of <c>id</c> encoded.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        Add("token", Token);
        Add("manufacturer", Manufacturer);
        Add("model", Model);
        Add("serial", Serial);
        Add("object", Object);
        if (Id is not null)
        {
            // CKA_ID is binary: every byte is encoded, as in RFC 7512's examples.
            parts.Add("id=" + string.Concat(Id.Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));
        }

        Add("type", Type);
        return Scheme + string.Join(';', parts);

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add(name + "=" + PercentEncode(Encoding.UTF8.GetBytes(value)));
            }
        }
    }

    /// <summary>Reference equality on <see cref="Id"/> is not what callers want: compare the bytes.</summary>
    public bool Equals(Pkcs11Uri? other) => other is not null && ToString() == other.ToString();

    /// <summary>Hash of the canonical text.</summary>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    private static bool TryParseCore(string text, [NotNullWhen(true)] out Pkcs11Uri? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        if (text.Length > MaxLength)
        {
            error = $"it is {text.Length} characters long; at most {MaxLength} are accepted";
            return false;
        }

        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = "it must start with 'pkcs11:'";
            return false;
        }

        var body = text[Scheme.Length..];
        var queryStart = body.IndexOf('?');
        var path = queryStart >= 0 ? body[..queryStart] : body;
        var query = queryStart >= 0 ? body[(queryStart + 1)..] : "";

        var result = new Pkcs11Uri();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var attributes = path.Length == 0 ? [] : path.Split(';');
        if (attributes.Length > MaxAttributes)
        {
            error = $"it has {attributes.Length} path attributes; at most {MaxAttributes} are accepted";
            return false;
        }

        foreach (var attribute in attributes)
        {
            var eq = attribute.IndexOf('=');
            if (eq <= 0)
            {
                error = $"path attribute '{attribute}' is not name=value";
                return false;
            }

            var name = attribute[..eq];
            if (!seen.Add(name))
            {
                error = $"path attribute '{name}' appears twice";
                return false;
            }

            if (!TryPercentDecode(attribute[(eq + 1)..], out var raw, out error))
            {
                error = $"attribute '{name}': {error}";
                return false;
            }

            string Utf8() => Encoding.UTF8.GetString(raw);
            switch (name)
            {
                case "token": result = result with { Token = Utf8() }; break;
                case "manufacturer": result = result with { Manufacturer = Utf8() }; break;
                case "model": result = result with { Model = Utf8() }; break;
                case "serial": result = result with { Serial = Utf8() }; break;
                case "object": result = result with { Object = Utf8() }; break;
                case "id": result = result with { Id = raw }; break;
                case "type":
                    var type = Utf8();
                    if (type is not ("private" or "public" or "cert" or "secret-key" or "data"))
                    {
                        error = $"type '{type}' is not one of private, public, cert, secret-key, data";
                        return false;
                    }

                    result = result with { Type = type };
                    break;
                case "library-manufacturer" or "library-description" or "library-version"
                    or "slot-description" or "slot-manufacturer" or "slot-id":
                    break; // valid RFC 7512 attributes that do not narrow the search here
                default:
                    if (!name.StartsWith("x-", StringComparison.Ordinal))
                    {
                        error = $"unknown path attribute '{name}'";
                        return false;
                    }

                    break;
            }
        }

        foreach (var attribute in query.Length == 0 ? [] : query.Split('&').Take(MaxAttributes + 1))
        {
            var name = attribute.Split('=')[0];
            if (name == "pin-value")
            {
                error = "it carries pin-value; PINs are never taken from URIs (use SIGNING_PIN or --pin-file)";
                return false;
            }
        }

        uri = result;
        error = null;
        return true;
    }

    private static bool TryPercentDecode(string value, [NotNullWhen(true)] out byte[]? bytes, out string? error)
    {
        var output = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                {
                    bytes = null;
                    error = $"'%' at offset {i} is not followed by two hex digits";
                    return false;
                }

                output.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c > 0x7e)
            {
                // Lenient: people type labels with diacritics unencoded; take them as UTF-8.
                var length = char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1;
                output.AddRange(Encoding.UTF8.GetBytes(value.Substring(i, length)));
                i += length - 1;
            }
            else if (c is '/' or '?' or '#' or ';' or ' ' || c < 0x21)
            {
                bytes = null;
                error = $"character '{c}' at offset {i} must be percent-encoded";
                return false;
            }
            else
            {
                output.Add((byte)c);
            }
        }

        bytes = [.. output];
        error = null;
        return true;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static string PercentEncode(ReadOnlySpan<byte> value)
    {
        var sb = new StringBuilder(value.Length * 3);
        foreach (var b in value)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
