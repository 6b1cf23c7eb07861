using Signing.Storage;

namespace Signing.Api.Hosting;

/// <summary>
/// Who this process is among the nodes sharing one database: a name for people (host and process id) and an id that is
/// new at every start, so that what a crashed process held (an idempotency key in flight) is known to be nobody's.
/// </summary>
public sealed class NodeIdentity
{
    /// <summary>This process's id, new at every start.</summary>
    public string Id { get; } = TimeOrderedIds.New();

    /// <summary>The host name and process id, for logs, checkpoints and operators.</summary>
    public string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";
}
