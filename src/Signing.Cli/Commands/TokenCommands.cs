using System.CommandLine;
using System.Globalization;
using Signing.Cli.Tokens;
using Signing.Pkcs11;

namespace Signing.Cli.Commands;

/// <summary><c>signing token list|init</c>.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var token = new Command("token", "PKCS#11 slots and tokens");
        token.Subcommands.Add(List());
        token.Subcommands.Add(Init());
        return token;
    }

    private static Command List()
    {
        var command = new Command("list", "List slots and the tokens in them");
        var options = new TokenCliOptions().AddTo(command, withPin: false);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, output =>
        {
            using var module = Pkcs11Module.Load(options.GetModule(parseResult));
            var info = module.GetInfo();
            output.WriteLine($"module: {module.LibraryPath} ({info.Manufacturer}, {info.Description}, PKCS#11 {info.CryptokiVersion})");
            foreach (var slot in module.GetSlots(tokenPresentOnly: false))
            {
                output.WriteLine($"slot {slot.SlotId} (0x{slot.SlotId:x}): {slot.Description}");
                if (slot.Token is not { } t)
                {
                    output.WriteLine("  no token");
                    continue;
                }

                if (!t.IsInitialized)
                {
                    output.WriteLine("  token: not initialised (use `signing token init`)");
                    continue;
                }

                output.WriteLine($"  token: label={t.Label} serial={t.SerialNumber} manufacturer={t.Manufacturer} model={t.Model}");
                output.WriteLine($"  flags: {t.Flags}");
                output.WriteLine($"  user PIN: {(t.UserPinLocked ? "LOCKED" : t.UserPinFinalTry ? "final try" : t.UserPinCountLow ? "count low" : "ok")}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Init()
    {
        var command = new Command("init", "Initialise (erase) the token in a slot with a label; SO PIN from $SIGNING_SO_PIN, user PIN from $SIGNING_PIN or --pin-file");
        var slot = new Option<string>("--slot") { Description = "Slot ID, decimal or 0x-prefixed hex (see `signing token list`)", Required = true };
        var label = new Option<string>("--label") { Description = "Token label (at most 32 UTF-8 bytes)", Required = true };
        command.Options.Add(slot);
        command.Options.Add(label);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, _) => TokenCommandAction.Run(parseResult, output =>
        {
            var slotId = ParseSlot(parseResult.GetValue(slot)!);
            var tokenLabel = parseResult.GetValue(label)!;
            var soPin = TokenCliOptions.ReadEnvironmentPin(TokenCliOptions.SoPinEnvironmentVariable, $"${TokenCliOptions.SoPinEnvironmentVariable}");
            var userPin = options.ReadPin(parseResult);
            try
            {
                using var module = Pkcs11Module.Load(options.GetModule(parseResult));
                var newSlot = module.InitializeToken(slotId, soPin, tokenLabel, userPin);
                var info = module.GetTokenInfo(newSlot);
                output.WriteLine($"initialised token label={info.Label} serial={info.SerialNumber} in slot {newSlot} (0x{newSlot:x})");
                return 0;
            }
            finally
            {
                TokenCliOptions.Clear(soPin);
                TokenCliOptions.Clear(userPin);
            }
        }));
        return command;
    }

    private static ulong ParseSlot(string text)
    {
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var slot)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out slot);
        return ok ? slot : throw new CliUsageException($"--slot '{text}' is not a slot ID (decimal or 0x-hex).");
    }
}
