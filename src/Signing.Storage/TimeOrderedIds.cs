using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Signing.Storage;

/// <summary>
/// Record ids that sort in the order this process made them: UUIDv7 (RFC 9562 5.7) as 32 lowercase hex digits, the
/// same shape as <c>Guid.CreateVersion7().ToString("N")</c>.
/// </summary>
/// <remarks>
/// <c>Guid.CreateVersion7</c> fills everything after the millisecond with random bits, so ids made in one millisecond
/// (a merger's batch of certificate requests, a route's steps) sort at random, and lists ordered by id show them out of
/// order. Here the 12 bits after the millisecond are a counter (RFC 9562 6.2, method 1) that starts at a random value
/// below 2,048 in each new millisecond and counts up within it. When it runs out, or the clock steps back, the id
/// borrows the next millisecond, so an id never sorts before one this process made earlier. Ids from different nodes in
/// the same millisecond still sort at random among themselves.
/// </remarks>
public sealed class TimeOrderedIds
{
    private const int CounterLimit = 1 << 12;
    private static readonly TimeOrderedIds Process = new();
    private readonly Lock _gate = new();
    private long _lastMilliseconds;
    private int _counter;

    /// <summary>A new id, after every id this process made before.</summary>
    public static string New() => Process.Next(DateTimeOffset.UtcNow);

    /// <summary>
    /// A new id stamped with <paramref name="now"/>, or just after the last one this generator made when that is later.
    /// </summary>
    public string Next(DateTimeOffset now)
    {
        var milliseconds = now.ToUnixTimeMilliseconds();
        long stamp;
        int counter;
        lock (_gate)
        {
            if (milliseconds > _lastMilliseconds)
            {
                _lastMilliseconds = milliseconds;
                _counter = RandomNumberGenerator.GetInt32(CounterLimit / 2);
            }
            else if (++_counter == CounterLimit)
            {
                _lastMilliseconds++;
                _counter = 0;
            }

            stamp = _lastMilliseconds;
            counter = _counter;
        }

        Span<byte> id = stackalloc byte[16];
        RandomNumberGenerator.Fill(id[8..]);
        BinaryPrimitives.WriteInt64BigEndian(id, stamp << 16);
        BinaryPrimitives.WriteUInt16BigEndian(id[6..], (ushort)(0x7000 | counter));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return Convert.ToHexStringLower(id);
    }
}
