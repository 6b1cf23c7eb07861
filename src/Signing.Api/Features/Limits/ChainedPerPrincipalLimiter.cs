using System.Threading.RateLimiting;

namespace Signing.Api.Features.Limits;

/// <summary>
/// A principal's own rate (never queued: an over-eager client is told to wait) followed by the node's shared
/// concurrency limiter (queued up to its bound). Disposing it disposes only the principal's limiter.
/// </summary>
internal sealed class ChainedPerPrincipalLimiter(RateLimiter perPrincipal, RateLimiter shared) : RateLimiter
{
    public override TimeSpan? IdleDuration => perPrincipal.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => perPrincipal.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var own = perPrincipal.AttemptAcquire(permitCount);
        if (!own.IsAcquired)
        {
            return own;
        }

        var node = shared.AttemptAcquire(permitCount);
        if (!node.IsAcquired)
        {
            own.Dispose();
            return node;
        }

        return new BothLease(own, node);
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var own = perPrincipal.AttemptAcquire(permitCount);
        if (!own.IsAcquired)
        {
            return own;
        }

        RateLimitLease node;
        try
        {
            node = await shared.AcquireAsync(permitCount, cancellationToken);
        }
        catch
        {
            own.Dispose();
            throw;
        }

        if (!node.IsAcquired)
        {
            own.Dispose();
            return node;
        }

        return new BothLease(own, node);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            perPrincipal.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class BothLease(RateLimitLease first, RateLimitLease second) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                first.Dispose();
                second.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
