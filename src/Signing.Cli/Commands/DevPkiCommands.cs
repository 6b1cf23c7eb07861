using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Cli.Tokens;
using Signing.Pkcs11;
using Signing.Pki;
using Signing.Pki.DevPki;

namespace Signing.Cli.Commands;

/// <summary><c>signing devpki …</c>: the development PKI modelled on the GCC hierarchy.</summary>
internal static class DevPkiCommands
{
    private const string DefaultBaseUrl = "http://127.0.0.1:8787";

    public static Command Create()
    {
        var devpki = new Command("devpki", "Development PKI (GCC-like root, sub-CA, TSA, OCSP). Never use it for real signatures.");
        devpki.Subcommands.Add(CreateInit());
        devpki.Subcommands.Add(CreateServe());
        devpki.Subcommands.Add(CreateIssue());
        devpki.Subcommands.Add(CreateReissue());
        devpki.Subcommands.Add(CreateRevoke());
        return devpki;
    }

    /// <summary>Parses a CRL reason: <c>keyCompromise</c>, <c>key-compromise</c>, <c>KeyCompromise</c> or its RFC 5280 number.</summary>
    internal static bool TryParseReason(string text, out X509RevocationReason reason)
    {
        var normalised = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (int.TryParse(normalised, out var number))
        {
            reason = (X509RevocationReason)number;
            return Enum.IsDefined(reason) && number != 7;
        }

        return Enum.TryParse(normalised, ignoreCase: true, out reason) && !int.TryParse(normalised, out _);
    }

    private static Option<DirectoryInfo> DirOption() => new("--dir") { Description = "Dev PKI directory (made by 'devpki init').", Required = true };

