using System.CommandLine;
using System.Security.Cryptography;
using Signing.Cli.Tokens;
using Signing.Pkcs11;
using Signing.Pki.Names;
using Signing.Pki.Requests;

namespace Signing.Cli.Commands;

/// <summary><c>signing key generate|list|csr|delete</c>.</summary>
internal static class KeyCommands
{
    private static readonly Dictionary<string, Pkcs11KeyAlgorithm> Algorithms = new(StringComparer.Ordinal)
    {
        ["rsa2048"] = Pkcs11KeyAlgorithm.Rsa2048,
        ["rsa3072"] = Pkcs11KeyAlgorithm.Rsa3072,
        ["rsa4096"] = Pkcs11KeyAlgorithm.Rsa4096,
        ["ecp256"] = Pkcs11KeyAlgorithm.EcP256,
        ["ecp384"] = Pkcs11KeyAlgorithm.EcP384,
    };

    public static Command Create()
    {
        var key = new Command("key", "Keys on a PKCS#11 token");
        key.Subcommands.Add(Generate());
        key.Subcommands.Add(List());
        key.Subcommands.Add(Csr());
        key.Subcommands.Add(Delete());
        return key;
    }

    private static Command Generate()
    {
        var command = new Command("generate", "Generate a non-extractable key pair on the token and print its PKCS#11 URI");
        var token = new Option<string>("--token") { Description = "Token label", Required = true };
        var label = new Option<string>("--label") { Description = "Key label (CKA_LABEL)", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "rsa2048, rsa3072, rsa4096, ecp256 or ecp384", Required = true };
        algorithm.AcceptOnlyFromAmong([.. Algorithms.Keys]);
        command.Options.Add(token);
        command.Options.Add(label);
        command.Options.Add(algorithm);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, output =>
        {
            using var module = Pkcs11Module.Load(options.GetModule(parseResult));
            var tokenObject = LoggedIn(module, parseResult.GetValue(token)!, options, parseResult);
            var generated = tokenObject.GenerateKeyPair(Algorithms[parseResult.GetValue(algorithm)!], parseResult.GetValue(label)!);
            output.WriteLine(generated.Uri);
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List keys and certificates on the token");
        var token = new Option<string>("--token") { Description = "Token label", Required = true };
        command.Options.Add(token);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, output =>
        {
            using var module = Pkcs11Module.Load(options.GetModule(parseResult));
            var tokenObject = LoggedIn(module, parseResult.GetValue(token)!, options, parseResult);
            foreach (var item in tokenObject.ListObjects())
            {
                var kind = item.Class switch
                {
                    Pkcs11ObjectClass.PrivateKey => "private",
                    Pkcs11ObjectClass.PublicKey => "public ",
                    _ => "cert   ",
                };
                var details = item.KeyType is { } type ? $" {type}-{item.KeySizeInBits}" : "";
                var protection = item.Class == Pkcs11ObjectClass.PrivateKey
                    ? $" sensitive={Flag(item.IsSensitive)} extractable={Flag(item.IsExtractable)}"
                    : "";
                output.WriteLine($"{kind} label={item.Label} id={Convert.ToHexStringLower(item.Id)}{details}{protection}");
                output.WriteLine($"        {item.Uri}");
            }

            return 0;
        }));
        return command;

        static string Flag(bool? value) => value switch { true => "yes", false => "no", null => "?" };
    }

    private static Command Csr()
    {
        var command = new Command("csr", "Write a PKCS#10 request (PEM) for a token key, signed on the token");
        var key = new Option<string>("--key") { Description = "PKCS#11 URI of the private key", Required = true };
        var subject = new Option<string>("--subject") { Description = "Subject DN, e.g. \"CN=Nguyễn Văn An,O=...,C=VN\"", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the PEM request", Required = true };
        command.Options.Add(key);
        command.Options.Add(subject);
        command.Options.Add(output);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, writer =>
        {
            SubjectName subjectName;
            try
            {
                subjectName = SubjectName.Parse(parseResult.GetValue(subject)!);
            }
            catch (FormatException e)
            {
                throw new CliUsageException($"--subject is not a subject name: {e.Message}");
            }

            using var signingKey = OpenKey(parseResult, options, parseResult.GetValue(key)!);
            if (signingKey.PrivateKey is not (RSA or ECDsa))
            {
                throw new CliUsageException("Only RSA and EC keys can make a request.");
            }

            var file = parseResult.GetValue(output)!;
            File.WriteAllText(file.FullName, SigningRequests.CreatePem(subjectName, signingKey.PrivateKey));
            writer.WriteLine($"wrote {file.FullName}");
            return 0;
        }));
        return command;
    }

    private static Command Delete()
    {
        var command = new Command("delete", "Delete the objects a PKCS#11 URI names (object= and/or id=, optional type=)");
        var key = new Option<string>("--key") { Description = "PKCS#11 URI; without type= the key pair and its certificate go", Required = true };
        command.Options.Add(key);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, output =>
        {
            var uri = Pkcs11Uri.Parse(parseResult.GetValue(key)!);
            using var module = Pkcs11Module.Load(options.GetModule(parseResult));
            var tokenObject = LoggedIn(module, uri.Token ?? throw new CliUsageException("The URI needs token=."), options, parseResult);
            output.WriteLine($"deleted {tokenObject.DeleteObjects(uri)} object(s)");
            return 0;
        }));
        return command;
    }

    internal static Pkcs11Token LoggedIn(Pkcs11Module module, string tokenLabel, TokenCliOptions options, ParseResult parseResult)
    {
        var token = module.OpenToken(tokenLabel);
        var pin = options.ReadPin(parseResult);
        try
        {
            token.Login(pin);
        }
        finally
        {
            TokenCliOptions.Clear(pin);
        }

        return token;
    }

    internal static Pkcs11SigningKey OpenKey(ParseResult parseResult, TokenCliOptions options, string uri)
    {
        var pin = options.ReadPin(parseResult);
        try
        {
            return Pkcs11SigningKey.Open(options.GetModule(parseResult), uri, pin);
        }
        finally
        {
            TokenCliOptions.Clear(pin);
        }
    }
}
