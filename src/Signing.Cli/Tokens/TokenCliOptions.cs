using System.CommandLine;
using System.Security.Cryptography;
using Signing.Pkcs11;

namespace Signing.Cli.Tokens;

/// <summary>
/// The options every token command shares: --module (default $SIGNING_PKCS11_MODULE, then
/// SoftHSM2) and the user PIN, which comes from $SIGNING_PIN or --pin-file and never from argv.
/// </summary>
internal sealed class TokenCliOptions
{
    public const string ModuleEnvironmentVariable = "SIGNING_PKCS11_MODULE";
    public const string PinEnvironmentVariable = "SIGNING_PIN";
    public const string SoPinEnvironmentVariable = "SIGNING_SO_PIN";
    public const string DefaultModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    private const int MaxPinFileBytes = 1024;

    public Option<string> Module { get; } = new("--module")
    {
        Description = $"PKCS#11 module path (default: ${ModuleEnvironmentVariable}, then {DefaultModulePath})",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ModuleEnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : DefaultModulePath,
    };

    public Option<FileInfo?> PinFile { get; } = new("--pin-file")
    {
        Description = $"File holding the user PIN on its first line (default: ${PinEnvironmentVariable})",
    };

    /// <summary>Adds --module, and --pin-file when the command logs in.</summary>
    public TokenCliOptions AddTo(Command command, bool withPin)
    {
        command.Options.Add(Module);
        if (withPin)
        {
            command.Options.Add(PinFile);
        }

        return this;
    }

    public string GetModule(ParseResult parseResult) => parseResult.GetValue(Module) ?? DefaultModulePath;

    /// <summary>The user PIN as a char array; the caller clears it with <see cref="Clear"/>.</summary>
    public char[] ReadPin(ParseResult parseResult)
    {
        if (parseResult.GetValue(PinFile) is { } file)
        {
            return ReadPinFile(file);
        }

        return ReadEnvironmentPin(PinEnvironmentVariable, $"--pin-file or ${PinEnvironmentVariable}");
    }

    public static char[] ReadEnvironmentPin(string variable, string alternatives)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            throw new CliUsageException($"No PIN given: set {alternatives}. PINs are never taken from the command line.");
        }

        return value.ToCharArray();
    }

    public static void Clear(char[] pin) =>
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pin.AsSpan()));

    private static char[] ReadPinFile(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"PIN file '{file.FullName}' does not exist.");
        }

        if (file.Length > MaxPinFileBytes)
        {
            throw new CliUsageException($"PIN file '{file.FullName}' is {file.Length} bytes; a PIN file holds at most {MaxPinFileBytes}.");
        }

        var bytes = File.ReadAllBytes(file.FullName);
        try
        {
            var length = Array.FindIndex(bytes, b => b is (byte)'\n' or (byte)'\r');
            var line = bytes.AsSpan(0, length < 0 ? bytes.Length : length);
            if (line.IsEmpty)
            {
                throw new CliUsageException($"PIN file '{file.FullName}' has an empty first line.");
            }

            var pin = new char[System.Text.Encoding.UTF8.GetCharCount(line)];
            System.Text.Encoding.UTF8.GetChars(line, pin);
            return pin;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}

/// <summary>Bad command-line input; printed as "error: ..." with exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>Runs a token command and turns the failures users can act on into one-line errors.</summary>
internal static class TokenCommandAction
{
    public static Task<int> Run(ParseResult parseResult, Func<TextWriter, int> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return Task.FromResult(body(output));
        }
        catch (CliUsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Task.FromResult(2);
        }
        catch (Exception e) when (e is Pkcs11Exception or Pkcs11TokenException or FormatException or CryptographicException
                                      or IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
    }
}
