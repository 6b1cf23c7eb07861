using Signing.Storage;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>
/// Hears that a signature request was completed (its last step done), inside the transaction that completes it, so
/// that what waits on the signed document (a GCC dossier waiting for its head's signature) moves in the same commit:
/// both happen or neither does, on whichever node signed.
/// </summary>
public interface IRequestCompletionListener
{
    /// <summary>Called once per completed request, inside <paramref name="tx"/>; must only write through it.</summary>
    Task OnCompletedAsync(StorageTransaction tx, SignatureRequest request, CancellationToken ct);
}
