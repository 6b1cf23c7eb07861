using System.CommandLine;
using Signing.Cli.Storage;
using Signing.Storage.Audit;

namespace Signing.Cli.Commands;

/// <summary>
/// <c>signing audit</c>: checks on the audit log, with the audit key (a file outside the database) and the signed
/// checkpoint this node keeps in the data directory.
/// </summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var database = new CliDatabase();
        var verify = new Command("verify",
            "Walk the audit chain and compare it with the signed checkpoint; exit 0 when intact, 1 when a record was edited, deleted, " +
            "reordered or re-chained, or the database is older than the checkpoint");
        database.AddTo(verify);
        verify.SetAction((parse, ct) => CliRun.GuardAsync(async () =>
        {
            await using var db = await database.OpenAsync(parse, ct);
            var result = await new AuditLog(db, TimeProvider.System).VerifyAsync(ct);
            if (result.Intact)
            {
                Console.WriteLine(result.CheckpointSeq is { } seq
                    ? $"audit: intact, {result.RecordsChecked} records checked, signed checkpoint at record {seq} ({result.CheckpointAt:yyyy-MM-dd HH:mm:ss}Z) matches"
                    : $"audit: intact, {result.RecordsChecked} records checked (no signed checkpoint to compare with)");
                return 0;
            }

            Console.WriteLine($"audit: BROKEN at record {result.FirstBrokenSeq}: {result.Problem}");
            return 1;
        }));
        return new Command("audit", "Audit log tools") { verify };
    }
}
