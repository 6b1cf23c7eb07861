using System.CommandLine;

namespace Signing.Cli.Commands;

/// <summary>The top-level command groups of the <c>signing</c> CLI.</summary>
internal static class CommandGroups
{
    public static IEnumerable<Command> All()
    {
        // One line per feature's command group.
        yield return ApiKeyCommands.Create();
        yield return AuditCommands.Create();
        yield return DemoCommands.Create();
        yield return SignCommands.Create();
        yield return ExtendCommands.CreateTopLevelAlias();
        yield return VerifyCommands.Create();
        yield return DevPkiCommands.Create();
        yield return TokenCommands.Create();
        yield return KeyCommands.Create();
        yield return CertCommands.Create();
        yield return BenchCommands.Create();
    }
}
