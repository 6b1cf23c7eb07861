using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Limits;

namespace Signing.Api.Tests.Features.Limits;

/// <summary>
/// The signing rate-limiter policy itself: one node-wide slot pool shared by every principal with a bounded queue
/// (503 + Retry-After when full) and a per-principal budget (429 + Retry-After), each principal in its own partition.
/// </summary>
public sealed class ConcurrencyLimitTests
{
    [Fact]
    public async Task SlotsAndQueueFull_NextPrincipalIsRefusedWith503AndRetryAfter_ReleasedSlotServesAgain()
    {
        using var policy = new SigningRateLimiterPolicy(Options.Create(new SigningLimitsOptions { MaxConcurrentSigns = 1, SignQueueLimit = 0 }));
        var first = policy.GetPartition(Request("client-a"));
        var second = policy.GetPartition(Request("client-b"));
        Assert.NotEqual(first.PartitionKey, second.PartitionKey);
        using var firstLimiter = first.Factory(first.PartitionKey);
        using var secondLimiter = second.Factory(second.PartitionKey);

        var held = await firstLimiter.AcquireAsync();
        Assert.True(held.IsAcquired);
        using (var refused = await secondLimiter.AcquireAsync())
        {
            Assert.False(refused.IsAcquired);
            var context = Request("client-b");
            await policy.OnRejected!(new OnRejectedContext { HttpContext = context, Lease = refused }, default);
            Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
            Assert.Equal(SigningLimits.SaturatedRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter.ToString());
        }

        held.Dispose();
        using var served = await secondLimiter.AcquireAsync();
        Assert.True(served.IsAcquired);
    }

    [Fact]
    public async Task PrincipalOverItsBudget_429WithRetryAfter_OthersUnaffected()
    {
        using var policy = new SigningRateLimiterPolicy(Options.Create(new SigningLimitsOptions { SignRequestsPerMinute = 1, MaxConcurrentSigns = 4 }));
        var partition = policy.GetPartition(Request("client-a"));
        using var limiter = partition.Factory(partition.PartitionKey);
        (await limiter.AcquireAsync()).Dispose();
        using var refused = await limiter.AcquireAsync();
        Assert.False(refused.IsAcquired);
        var context = Request("client-a");
        await policy.OnRejected!(new OnRejectedContext { HttpContext = context, Lease = refused }, default);
        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.True(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        var other = policy.GetPartition(Request("client-b"));
        using var otherLimiter = other.Factory(other.PartitionKey);
        using var lease = await otherLimiter.AcquireAsync();
        Assert.True(lease.IsAcquired);
    }

    private static DefaultHttpContext Request(string subject) => new()
    {
        User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(SigningPrincipal.SubjectClaim, subject)], "test")),
    };
}
