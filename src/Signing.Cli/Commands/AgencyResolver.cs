using Dapper;
using Signing.Cli.Tokens;
using Signing.Storage;
using Signing.Storage.Accounts;

namespace Signing.Cli.Commands;

/// <summary>Finds the agency a CLI command acts for.</summary>
internal static class AgencyResolver
{
    public static async Task<Agency> ResolveAsync(Database database, AccountStore accounts, string? code, CancellationToken ct)
    {
        if (code is not null)
        {
            return await accounts.FindAgencyByCodeAsync(code, ct) ?? throw new CliUsageException($"No agency has the code '{code}'.");
        }

        await using var connection = await database.OpenAsync(ct);
        var codes = (await connection.QueryAsync<string>(new CommandDefinition("SELECT code FROM agencies ORDER BY code", cancellationToken: ct))).ToList();
        return codes.Count switch
        {
            1 => (await accounts.FindAgencyByCodeAsync(codes[0], ct))!,
            0 => throw new CliUsageException("The database has no agency yet. Run ./run.sh once (it creates the demo agency) or pass --agency."),
            _ => throw new CliUsageException($"Several agencies exist ({string.Join(", ", codes)}); choose one with --agency."),
        };
    }
}
