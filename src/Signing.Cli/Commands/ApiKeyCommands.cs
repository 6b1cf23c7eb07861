using System.CommandLine;
using Signing.Cli.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;

namespace Signing.Cli.Commands;

/// <summary><c>signing apikey</c>: API keys for calling systems.</summary>
internal static class ApiKeyCommands
{
    public static Command Create()
    {
        var database = new CliDatabase();
        var client = new Option<string>("--client") { Description = "The calling system's name; created when it does not exist", Required = true };
        var roles = new Option<string>("--roles") { Description = "Roles for a new client (comma-separated)", DefaultValueFactory = _ => Roles.Caller };
        var agency = new Option<string?>("--agency")
        {
            Description = "Agency code for a new client (e.g. 000.00.31.H42); optional when the database has one agency",
        };
        var create = new Command("create", "Create an API key; the key is printed alone on the last line and never stored") { client, roles, agency };
        database.AddTo(create);
        create.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            await using var db = await database.OpenAsync(parse, ct);
            var accounts = new AccountStore(db, TimeProvider.System);
            var name = parse.GetValue(client)!;
            var existing = await accounts.FindClientByNameAsync(name, ct);
            if (existing is null)
            {
                var parsedRoles = CliRun.Parse(() => Roles.Parse(parse.GetValue(roles)));
                var owner = await AgencyResolver.ResolveAsync(db, accounts, parse.GetValue(agency), ct);
                existing = await accounts.CreateClientAsync(owner.Id, name, parsedRoles, null, ct);
                Console.WriteLine($"Created client '{name}' in agency {owner.Code} with roles {existing.Roles}.");
            }

            var (record, key) = await accounts.CreateApiKeyAsync(existing.Id, ct);
            await new AuditLog(db, TimeProvider.System).AppendAsync(new AuditEntry(
                $"cli:{Environment.UserName}", existing.AgencyId, "account.apikey.create", $"{existing.Id}/{record.Id}",
                AuditOutcome.Success, null), ct);
            Console.WriteLine($"API key {record.Prefix} for client '{name}' (send it as the X-Api-Key header; it is shown only now):");
            Console.WriteLine(key);
            return 0;
        }));
        return new Command("apikey", "Manage API keys for calling systems") { create };
    }
}
