using System.CommandLine;
using System.CommandLine.Parsing;
using Signing.Cli.Keys;
using Signing.Pki;
using Signing.Pki.Cms;
using Signing.Pki.Timestamping;

namespace Signing.Cli.Commands;

/// <summary><c>signing sign …</c>: produce signatures.</summary>
internal static class SignCommands
{
    public static Command Create()
    {
        var sign = new Command("sign", "Sign files.");
        sign.Subcommands.Add(CreateCms());
        return sign;
    }

    /// <summary>Parses an absolute http(s) URL option value; System.CommandLine has no built-in Uri conversion.</summary>
    internal static Uri ParseHttpUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"'{text}' is not an absolute http:// or https:// URL.");
        return null!;
    }

    private static Command CreateCms()
    {
        var input = new Argument<FileInfo>("IN") { Description = "File to sign." };
        var output = new Argument<FileInfo>("OUT") { Description = "Where to write the DER CMS signature (.p7s)." };
        var key = new KeyOptions();
        var detached = new Option<bool>("--detached") { Description = "Leave the content out of the CMS (the file is hashed as a stream)." };
        var tsa = new Option<Uri?>("--tsa") { Description = "RFC 3161 TSA URL; adds a signature timestamp (CAdES-T).", CustomParser = ParseHttpUrl };

        var command = new Command("cms", "Create a CAdES (CMS) signature: content-type, message-digest, signing-certificate-v2, signing-time.");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        key.AddTo(command);
        command.Options.Add(detached);
        command.Options.Add(tsa);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var inFile = parseResult.GetRequiredValue(input);
            var outFile = parseResult.GetRequiredValue(output);
            var tsaUrl = parseResult.GetValue(tsa);
            try
            {
                using var signingKey = key.Resolve(parseResult);
                using var http = new HttpClient();
                var options = new CadesSignOptions
                {
                    Certificate = signingKey.Certificate,
                    Chain = signingKey.Chain,
                    SigningTime = DateTimeOffset.UtcNow,

                    // The TSA's EKU and signature are checked here; its path is judged when the signature is verified.
                    Timestamper = tsaUrl is null ? null : new HttpTimestampClient(http, tsaUrl),
                };
                byte[] cms;
                if (parseResult.GetValue(detached))
                {
                    await using var stream = inFile.OpenRead();
                    cms = await CadesSigner.SignDetachedAsync(stream, signingKey.PrivateKey, options, cancellationToken);
                }
                else
                {
                    cms = await CadesSigner.SignAsync(await File.ReadAllBytesAsync(inFile.FullName, cancellationToken), false, signingKey.PrivateKey, options, cancellationToken);
                }

                await File.WriteAllBytesAsync(outFile.FullName, cms, cancellationToken);
                await stdout.WriteLineAsync($"signed {inFile.Name} as '{signingKey.Certificate.Subject}' -> {outFile.FullName} ({cms.Length} bytes{(tsaUrl is null ? "" : ", timestamped")})");
                return 0;
            }
            catch (Exception e) when (e is KeyResolutionException or Signing.Cli.Tokens.CliUsageException or IOException or UnauthorizedAccessException or PkiTransportException or TimestampAuthorityException or System.Security.Cryptography.CryptographicException)
            {
                await stderr.WriteLineAsync($"signing sign cms: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
