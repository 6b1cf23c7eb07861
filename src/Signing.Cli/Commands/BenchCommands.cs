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
            var signature = new byte[tokenKey.SignatureSize];
            tokenKey.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature); // warm-up: session, handle, JIT

            long total = 0;
            using var start = new Barrier(threadCount + 1);
            var stop = 0;
            var workers = Enumerable.Range(0, threadCount).Select(_ => new Thread(() =>
            {
                var buffer = new byte[tokenKey.SignatureSize];
                long count = 0;
                start.SignalAndWait();
                while (Volatile.Read(ref stop) == 0)
                {
                    tokenKey.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, buffer);
                    count++;
                }

                Interlocked.Add(ref total, count);
            }) { IsBackground = true }).ToList();
            workers.ForEach(w => w.Start());

            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(duration));
            Volatile.Write(ref stop, 1);
            workers.ForEach(w => w.Join());
            clock.Stop();

            output.WriteLine($"pkcs11 sign/s: {total / clock.Elapsed.TotalSeconds:0}");
            output.WriteLine($"signatures: {total} threads: {threadCount} seconds: {clock.Elapsed.TotalSeconds:0.00}");
            return 0;
        }));
        return command;
    }
}
