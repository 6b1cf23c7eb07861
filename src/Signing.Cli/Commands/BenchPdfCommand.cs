using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Signing.Cli.Keys;
using Signing.Pdf.Signatures;

namespace Signing.Cli.Commands;

/// <summary>
/// <c>signing bench pdf</c>: complete PAdES B-B signatures per second over an in-memory PDF, N threads sharing one key;
/// then, in the same run, the raw signature rate of that key for comparison.
/// </summary>
internal static class BenchPdfCommand
{
    private const long MaxInputBytes = 256L * 1024 * 1024;

    public static Command Create()
    {
        var command = new Command("pdf", "PAdES B-B signatures per second (then the key's raw signatures per second) with N threads");
        var key = new KeyOptions();
        var file = new Option<FileInfo>("--file") { Description = "The PDF to sign (held in memory)", Required = true };
        var threads = new Option<int>("--threads") { Description = "Signing threads (1-256)", DefaultValueFactory = _ => 2 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per phase in seconds (0.5-3600)", DefaultValueFactory = _ => 5 };
        key.AddTo(command);
        command.Options.Add(file);
        command.Options.Add(threads);
        command.Options.Add(seconds);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var threadCount = parseResult.GetValue(threads);
            var duration = parseResult.GetValue(seconds);
            try
            {
                if (threadCount is < 1 or > 256 || duration is < 0.5 or > 3600)
                {
                    throw new Signing.Cli.Tokens.CliUsageException($"--threads {threadCount} must be 1-256 and --seconds {duration} 0.5-3600.");
                }

                var pdfFile = parseResult.GetRequiredValue(file);
                if (pdfFile.Length > MaxInputBytes)
                {
                    throw new Signing.Cli.Tokens.CliUsageException($"{pdfFile.Name} is larger than {MaxInputBytes} bytes.");
                }

                var pdf = await File.ReadAllBytesAsync(pdfFile.FullName, cancellationToken);
                using var signingKey = key.Resolve(parseResult);
                var options = new PadesSignOptions { Certificate = signingKey.Certificate, Chain = signingKey.Chain };
                var signedBytes = 0L;
                var pdfRate = Measure(threadCount, duration, () =>
                {
                    using var signed = new MemoryStream(pdf.Length + 65536);
                    PadesSigner.SignAsync(new MemoryStream(pdf, writable: false), signed, signingKey.PrivateKey, options).GetAwaiter().GetResult();
                    Interlocked.Exchange(ref signedBytes, signed.Length);
                }, cancellationToken);
                await output.WriteLineAsync($"pdf sign/s: {pdfRate.Rate:0.0}");
                await output.WriteLineAsync($"pdf signatures: {pdfRate.Count} threads: {threadCount} seconds: {pdfRate.Seconds:0.00} input bytes: {pdf.Length} output bytes: {Interlocked.Read(ref signedBytes)}");

                var hash = SHA256.HashData(pdf.AsSpan(0, Math.Min(pdf.Length, 4096)));
                var rawRate = Measure(threadCount, duration, () => Sign(signingKey.PrivateKey, hash), cancellationToken);
                await output.WriteLineAsync($"raw key sign/s (same key, same run): {rawRate.Rate:0.0}");
                return 0;
            }
            catch (Exception e) when (e is KeyResolutionException or Signing.Cli.Tokens.CliUsageException or IOException or CryptographicException or InvalidOperationException)
            {
                await error.WriteLineAsync($"signing bench pdf: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void Sign(AsymmetricAlgorithm key, byte[] hash)
    {
        _ = key switch
        {
            RSA rsa => rsa.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => ecdsa.SignHash(hash),
            _ => throw new InvalidOperationException($"Key type {key.GetType().Name} is not supported"),
        };
    }

    /// <summary>Runs <paramref name="operation"/> on N threads; counts after a warm-up (JIT, sessions) for <paramref name="seconds"/>.</summary>
    private static (double Rate, long Count, double Seconds) Measure(int threadCount, double seconds, Action operation, CancellationToken cancellationToken)
    {
        const int stride = 16;
        var counts = new long[threadCount * stride];
        var stop = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threadCount).Select(index => new Thread(() =>
        {
            try
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    operation();
                    Volatile.Write(ref counts[index * stride], counts[index * stride] + 1);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })
        { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        // Warm up long enough for tiered JIT to reach its optimised code on a busy machine.
        cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(Math.Min(3.0, Math.Max(1.0, seconds / 2))));
        var before = Sum();
        var clock = Stopwatch.StartNew();
        cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(seconds));
        var total = Sum() - before;
        clock.Stop();
        Volatile.Write(ref stop, 1);
        workers.ForEach(w => w.Join());
        if (failures.TryDequeue(out var failure))
        {
            throw new InvalidOperationException($"A bench thread failed: {failure.Message}", failure);
        }

        return (total / clock.Elapsed.TotalSeconds, total, clock.Elapsed.TotalSeconds);

        long Sum()
        {
            long sum = 0;
            for (var i = 0; i < threadCount; i++)
            {
                sum += Volatile.Read(ref counts[i * stride]);
            }

            return sum;
        }
    }
}
