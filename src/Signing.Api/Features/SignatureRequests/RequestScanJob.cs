using Microsoft.Extensions.Options;
using Signing.Api.Features.Jobs;
using Signing.Storage.Jobs;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>
/// The recurring scan over in-progress requests: expires those whose deadline passed, and reminds the current actors
/// of steps waiting longer than their urgency's interval (hỏa tốc hourly, thượng khẩn every 4 hours, others daily). The
/// job is claimed like any other, so one node runs each scan, and each reminder is marked with a conditional update.
/// </summary>
public sealed class RequestScanJob(SignatureRequestService requests, IOptions<SignatureRequestOptions> options, TimeProvider clock) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "request-scan";

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(Job job, string node, CancellationToken ct)
    {
        await requests.ExpireOverdueAsync(ct);
        await requests.RemindAsync(ct);
        return JobOutcome.Reschedule(clock.GetUtcNow() + options.Value.ScanInterval);
    }
}
