using System.Diagnostics;
using System.Globalization;

namespace Signing.Testing;

/// <summary>
/// A bounded, seeded mutation fuzzer for parsers. It mutates valid inputs (byte and bit flips, boundary values, digit
/// changes, truncation, deleted, duplicated and spliced chunks) and feeds each one to a target on a worker thread.
/// Every input must end in a result or in one of the target's typed exceptions within the time and memory budget;
/// anything else (another exception type, a hang, a runaway allocation) is a finding, reported with the seed, the
/// input's index and a copy of the input on disk.
/// <para>
/// Linked as source into the test projects of the libraries it exercises, so it depends on the BCL only.
/// </para>
/// </summary>
public static class MutationFuzzer
{
    /// <summary>The seed every run uses, so a CI failure can always be reproduced.</summary>
    public const int FixedSeed = 20261206;

    /// <summary>Inputs per target and seed unless <c>SIGNING_FUZZ_INPUTS</c> says otherwise.</summary>
    public const int DefaultInputs = 10_000;

    /// <summary>The seeds to run: the fixed one, then <c>SIGNING_FUZZ_SEED</c> (./test.sh sets and prints it) or a random one.</summary>
    public static IReadOnlyList<int> Seeds()
    {
        var configured = Environment.GetEnvironmentVariable("SIGNING_FUZZ_SEED");
        var second = int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();
        return second == FixedSeed ? [FixedSeed] : [FixedSeed, second];
    }

