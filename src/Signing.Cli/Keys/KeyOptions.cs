using System.CommandLine;
using Signing.Cli.Tokens;

namespace Signing.Cli.Keys;

/// <summary>
/// The key options every signing command shares: <c>--key</c> (PEM, PKCS#12 or a <c>pkcs11:</c> URI),
/// <c>--chain</c> for token keys, and the token's <c>--module</c> and <c>--pin-file</c>.
/// </summary>
internal sealed class KeyOptions
{
    private readonly TokenCliOptions _token = new();

    public Option<string> Key { get; } = new("--key")
    {
        Description = "Signing key: a PKCS#11 URI (pkcs11:token=...;object=...), a PEM file with key + certificate(s), " +
            "or a PKCS#12 file (password in SIGNING_KEY_PASSWORD).",
        Required = true,
    };

    public Option<FileInfo?> Chain { get; } = new("--chain")
    {
        Description = "PEM file with CA certificates to embed (token keys carry none; file keys add these to their own, e.g. the root for B-LT).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Key);
        command.Options.Add(Chain);
        _token.AddTo(command, withPin: true);
    }

    /// <summary>Resolves the key; the PIN is read only when the key is on a token.</summary>
    public SigningKey Resolve(ParseResult parse)
        => SigningKeyResolver.Resolve(
            parse.GetRequiredValue(Key),
            () => new TokenAccess(_token.GetModule(parse), _token.ReadPin(parse)),
            parse.GetValue(Chain)?.FullName);
}
