using System.CommandLine;
using System.CommandLine.Parsing;
using System.Security.Cryptography.X509Certificates;
using Signing.Cli.Keys;
using Signing.Cli.Tokens;
using Signing.Pdf;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pki;
using Signing.Pki.Cms;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Pki.Validation;

namespace Signing.Cli.Commands;

/// <summary><c>signing sign …</c>: produce signatures.</summary>
internal static class SignCommands
{
    public static Command Create()
    {
        var sign = new Command("sign", "Sign files.");
        sign.Subcommands.Add(CreateCms());
        sign.Subcommands.Add(CreatePdf());
        sign.Subcommands.Add(ExtendCommands.Create());
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

    // The official's password and the key's PIN travel to this URL, so it must be https unless it stays on this
    // machine, and must not carry credentials of its own (they would end up in messages and logs).
    private static Uri ParseCscUrl(ArgumentResult result)
    {
        var uri = ParseHttpUrl(result);
        if (uri is null)
        {
            return null!;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            result.AddError("--csc takes the service URL without user:password@; the password comes from $" + CscPasswordVariable + ".");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
        {
            result.AddError($"--csc {uri.GetLeftPart(UriPartial.Authority)} would send the password and PIN in clear; use https:// (http:// only for a service on this machine).");
        }

        return uri;
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
            catch (Exception e) when (e is KeyResolutionException or CliUsageException or IOException or UnauthorizedAccessException or PkiTransportException or TimestampAuthorityException or System.Security.Cryptography.CryptographicException)
            {
                await stderr.WriteLineAsync($"signing sign cms: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreatePdf()
    {
        var input = new Argument<FileInfo>("IN") { Description = "PDF to sign." };
        var output = new Argument<FileInfo>("OUT") { Description = "Where to write the signed PDF." };
        var key = new KeyOptions();
        var level = new Option<PadesLevel>("--level") { Description = "PAdES level: B-B, B-T, B-LT or B-LTA.", CustomParser = ExtendCommands.ParseLevel, DefaultValueFactory = _ => PadesLevel.BaselineB };
        var tsa = new Option<Uri?>("--tsa") { Description = "RFC 3161 TSA URL (B-T and above).", CustomParser = ParseHttpUrl };
        var certify = new Option<int?>("--certify") { Description = "Certify the document (DocMDP) with /P 1, 2 or 3." };
        var page = new Option<int>("--page") { Description = "Page of a visible signature (1-based).", DefaultValueFactory = _ => 1 };
        var rect = new Option<string?>("--rect") { Description = "Visible signature rectangle x,y,w,h in points from the lower-left corner." };
        var anchor = new Option<string?>("--anchor")
        {
            Description = "Place the visible signature centred below the line holding this text (e.g. the signer's title \"CHỦ TỊCH\"), " +
                "on --page or else the last page that has it; the size comes from --rect's w,h or 160x70.",
        };
        var image = new Option<FileInfo?>("--image") { Description = "Handwritten-signature PNG (with alpha)." };
        var seal = new Option<FileInfo?>("--seal") { Description = "Agency seal PNG; drawn over the left third of the signature image, or alone." };
        var line = new Option<string[]>("--line") { Description = "A text line under the image (repeatable): name, title, agency.", AllowMultipleArgumentsPerToken = false };
        var stamp = new Option<string?>("--stamp") { Description = "Copy/attachment stamp at the top-right of page 1: 'copy form or number|agency'; the ISO 8601 time (+07:00) is added." };
        var reason = new Option<string?>("--reason") { Description = "/Reason." };
        var location = new Option<string?>("--location") { Description = "/Location." };
        var csc = new Option<Uri?>("--csc")
        {
            Description = $"Sign remotely with a key the service holds: its base URL (e.g. http://127.0.0.1:5080). Needs --credential and --user; " +
                $"the password comes from ${CscPasswordVariable}, the key's PIN from ${TokenCliOptions.PinEnvironmentVariable}. Replaces --key.",
            CustomParser = ParseCscUrl,
        };
        var credential = new Option<string?>("--credential") { Description = "With --csc: the CSC credentialID (the service's key id)." };
        var user = new Option<string?>("--user") { Description = "With --csc: the official's username." };

        var command = new Command("pdf", "Create a PAdES signature (ETSI.CAdES.detached) as an incremental update.");
        command.Arguments.Add(input);
        command.Arguments.Add(output);
        key.AddTo(command);

        // Exactly one of --key and --csc says where the key is; the validator below enforces it.
        key.Key.Required = false;
        foreach (var option in new Option[] { level, tsa, certify, page, rect, anchor, image, seal, line, stamp, reason, location, csc, credential, user })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result => ValidateKeySource(result, command, key.Key, csc, credential, user));

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var inFile = parseResult.GetRequiredValue(input);
            var outFile = parseResult.GetRequiredValue(output);
            var padesLevel = parseResult.GetValue(level);
            var tsaUrl = parseResult.GetValue(tsa);
            try
            {
                if (padesLevel >= PadesLevel.BaselineT && tsaUrl is null)
                {
                    throw new CliUsageException($"--level {PadesLevelNames.NameOf(padesLevel)} needs --tsa.");
                }

                var certifyValue = parseResult.GetValue(certify);
                if (certifyValue is not (null or 1 or 2 or 3))
                {
                    throw new CliUsageException($"--certify {certifyValue} is not 1, 2 or 3.");
                }

                var certification = (CertificationPermissions?)certifyValue;
                var signatureTime = DateTimeOffset.Now;
                var appearance = await AppearanceOptionsAsync(parseResult, cancellationToken);
                using var http = new HttpClient();
                var validationCertificates = new X509Certificate2Collection();
                if (parseResult.GetValue(key.Chain) is { } chainFile)
                {
                    validationCertificates.ImportFromPemFile(chainFile.FullName);
                }

                PadesSignOptions Options(X509Certificate2 certificate, X509Certificate2Collection chain) => new()
                {
                    Certificate = certificate,
                    Chain = chain,
                    ValidationCertificates = validationCertificates,
                    Level = padesLevel,
                    Timestamper = tsaUrl is null ? null : new HttpTimestampClient(http, tsaUrl),
                    Revocation = RevocationChecker.Create(http),

                    // B-LT/B-LTA need the whole path: a token that holds only its leaf gets its CA certificates from AIA.
                    IssuerFetcher = padesLevel >= PadesLevel.BaselineLT ? new IssuerCertificateFetcher(http) : null,
                    Pdf = new PdfSignatureOptions
                    {
                        SigningTime = signatureTime,
                        Reason = parseResult.GetValue(reason),
                        Location = parseResult.GetValue(location),
                        Certification = certification,
                        Appearance = Appearance(appearance, signatureTime, inFile, certificate),
                    },
                };

                if (parseResult.GetValue(csc) is { } service)
                {
                    var signer = await SignRemotelyAsync(
                        service, parseResult.GetRequiredValue(user)!, parseResult.GetRequiredValue(credential)!, inFile, outFile, Options, cancellationToken);
                    await stdout.WriteLineAsync($"signed {inFile.Name} as '{signer.Subject}' at {PadesLevelNames.NameOf(padesLevel)} via CSC {service} -> {outFile.FullName}");
                    return 0;
                }

                using var signingKey = key.Resolve(parseResult);
                await using (var source = inFile.OpenRead())
                await using (var target = new FileStream(outFile.FullName, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    await PadesSigner.SignAsync(source, target, signingKey.PrivateKey, Options(signingKey.Certificate, signingKey.Chain), cancellationToken);
                }

                await stdout.WriteLineAsync($"signed {inFile.Name} as '{signingKey.Certificate.Subject}' at {PadesLevelNames.NameOf(padesLevel)} -> {outFile.FullName}");
                return 0;
            }
            catch (Exception e) when (e is KeyResolutionException or CliUsageException or IOException or UnauthorizedAccessException or PkiTransportException
                or TimestampAuthorityException or System.Security.Cryptography.CryptographicException or PdfFormatException or InvalidOperationException or ArgumentException
                or FormatException or CscRequestException)
            {
                await stderr.WriteLineAsync($"signing sign pdf: {e.Message}");
                return 1;
            }
        });
        return command;

        async Task<SignatureAppearanceOptions?> AppearanceOptionsAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var imageFile = parseResult.GetValue(image);
            var sealFile = parseResult.GetValue(seal);
            var options = new SignatureAppearanceOptions
            {
                Page = parseResult.GetResult(page) is { Implicit: false } ? parseResult.GetValue(page) : null,
                Rect = parseResult.GetValue(rect),
                Anchor = parseResult.GetValue(anchor),
                Lines = parseResult.GetValue(line) is { Length: > 0 } lines ? lines : null,
                Stamp = parseResult.GetValue(stamp),
                ImagePng = imageFile is null ? null : await ReadBoundedAsync(imageFile, cancellationToken),
                SealPng = sealFile is null ? null : await ReadBoundedAsync(sealFile, cancellationToken),
            };
            return options.IsEmpty ? null : options;
        }

        // Built once the signer is known, so a placed signature without --line shows the signer's name and time.
        static SignatureAppearance? Appearance(SignatureAppearanceOptions? options, DateTimeOffset time, FileInfo input, X509Certificate2 signer)
        {
            if (options is null)
            {
                return null;
            }

            try
            {
                using var document = input.OpenRead();
                return options.Resolve(document, time, signer.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
            }
            catch (AppearanceOptionException e)
            {
                throw new CliUsageException($"--{e.Option}: {e.Message}");
            }
        }

        static async Task<byte[]> ReadBoundedAsync(FileInfo file, CancellationToken cancellationToken) => file.Length > SignatureAppearanceOptions.MaxImageBytes
            ? throw new PngFormatException($"{file.Name} is {file.Length} bytes; images are limited to {SignatureAppearanceOptions.MaxImageBytes} bytes")
            : await File.ReadAllBytesAsync(file.FullName, cancellationToken);
    }

    /// <summary>Environment variable holding the official's password for <c>--csc</c>; passwords are never taken from the command line.</summary>
    internal const string CscPasswordVariable = "SIGNING_PASSWORD";

    /// <summary>
    /// <c>--key</c> (a local or token key) and <c>--csc</c> (a key the service holds) exclude each other; --csc needs --credential
    /// and --user, and takes neither --module nor --pin-file (its PIN comes from $SIGNING_PIN).
    /// </summary>
    private static void ValidateKeySource(CommandResult result, Command command, Option<string> key, Option<Uri?> csc, Option<string?> credential, Option<string?> user)
    {
        bool Given(Option option) => result.GetResult(option) is { Implicit: false };
        var tokenOptions = command.Options.Where(option => option.Name is "--module" or "--pin-file").ToList();
        if (!Given(csc))
        {
            if (!Given(key))
            {
                result.AddError("Option '--key' is required (or sign remotely with --csc URL --credential ID --user NAME).");
            }

            foreach (var remoteOnly in new Option[] { credential, user }.Where(Given))
            {
                result.AddError($"{remoteOnly.Name} goes with --csc.");
            }

            return;
        }

        foreach (var local in tokenOptions.Prepend(key).Where(Given))
        {
            result.AddError($"--csc signs with a key the service holds; {local.Name} is for local keys and cannot be combined with it.");
        }

        foreach (var needed in new Option[] { credential, user }.Where(option => !Given(option)))
        {
            result.AddError($"--csc needs {needed.Name}.");
        }
    }

    private static async Task<X509Certificate2> SignRemotelyAsync(
        Uri service, string username, string credentialId, FileInfo inFile, FileInfo outFile,
        Func<X509Certificate2, X509Certificate2Collection, PadesSignOptions> options, CancellationToken cancellationToken)
    {
        var password = Environment.GetEnvironmentVariable(CscPasswordVariable) is { Length: > 0 } configured
            ? configured
            : throw new CliUsageException($"No password given for --csc: set ${CscPasswordVariable}. Passwords are never taken from the command line.");
        var pin = TokenCliOptions.ReadEnvironmentPin(TokenCliOptions.PinEnvironmentVariable, $"${TokenCliOptions.PinEnvironmentVariable}");
        var written = false;
        try
        {
            using var client = new CscClient(service);
            await client.LoginAsync(username, password, cancellationToken);
            await using var source = inFile.OpenRead();
            await using var target = new FileStream(outFile.FullName, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
            written = true;
            return await CscRemoteSigner.SignPdfAsync(client, credentialId, pin, source, target, options, cancellationToken);
        }
        catch when (written)
        {
            // A refusal after the document was prepared would otherwise leave an unsigned placeholder file as OUT.
            outFile.Delete();
            throw;
        }
        finally
        {
            TokenCliOptions.Clear(pin);
        }
    }
}
