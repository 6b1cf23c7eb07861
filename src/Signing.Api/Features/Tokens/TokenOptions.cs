namespace Signing.Api.Features.Tokens;

/// <summary>Configuration section <c>Pkcs11</c>: the PKCS#11 module and the tokens the service logs in to.</summary>
public sealed class TokenOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Pkcs11";

    /// <summary>The PKCS#11 library, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>; required when tokens are configured.</summary>
    public string? Module { get; set; }

    /// <summary>The tokens, by label, with where their user PIN is kept.</summary>
    public List<ConfiguredToken> Tokens { get; set; } = [];

    /// <summary>Returns a list of problems with this configuration, empty when it is usable. Never includes a PIN.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Tokens.Count > 0 && string.IsNullOrWhiteSpace(Module))
        {
            problems.Add("Pkcs11:Module must name the PKCS#11 library when Pkcs11:Tokens are configured.");
        }
        else if (!string.IsNullOrWhiteSpace(Module) && !File.Exists(Module))
        {
            problems.Add($"Pkcs11:Module '{Module}' does not exist.");
        }

        for (var index = 0; index < Tokens.Count; index++)
        {
            var token = Tokens[index];
            if (string.IsNullOrWhiteSpace(token.Label))
            {
                problems.Add($"Pkcs11:Tokens:{index}:Label is empty.");
            }

            if (string.IsNullOrWhiteSpace(token.PinFile))
            {
                problems.Add($"Pkcs11:Tokens:{index}:PinFile is empty: PINs come from a file or secret mount, never from configuration values.");
            }
            else if (!File.Exists(token.PinFile))
            {
                problems.Add($"Pkcs11:Tokens:{index}:PinFile '{token.PinFile}' does not exist.");
            }
        }

        if (Tokens.Select(token => token.Label).Distinct(StringComparer.Ordinal).Count() != Tokens.Count)
        {
            problems.Add("Pkcs11:Tokens lists a label twice.");
        }

        return problems;
    }
}

/// <summary>One token the service uses: its label and the file holding its user PIN.</summary>
public sealed class ConfiguredToken
{
    /// <summary>The token label (CKA_LABEL of the token, <c>token=</c> in PKCS#11 URIs).</summary>
    public string Label { get; set; } = "";

    /// <summary>A file (mode 0600, or a secret mount) holding the user PIN; surrounding whitespace is ignored.</summary>
    public string PinFile { get; set; } = "";
}
