using Signing.Storage.Requests;

namespace Signing.Storage.Tests;

/// <summary>The revisions a node keeps in memory: least recently used out first, within the byte budget.</summary>
public sealed class RevisionCacheTests
{
    [Fact]
    public void OverBudget_TheLeastRecentlyUsedRevisionsGoFirst()
    {
        var cache = new RevisionCache(budgetBytes: 4_000);
        cache.Add("r", 0, 0, new byte[1_000]);
        cache.Add("r", 0, 1, new byte[1_000]);
        cache.Add("r", 0, 2, new byte[1_000]);
        Assert.NotNull(cache.Find("r", 0, 0));

        cache.Add("r", 0, 3, new byte[1_000]);
        cache.Add("r", 0, 4, new byte[1_000]);

        Assert.NotNull(cache.Find("r", 0, 0));
        Assert.Null(cache.Find("r", 0, 1));
        Assert.NotNull(cache.Find("r", 0, 2));
        Assert.NotNull(cache.Find("r", 0, 4));
        Assert.Equal(4_000, cache.Bytes);
    }

    [Fact]
    public void ARevisionOverAQuarterOfTheBudget_IsNotKept_AndTheFirstCopyOfAKeyStays()
    {
        var cache = new RevisionCache(budgetBytes: 4_000);
        cache.Add("r", 0, 0, new byte[1_001]);
        Assert.Null(cache.Find("r", 0, 0));

        var first = new byte[] { 1 };
        cache.Add("r", 1, 0, first);
        cache.Add("r", 1, 0, [2]);
        Assert.Same(first, cache.Find("r", 1, 0));
        Assert.Equal(1, cache.Bytes);
    }
}
