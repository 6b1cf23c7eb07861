using System.CommandLine;
using Signing.Cli.Commands;

var root = new RootCommand("signing: sign and verify documents, manage tokens, keys and the dev PKI.");
// Each feature contributes one command group; keep this list the only place they meet.
foreach (var group in CommandGroups.All())
{
    root.Subcommands.Add(group);
}

return await root.Parse(args).InvokeAsync();
