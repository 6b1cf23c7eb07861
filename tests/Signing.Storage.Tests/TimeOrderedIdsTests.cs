using System.Globalization;

namespace Signing.Storage.Tests;

public sealed class TimeOrderedIdsTests
{
    [Fact]
    public void IdsMadeInOneMillisecond_SortInTheOrderTheyWereMade()
    {
        var generator = new TimeOrderedIds();
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(_ => generator.Next(now)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void AClockThatStepsBack_DoesNotMakeAnIdThatSortsEarlier()
    {
        var generator = new TimeOrderedIds();
        var later = generator.Next(DateTimeOffset.UtcNow.AddMinutes(1));
        var earlier = generator.Next(DateTimeOffset.UtcNow);

        Assert.True(string.CompareOrdinal(later, earlier) < 0, $"{earlier} should sort after {later}");
    }

    [Fact]
    public void AnId_IsAVersion7UuidCarryingItsMillisecond()
    {
        var now = DateTimeOffset.UtcNow.AddDays(1);
        var id = new TimeOrderedIds().Next(now);

        Assert.Matches("^[0-9a-f]{32}$", id);
        var uuid = Guid.ParseExact(id, "N");
        Assert.Equal(7, uuid.Version);
        Assert.Equal(0x8, uuid.Variant & 0xC);
        Assert.Equal(now.ToUnixTimeMilliseconds(), long.Parse(id[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task IdsMadeOnManyThreads_AreUniqueAndEachThreadsSort()
    {
        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(
            () => Enumerable.Range(0, 5_000).Select(_ => TimeOrderedIds.New()).ToList())));

        Assert.All(perThread, ids => Assert.Equal(ids, ids.Order(StringComparer.Ordinal)));
        Assert.Equal(20_000, perThread.SelectMany(ids => ids).Distinct().Count());
    }
}
