using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Cli.Tokens;

namespace Signing.Cli.Commands;

/// <summary><c>signing cert import</c>.</summary>
internal static class CertCommands
{
    public static Command Create()
    {
        var cert = new Command("cert", "Certificates on a PKCS#11 token");
        cert.Subcommands.Add(Import());
        return cert;
    }

    private static Command Import()
    {
        var command = new Command("import", "Store a certificate (PEM or DER) on the token next to its key (same CKA_ID and label)");
        var key = new Option<string>("--key") { Description = "PKCS#11 URI of the private key", Required = true };
        var certFile = new Option<FileInfo>("--cert") { Description = "Certificate file, PEM or DER", Required = true };
        command.Options.Add(key);
        command.Options.Add(certFile);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, output =>
        {
            var file = parseResult.GetValue(certFile)!;
            if (!file.Exists)
            {
                throw new CliUsageException($"Certificate file '{file.FullName}' does not exist.");
            }

            using var certificate = LoadCertificate(file);
            using var signingKey = KeyCommands.OpenKey(parseResult, options, parseResult.GetValue(key)!);
            var keyInfo = signingKey.Key;
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(keyInfo.ExportSubjectPublicKeyInfo()))
            {
                throw new CliUsageException($"The certificate '{certificate.Subject}' is for another key than {keyInfo.Uri}.");
            }

            var imported = keyInfo.Token.ImportCertificate(certificate, keyInfo.Id, keyInfo.Label);
            output.WriteLine(imported.Uri);
            return 0;
        }));
        return command;
    }

    private static X509Certificate2 LoadCertificate(FileInfo file)
    {
        const int maxCertificateBytes = 1 << 20;
        if (file.Length > maxCertificateBytes)
        {
            throw new CliUsageException($"'{file.FullName}' is {file.Length} bytes; a certificate file holds at most {maxCertificateBytes}.");
        }

        var bytes = File.ReadAllBytes(file.FullName);
        try
        {
            return bytes.AsSpan().IndexOf("-----BEGIN CERTIFICATE-----"u8) >= 0
                ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes))
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException e)
        {
            throw new CliUsageException($"'{file.FullName}' is not a PEM or DER X.509 certificate: {e.Message}");
        }
    }
}