    private static Command CreateInit()
    {
        var output = new Option<DirectoryInfo>("--dir", "--out") { Description = "Directory to create the dev PKI in (--out is the older name).", Required = true };
        var profile = new Option<FileInfo?>("--profile") { Description = "Profile JSON (default: the built-in copy of certs-dev/profile.json)." };
        var baseUrl = new Option<Uri>("--base-url")
        {
            Description = $"Where 'devpki serve' will listen; written into CRL DP and AIA (default {DefaultBaseUrl}).",
            DefaultValueFactory = _ => new Uri(DefaultBaseUrl),
            CustomParser = SignCommands.ParseHttpUrl,
        };
        var token = new Option<string?>("--token")
        {
            Description = "Token label: also generate each example's key on this token (non-extractable) and store its certificate there.",
        };
        var command = new Command("init", "Generate root, sub-CA, TSA, OCSP and example certificates (RSA-2048/SHA-256) into --dir.");
        command.Options.Add(output);
        command.Options.Add(profile);
        command.Options.Add(baseUrl);
        command.Options.Add(token);
        var tokenOptions = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction(async (parseResult, _) =>
        {
            var dir = parseResult.GetRequiredValue(output).FullName;
            try
            {
                var chosen = parseResult.GetValue(profile) is { } file ? DevPkiProfile.Load(file.FullName) : DevPkiProfile.Default;
                using var authority = DevCertificateAuthority.Initialize(dir, chosen, parseResult.GetRequiredValue(baseUrl));
                var stdout = parseResult.InvocationConfiguration.Output;
                await stdout.WriteLineAsync($"dev PKI created in {dir}");
                await stdout.WriteLineAsync($"  root: {authority.Root.Subject}  ({Path.Combine(dir, "root.pem")})");
                await stdout.WriteLineAsync($"  CA:   {authority.SubCa.Subject}  ({Path.Combine(dir, "ca.pem")})");
                if (parseResult.GetValue(token) is { } tokenLabel)
                {
                    foreach (var (name, uri) in IssueOnToken(authority, chosen, tokenLabel, tokenOptions, parseResult))
                    {
                        await stdout.WriteLineAsync($"  {name} key on token: {uri}  (certificate {Path.Combine(dir, name + ".token.pem")})");
                    }
                }

                await stdout.WriteLineAsync($"  serve it with: signing devpki serve --dir {dir} --port {authority.BaseUrl.Port}");
                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException
                or CliUsageException or CryptographicException)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"signing devpki init: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// Generates each example's key pair on the token, has the dev CA certify it from a CSR signed on the
    /// token, and stores the certificate next to the key (same CKA_ID). The private keys never leave the token.
    /// </summary>
    private static List<(string Name, string Uri)> IssueOnToken(
        DevCertificateAuthority authority, DevPkiProfile profile, string tokenLabel, TokenCliOptions options, ParseResult parseResult)
    {
        using var module = Pkcs11Module.Load(options.GetModule(parseResult));
        var token = KeyCommands.LoggedIn(module, tokenLabel, options, parseResult);
        var issued = new List<(string, string)>();
        foreach (var example in profile.Examples)
        {
            var generated = token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, example.Name);
            var key = token.OpenPrivateKey(generated.Uri);
            using var rsa = (RSA)key.CreateAsymmetricAlgorithm();
            var request = new CertificateRequest(DevPkiProfile.ParseSubject(example.Subject), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = authority.IssueFromCsr(request.CreateSigningRequest());
            token.ImportCertificate(certificate, generated.Id, example.Name);
            File.WriteAllText(Path.Combine(authority.Directory, example.Name + ".token.pem"), certificate.ExportCertificatePem());
            issued.Add((example.Name, generated.Uri.ToString()));
        }

        return issued;
    }

    private static Command CreateServe()
    {
        var dir = DirOption();
        var port = new Option<int?>("--port") { Description = "TCP port on 127.0.0.1 (default: the port of the base URL given at init)." };
        var command = new Command("serve", "Serve /tsa, /ocsp (GET and POST), /crl, /root.crl, /ca.cer and /root.cer until Ctrl+C.");
        command.Options.Add(dir);
        command.Options.Add(port);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            try
            {
                using var authority = DevCertificateAuthority.Open(parseResult.GetRequiredValue(dir).FullName);
                var chosenPort = parseResult.GetValue(port) ?? authority.BaseUrl.Port;
                if (chosenPort != authority.BaseUrl.Port)
                {
                    await stderr.WriteLineAsync($"warning: certificates point to {authority.BaseUrl}, but serving on port {chosenPort}");
                }

                await using var server = DevPkiHttpServer.Start(new DevPkiResponder(authority), chosenPort);
                await stdout.WriteLineAsync($"dev PKI serving on {server.BaseUrl} (tsa, ocsp, crl); Ctrl+C to stop");
                await stdout.FlushAsync(cancellationToken);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await stdout.WriteLineAsync("stopped");
                }

                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or HttpListenerException)
            {
                await stderr.WriteLineAsync($"signing devpki serve: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateIssue()
    {
        var dir = DirOption();
        var csr = new Option<FileInfo>("--csr") { Description = "PKCS#10 request, PEM or DER.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the certificate (PEM).", Required = true };
        var command = new Command("issue", "Issue a 5-year certificate from a CSR (signature checked; nonRepudiation + digitalSignature).");
        command.Options.Add(dir);
        command.Options.Add(csr);
        command.Options.Add(output);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                using var authority = DevCertificateAuthority.Open(parseResult.GetRequiredValue(dir).FullName);
                var request = await File.ReadAllBytesAsync(parseResult.GetRequiredValue(csr).FullName, cancellationToken);
                var certificate = authority.IssueFromCsr(request);
                var outFile = parseResult.GetRequiredValue(output).FullName;
                await File.WriteAllTextAsync(outFile, certificate.ExportCertificatePem() + "\n", cancellationToken);
                await parseResult.InvocationConfiguration.Output.WriteLineAsync($"issued serial {certificate.SerialNumber} to '{certificate.Subject}', valid until {certificate.NotAfter:yyyy-MM-dd} -> {outFile}");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or MalformedPkiDataException or UnauthorizedAccessException)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"signing devpki issue: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    // The GCC answers a renewal or a change of information with a certificate for the key the holder already has, so no
    // CSR (and no private key) is needed: the old certificate gives the public key, the request gives the new subject.
    private static Command CreateReissue()
    {
        var dir = DirOption();
        var cert = new Option<FileInfo>("--cert") { Description = "The certificate whose public key is certified again (PEM or DER).", Required = true };
        var subject = new Option<string?>("--subject")
        {
            Description = "The new subject as the service writes it (e.g. 'CN=Nguyễn Văn An, OU=Văn phòng, O=…, L=Tỉnh Phú Thọ, C=VN'); default the old one (a renewal).",
        };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the certificate (PEM).", Required = true };
        var command = new Command("reissue", "Certify the public key of a certificate again, under a new subject (change of information) or the same (renewal), for 5 years.");
        command.Options.Add(dir);
        command.Options.Add(cert);
        command.Options.Add(subject);
        command.Options.Add(output);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                using var authority = DevCertificateAuthority.Open(parseResult.GetRequiredValue(dir).FullName);
                using var old = X509CertificateLoader.LoadCertificateFromFile(parseResult.GetRequiredValue(cert).FullName);
                var name = parseResult.GetValue(subject) is { Length: > 0 } text ? Pki.Names.SubjectName.Parse(text).ToX500() : old.SubjectName;
                using var certificate = authority.IssueFor(old.PublicKey, name);
                var outFile = parseResult.GetRequiredValue(output).FullName;
                await File.WriteAllTextAsync(outFile, certificate.ExportCertificatePem() + "\n", cancellationToken);
                await parseResult.InvocationConfiguration.Output.WriteLineAsync($"issued serial {certificate.SerialNumber} to '{certificate.Subject}', valid until {certificate.NotAfter:yyyy-MM-dd} -> {outFile}");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException or ArgumentException or CryptographicException
                or UnauthorizedAccessException)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"signing devpki reissue: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateRevoke()
    {
        var dir = DirOption();
        var cert = new Option<FileInfo>("--cert") { Description = "The certificate to revoke (PEM or DER).", Required = true };
        var reason = new Option<string>("--reason")
        {
            Description = "CRL reason: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn (or its number).",
            DefaultValueFactory = _ => "unspecified",
        };
        var command = new Command("revoke", "Revoke a certificate; OCSP and the CRL report it at once.");
        command.Options.Add(dir);
        command.Options.Add(cert);
        command.Options.Add(reason);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stderr = parseResult.InvocationConfiguration.Error;
            var reasonText = parseResult.GetRequiredValue(reason);
            if (!TryParseReason(reasonText, out var parsedReason))
            {
                await stderr.WriteLineAsync($"signing devpki revoke: '{reasonText}' is not a CRL reason");
                return 1;
            }

            try
            {
                using var authority = DevCertificateAuthority.Open(parseResult.GetRequiredValue(dir).FullName);
                var certificate = X509CertificateLoader.LoadCertificateFromFile(parseResult.GetRequiredValue(cert).FullName);
                var at = authority.Revoke(certificate, parsedReason);
                await parseResult.InvocationConfiguration.Output.WriteLineAsync($"revoked serial {certificate.SerialNumber} ('{certificate.Subject}') at {at:O}, reason {parsedReason}");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or CryptographicException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"signing devpki revoke: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
