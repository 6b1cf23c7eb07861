using System.CommandLine;
using Signing.Cli.Storage;
using Signing.Storage.Audit;

namespace Signing.Cli.Commands;

/// <summary><c>signing audit</c>: checks on the hash-chained audit log.</summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var database = new CliDatabase();
        var verify = new Command("verify", "Walk the audit chain; exit 0 when intact, 1 when a record was edited, deleted or reordered");
        database.AddTo(verify);
        verify.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            var db = await database.OpenAsync(parse, ct);
            var result = await new AuditLog(db, TimeProvider.System).VerifyAsync(ct);
            if (result.Intact)
            {
                Console.WriteLine($"audit: intact, {result.RecordsChecked} records checked");
                return 0;
            }

            Console.WriteLine($"audit: BROKEN at record {result.FirstBrokenSeq}: {result.Problem}");
            return 1;
        }));
        return new Command("audit", "Audit log tools") { verify };
    }
}
