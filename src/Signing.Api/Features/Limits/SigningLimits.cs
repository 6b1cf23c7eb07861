using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;

namespace Signing.Api.Features.Limits;

/// <summary>Signing and verification limits, read from the <c>Limits</c> section next to the request size limit.</summary>
public sealed class SigningLimitsOptions
{
    /// <summary>The configuration section name (shared with <see cref="Hosting.LimitsOptions"/>).</summary>
    public const string Section = "Limits";

    /// <summary>The most pages a PDF to sign may have (default 2000); more gets 413.</summary>
    public int MaxPages { get; set; } = 2000;

    /// <summary>
    /// The most bytes the streams of one uploaded PDF may decompress to in total, over every read of one request (anchor
    /// search, signing, validation); more gets 422 (default 256 MiB).
    /// </summary>
    public long MaxDecodedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most objects and content operators parsed from one uploaded PDF per request; more gets 422 (default 20 million).</summary>
    public long MaxParseOperations { get; set; } = 20_000_000;

    /// <summary>
    /// Sign, verify and CSC requests, and signature-request submissions and step actions, one principal may make per
    /// minute, together (default 600).
    /// </summary>
    public int SignRequestsPerMinute { get; set; } = 600;

    /// <summary>Sign and verify requests processed at once by this node (default: two per processor).</summary>
    public int MaxConcurrentSigns { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Requests that may wait for a free slot; beyond that the answer is 503 with Retry-After (default 32).</summary>
    public int SignQueueLimit { get; set; } = 32;

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxPages < 1)
        {
            problems.Add("Limits:MaxPages must be at least 1.");
        }

        if (MaxDecodedBytes is < 1024 * 1024 or > 16L * 1024 * 1024 * 1024)
        {
            problems.Add("Limits:MaxDecodedBytes must be between 1 MiB and 16 GiB.");
        }

        if (MaxParseOperations is < 10_000 or > 10_000_000_000)
        {
            problems.Add("Limits:MaxParseOperations must be between 10000 and 10000000000.");
        }

        if (SignRequestsPerMinute < 1)
        {
            problems.Add("Limits:SignRequestsPerMinute must be at least 1.");
        }

        if (MaxConcurrentSigns < 1)
        {
            problems.Add("Limits:MaxConcurrentSigns must be at least 1.");
        }

        if (SignQueueLimit is < 0 or > 10_000)
        {
            problems.Add("Limits:SignQueueLimit must be between 0 and 10000.");
        }

        return problems;
    }
}

/// <summary>
/// Rate limits for sign and verify: a per-principal token bucket (429 when a client exceeds its share) chained with
/// one node-wide concurrency limiter with a bounded queue (503 when the node is saturated). Both answer with Retry-After.
/// </summary>
public static class SigningLimits
{
    /// <summary>The rate-limiter policy on the sign, verify and CSC route groups.</summary>
    public const string PolicyName = "signing";

    /// <summary>Seconds to wait when the node's signing queue is full.</summary>
    public const int SaturatedRetryAfterSeconds = 2;

    /// <summary>Registers the options and the policy.</summary>
    public static IServiceCollection AddSigningLimits(this IServiceCollection services)
    {
        services.AddOptions<SigningLimitsOptions>().BindConfiguration(SigningLimitsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SigningLimitsOptions>>(new Hosting.ProblemListValidator<SigningLimitsOptions>(options => options.Problems()));
        services.AddSingleton<SigningRateLimiterPolicy>();
        services.AddOptions<RateLimiterOptions>().Configure<SigningRateLimiterPolicy>((options, policy) => options.AddPolicy(PolicyName, policy));
        return services;
    }
}

/// <summary>The <see cref="SigningLimits.PolicyName"/> policy: per-principal rate, then the node-wide concurrency limit.</summary>
public sealed class SigningRateLimiterPolicy : IRateLimiterPolicy<string>, IDisposable
{
    private readonly SigningLimitsOptions _options;
    private readonly ConcurrencyLimiter _concurrency;

    /// <summary>Creates the policy from the configured limits.</summary>
    public SigningRateLimiterPolicy(IOptions<SigningLimitsOptions> options)
    {
        _options = options.Value;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.MaxConcurrentSigns,
            QueueLimit = _options.SignQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <inheritdoc />
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (context, _) =>
    {
        var response = context.HttpContext.Response;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // No per-client wait means the shared concurrency queue was full: the node, not the client, is the limit.
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = SigningLimits.SaturatedRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return ValueTask.CompletedTask;
    };

    /// <inheritdoc />
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var principal = httpContext.User.Subject() ?? $"ip:{httpContext.Connection.RemoteIpAddress}";
        return new RateLimitPartition<string>(principal, key => new ChainedPerPrincipalLimiter(
            new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = _options.SignRequestsPerMinute,
                TokensPerPeriod = _options.SignRequestsPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }),
            _concurrency));
    }

    /// <summary>Releases the shared concurrency limiter.</summary>
    public void Dispose() => _concurrency.Dispose();
}
