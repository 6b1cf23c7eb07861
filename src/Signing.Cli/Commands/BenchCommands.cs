using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Signing.Cli.Tokens;
using Signing.Pkcs11;

namespace Signing.Cli.Commands;

/// <summary><c>signing bench pkcs11</c>: token signing throughput through the managed binding.</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks");
        bench.Subcommands.Add(Pkcs11());
        bench.Subcommands.Add(BenchPdfCommand.Create());
        bench.Subcommands.Add(BenchHttpCommand.Create());
        bench.Subcommands.Add(BenchRequestsCommand.Create());
        return bench;
    }

    private static Command Pkcs11()
    {
        var command = new Command("pkcs11", "RSA PKCS#1 v1.5 signatures over a SHA-256 DigestInfo per second, N threads each with its own pooled session");
        var key = new Option<string>("--key") { Description = "PKCS#11 URI of an RSA private key", Required = true };
        var threads = new Option<int>("--threads") { Description = "Signing threads (1-256)", DefaultValueFactory = _ => 2 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time in seconds (0.5-3600)", DefaultValueFactory = _ => 5 };
        command.Options.Add(key);
        command.Options.Add(threads);
        command.Options.Add(seconds);
        var options = new TokenCliOptions().AddTo(command, withPin: true);
        command.SetAction((parseResult, ct) => TokenCommandAction.Run(parseResult, output =>
        {
            var threadCount = parseResult.GetValue(threads);
            var duration = parseResult.GetValue(seconds);
            if (threadCount is < 1 or > 256)
            {
                throw new CliUsageException($"--threads {threadCount} is outside 1-256.");
            }

            if (duration is < 0.5 or > 3600)
            {
                throw new CliUsageException($"--seconds {duration} is outside 0.5-3600.");
            }

            using var signingKey = KeyCommands.OpenKey(parseResult, options, parseResult.GetValue(key)!);
            var tokenKey = signingKey.Key;
            if (tokenKey.KeyType != Pkcs11KeyType.Rsa)
            {
                throw new CliUsageException($"{tokenKey.Uri} is not an RSA key; this bench signs with CKM_RSA_PKCS.");
            }

            var hash = SHA256.HashData("signing bench pkcs11"u8);

            // Each thread counts into its own cache line; the main thread samples the counters
            // after a warm-up (sessions opened, code at its final JIT tier) and at the end.
            const int stride = 16;
            var counts = new long[threadCount * stride];
            var stop = 0;
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var workers = Enumerable.Range(0, threadCount).Select(index => new Thread(() =>
            {
                var buffer = new byte[tokenKey.SignatureSize];
                try
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        tokenKey.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, buffer);
                        Volatile.Write(ref counts[index * stride], counts[index * stride] + 1);
                    }
                }
                catch (Exception e) when (e is Pkcs11Exception or Pkcs11TokenException)
                {
                    failures.Enqueue(e);
                }
            })
            { IsBackground = true }).ToList();
            workers.ForEach(w => w.Start());

            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(Math.Min(1.0, duration / 5)));
            var before = Sum();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(duration));
            var total = Sum() - before;
            // Process-wide, so it also counts the little this sampling thread allocates: an upper bound per signature.
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            clock.Stop();
            Volatile.Write(ref stop, 1);
            workers.ForEach(w => w.Join());
            if (failures.TryDequeue(out var failure))
            {
                throw failure;
            }

            output.WriteLine($"pkcs11 sign/s: {total / clock.Elapsed.TotalSeconds:0}");
            output.WriteLine($"signatures: {total} threads: {threadCount} seconds: {clock.Elapsed.TotalSeconds:0.00}");
            output.WriteLine($"pkcs11 bytes/op: {(total == 0 ? 0 : (double)allocated / total):0.0}");
            return 0;

            long Sum()
            {
                long sum = 0;
                for (var i = 0; i < threadCount; i++)
                {
                    sum += Volatile.Read(ref counts[i * stride]);
                }

                return sum;
            }
        }));
        return command;
    }
}
