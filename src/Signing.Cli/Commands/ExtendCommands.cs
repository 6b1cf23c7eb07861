using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Pki;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;

namespace Signing.Cli.Commands;

/// <summary><c>signing extend IN OUT --level B-LT|B-LTA</c>: add validation data (and a document timestamp) to a signed PDF.</summary>
internal static class ExtendCommands
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("IN") { Description = "A signed PDF (from any signer)." };
        var output = new Argument<FileInfo>("OUT") { Description = "Where to write the extended PDF." };
        var level = new Option<PadesLevel>("--level") { Description = "B-LT (DSS with certificates, OCSP responses, CRLs) or B-LTA (then a document timestamp).", CustomParser = ParseLevel, Required = true };
        var tsa = new Option<Uri?>("--tsa") { Description = "RFC 3161 TSA URL, for B-LTA.", CustomParser = SignCommands.ParseHttpUrl };
        var chain = new Option<FileInfo?>("--chain") { Description = "PEM certificates completing paths the signatures do not carry (e.g. the root)." };

        var command = new Command("extend", "Lift a signed PDF to PAdES B-LT or B-LTA in new incremental revisions.");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        command.Options.Add(level);
        command.Options.Add(tsa);
        command.Options.Add(chain);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var inFile = parseResult.GetRequiredValue(input);
            var outFile = parseResult.GetRequiredValue(output);
            var target = parseResult.GetValue(level);
            var tsaUrl = parseResult.GetValue(tsa);
            try
            {
                if (target is not (PadesLevel.BaselineLT or PadesLevel.BaselineLta))
                {
                    throw new Signing.Cli.Tokens.CliUsageException("--level must be B-LT or B-LTA.");
                }

                if (target == PadesLevel.BaselineLta && tsaUrl is null)
                {
                    throw new Signing.Cli.Tokens.CliUsageException("--level B-LTA needs --tsa.");
                }

                var extra = new X509Certificate2Collection();
                if (parseResult.GetValue(chain) is { } chainFile)
                {
                    extra.ImportFromPemFile(chainFile.FullName);
                }

                using var http = new HttpClient();
                var options = new PadesExtendOptions
                {
                    Level = target,
                    Revocation = RevocationChecker.Create(http),
                    Timestamper = tsaUrl is null ? null : new HttpTimestampClient(http, tsaUrl),
                    ExtraCertificates = extra,
                };
                await using (var source = inFile.OpenRead())
                await using (var destination = new FileStream(outFile.FullName, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    await PadesExtender.ExtendAsync(source, destination, options, cancellationToken);
                }

                await stdout.WriteLineAsync($"extended {inFile.Name} to {LevelName(target)} -> {outFile.FullName}");
                return 0;
            }
            catch (Exception e) when (e is Signing.Cli.Tokens.CliUsageException or IOException or UnauthorizedAccessException or PkiTransportException
                or TimestampAuthorityException or System.Security.Cryptography.CryptographicException or PdfFormatException or InvalidOperationException or ArgumentException)
            {
                await stderr.WriteLineAsync($"signing extend: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Parses a --level value: B-B, B-T, B-LT or B-LTA.</summary>
    internal static PadesLevel ParseLevel(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        PadesLevel? level = text.ToUpperInvariant() switch
        {
            "B-B" => PadesLevel.BaselineB,
            "B-T" => PadesLevel.BaselineT,
            "B-LT" => PadesLevel.BaselineLT,
            "B-LTA" => PadesLevel.BaselineLta,
            _ => null,
        };
        if (level is null)
        {
            result.AddError($"'{text}' is not a PAdES level; use B-B, B-T, B-LT or B-LTA.");
            return PadesLevel.BaselineB;
        }

        return level.Value;
    }

    /// <summary>The level as ETSI names it.</summary>
    internal static string LevelName(PadesLevel level) => level switch
    {
        PadesLevel.BaselineB => "B-B",
        PadesLevel.BaselineT => "B-T",
        PadesLevel.BaselineLT => "B-LT",
        _ => "B-LTA",
    };
}