    /// <summary>Inputs per target and seed: <c>SIGNING_FUZZ_INPUTS</c>, else <see cref="DefaultInputs"/>.</summary>
    public static int InputsPerSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("SIGNING_FUZZ_INPUTS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var inputs) && inputs > 0
            ? inputs
            : DefaultInputs;

    /// <summary>
    /// Runs <paramref name="inputs"/> mutations of <paramref name="corpus"/> under <paramref name="seed"/> through
    /// <paramref name="target"/>. An exception for which <paramref name="isTyped"/> is true is an expected refusal.
    /// </summary>
    public static FuzzReport Run(string name, IReadOnlyList<byte[]> corpus, int seed, int inputs, FuzzBudget budget,
        Action<byte[]> target, Func<Exception, bool> isTyped)
    {
        if (corpus.Count == 0 || corpus.Any(sample => sample.Length == 0))
        {
            throw new ArgumentException("The corpus needs at least one non-empty input.", nameof(corpus));
        }

        var random = new Random(seed);
        using var worker = new Worker(target);
        var findings = new List<string>();
        var (results, refusals) = (0, 0);
        var (slowest, mostAllocated) = (TimeSpan.Zero, 0L);
        var clock = Stopwatch.StartNew();
        var ran = 0;
        for (; ran < inputs && findings.Count < 5; ran++)
        {
            var input = Mutate(corpus, random);
            if (!worker.TryRun(input, budget.Time, out var outcome))
            {
                // The worker is stuck in the target: nothing more can run on it.
                findings.Add(Finding(name, seed, ran, input, $"did not finish within {budget.Time.TotalSeconds:0.#} s"));
                break;
            }

            slowest = outcome.Elapsed > slowest ? outcome.Elapsed : slowest;
            mostAllocated = Math.Max(mostAllocated, outcome.AllocatedBytes);
            if (outcome.Elapsed > budget.Time)
            {
                findings.Add(Finding(name, seed, ran, input, $"took {outcome.Elapsed.TotalMilliseconds:0} ms"));
            }
            else if (outcome.AllocatedBytes > budget.AllocatedBytes)
            {
                findings.Add(Finding(name, seed, ran, input, $"allocated {outcome.AllocatedBytes / (1024 * 1024)} MiB for {input.Length} bytes of input"));
            }
            else if (outcome.Exception is null)
            {
                results++;
            }
            else if (isTyped(outcome.Exception))
            {
                refusals++;
            }
            else
            {
                findings.Add(Finding(name, seed, ran, input, $"{outcome.Exception.GetType().FullName}: {outcome.Exception.Message}\n{outcome.Exception.StackTrace}"));
            }
        }

        return new FuzzReport(name, seed, ran, results, refusals, clock.Elapsed, slowest, mostAllocated, findings);
    }

    /// <summary>One mutation of a corpus input; inputs never grow past twice the largest sample plus 4 KiB.</summary>
    public static byte[] Mutate(IReadOnlyList<byte[]> corpus, Random random)
    {
        var bytes = (byte[])corpus[random.Next(corpus.Count)].Clone();
        var limit = corpus.Max(sample => sample.Length) * 2 + 4096;
        for (var round = random.Next(1, 4); round > 0 && bytes.Length > 0; round--)
        {
            bytes = random.Next(9) switch
            {
                0 => FlipBits(bytes, random),
                1 => SetBytes(bytes, random),
                2 => Boundary(bytes, random),
                3 => Digits(bytes, random),
                4 => bytes[..random.Next(bytes.Length)],
                5 => DeleteChunk(bytes, random),
                6 => DuplicateChunk(bytes, random, limit),
                7 => Splice(bytes, corpus[random.Next(corpus.Count)], random, limit),
                _ => SwapChunks(bytes, random),
            };
        }

        return bytes;
    }

    private static byte[] FlipBits(byte[] bytes, Random random)
    {
        for (var i = random.Next(1, 9); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    private static byte[] SetBytes(byte[] bytes, Random random)
    {
        for (var i = random.Next(1, 9); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    // Lengths, counts and tags live at the edges: DER long-form length prefixes, sign bits, zero and all-ones.
    private static byte[] Boundary(byte[] bytes, Random random)
    {
        ReadOnlySpan<byte> values = [0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF];
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] = values[random.Next(values.Length)];
        }

        return bytes;
    }

    // Text formats (PDF, multipart headers) keep offsets, lengths and counts in ASCII digits.
    private static byte[] Digits(byte[] bytes, Random random)
    {
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var at = random.Next(bytes.Length);
            for (var probe = 0; probe < 64 && !char.IsAsciiDigit((char)bytes[at]); probe++)
            {
                at = random.Next(bytes.Length);
            }

            if (char.IsAsciiDigit((char)bytes[at]))
            {
                bytes[at] = random.Next(4) == 0 ? (byte)'-' : (byte)('0' + random.Next(10));
            }
        }

        return bytes;
    }

    private static byte[] DeleteChunk(byte[] bytes, Random random)
    {
        var start = random.Next(bytes.Length);
        var length = random.Next(1, Math.Min(256, bytes.Length - start) + 1);
        return [.. bytes[..start], .. bytes[(start + length)..]];
    }

    private static byte[] DuplicateChunk(byte[] bytes, Random random, int limit)
    {
        var start = random.Next(bytes.Length);
        var length = random.Next(1, Math.Min(512, bytes.Length - start) + 1);
        var at = random.Next(bytes.Length + 1);
        return bytes.Length + length > limit ? bytes : [.. bytes[..at], .. bytes.AsSpan(start, length), .. bytes[at..]];
    }

    private static byte[] Splice(byte[] bytes, byte[] other, Random random, int limit)
    {
        var cut = random.Next(bytes.Length);
        var from = random.Next(other.Length);
        var tail = other[from..];
        return cut + tail.Length > limit ? bytes : [.. bytes[..cut], .. tail];
    }

    private static byte[] SwapChunks(byte[] bytes, Random random)
    {
        var length = random.Next(1, Math.Max(2, Math.Min(64, bytes.Length / 2)));
        if (bytes.Length < 2 * length)
        {
            return bytes;
        }

        var a = random.Next(bytes.Length - 2 * length + 1);
        var b = random.Next(a + length, bytes.Length - length + 1);
        var chunk = bytes.AsSpan(a, length).ToArray();
        bytes.AsSpan(b, length).CopyTo(bytes.AsSpan(a, length));
        chunk.CopyTo(bytes.AsSpan(b, length));
        return bytes;
    }

    // Keeps the input for reproduction: the seed and index regenerate it too, but a file is quicker to debug.
    private static string Finding(string name, int seed, int index, byte[] input, string problem)
    {
        var directory = Path.Combine(Path.GetTempPath(), "signing-fuzz-findings");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{name}-{seed}-{index}.bin");
        File.WriteAllBytes(file, input);
        return $"{name} seed {seed} input {index} ({input.Length} bytes, saved to {file}): {problem}";
    }

    /// <summary>What one input did.</summary>
    private readonly record struct Outcome(Exception? Exception, TimeSpan Elapsed, long AllocatedBytes);

    // One dedicated thread runs the inputs, so that a hang can be detected (and the thread abandoned) and so that the
    // allocation count of GC.GetAllocatedBytesForCurrentThread is the target's own. A thread-pool task would measure
    // neither reliably on a loaded machine.
    private sealed class Worker : IDisposable
    {
        private readonly Action<byte[]> _target;
        private readonly SemaphoreSlim _ready = new(0);
        private readonly SemaphoreSlim _done = new(0);
        private byte[]? _input;
        private Outcome _outcome;
        private volatile bool _stopping;

        public Worker(Action<byte[]> target)
        {
            _target = target;
            new Thread(Loop) { IsBackground = true, Name = "fuzz worker" }.Start();
        }

        public bool TryRun(byte[] input, TimeSpan budget, out Outcome outcome)
        {
            _input = input;
            _ready.Release();
            // Twice the budget before calling it a hang: a slow input is reported as slow with its time.
            if (!_done.Wait(budget * 2))
            {
                outcome = default;
                return false;
            }

            outcome = _outcome;
            return true;
        }

        public void Dispose()
        {
            _stopping = true;
            _ready.Release();
        }

        private void Loop()
        {
            while (true)
            {
                _ready.Wait();
                if (_stopping)
                {
                    return;
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                Exception? failure = null;
                try
                {
                    _target(_input!);
                }
                catch (Exception e)
                {
                    failure = e;
                }

                _outcome = new Outcome(failure, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - allocated);
                _done.Release();
            }
        }
    }
}

/// <summary>What one input may cost: wall-clock time and bytes allocated by the thread that parses it.</summary>
public sealed record FuzzBudget(TimeSpan Time, long AllocatedBytes);

/// <summary>The outcome of a fuzz run: counts, speed, the worst input's cost and any findings.</summary>
public sealed record FuzzReport(
    string Target, int Seed, int Inputs, int Results, int Refusals, TimeSpan Elapsed, TimeSpan Slowest, long MostAllocatedBytes,
    IReadOnlyList<string> Findings)
{
    /// <summary>Inputs per second over the run.</summary>
    public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>One line for the test log, e.g. "fuzz pdf seed 1: 10000 inputs (2311 results, 7689 refusals) in 3.1 s, 3226/s; ...".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"fuzz {Target} seed {Seed}: {Inputs} inputs ({Results} results, {Refusals} typed refusals) in {Elapsed.TotalSeconds:0.0} s, " +
        $"{InputsPerSecond:0}/s; slowest {Slowest.TotalMilliseconds:0} ms, most allocated {MostAllocatedBytes / 1024} KiB; {Findings.Count} findings");
}
