using Signing.Api.Features.SignatureRequests;
using Signing.Storage;
using Signing.Storage.Audit;
using Signing.Storage.Certificates;
using Signing.Storage.Requests;

namespace Signing.Api.Features.Dossiers;

/// <summary>
/// Moves a dossier from awaiting-signature to signed when the head's signature completes the signature request that
/// carries its PDF, in the transaction that completes the request: the dossier is signed exactly when its request is.
/// </summary>
public sealed class DossierCompletionListener(DossierStore dossiers, AuditLog audit) : IRequestCompletionListener
{
    /// <inheritdoc />
    public async Task OnCompletedAsync(StorageTransaction tx, SignatureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await dossiers.ForSignatureRequestAsync(tx, request.Id, ct) is { } dossier && await dossiers.MarkSignedAsync(tx, dossier.Id, request.Id, ct))
        {
            await audit.AppendAsync(tx, new AuditEntry("system:dossiers", dossier.AgencyId, "dossier.signed", dossier.Id, AuditOutcome.Success, null,
                $"request={request.Id}"), ct);
        }
    }
}
