using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Certificates;
using Signing.Api.Features.Tokens;
using Signing.Api.Hosting;
using Signing.Pkcs11;
using Signing.Pki.Certificates;
using Signing.Pki.Requests;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Agencies;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.GccRequests;

/// <summary>
/// Requests to the Government Cipher Committee: drafted per kind with that kind's fields and rules, rewritten or deleted
/// while drafts, gathered into dossiers. For keys that live on the agency's HSM (agency seals, devices, services) the
/// key is generated on the token (sensitive, never extractable) and the request signs its CSR there with the UTF-8
/// Vietnamese subject; a CSR brought from elsewhere for such a key is refused unless its key is on the token.
/// </summary>
public sealed class GccRequestService(
    GccRequestStore requests, CertificateStore certificates, AgencyStore agencies, AccountStore accounts, TokenKeys tokens,
    IOptions<CertificateOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Drafts a request.</summary>
    public async Task<Result<GccRequestView>> CreateAsync(Actor actor, GccRequestInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var drafted = await DraftAsync(actor, input, ct);
        if (drafted.Failure is { } failure)
        {
            return failure;
        }

        var (draft, holder, certificateId) = drafted.Value;
        var now = Now;
        var request = new GccRequest(TimeOrderedIds.New(), actor.AgencyId, draft.Kind, GccRequestStates.Draft, null, null, holder, certificateId,
            JsonSerializer.Serialize(draft.Fields, Json), draft.SubjectBefore, draft.SubjectAfter, draft.RevocationReason, null, null, draft.PublicKeySha256, null,
            null, actor.AuditName, now, now, null);
        await requests.InsertAsync(request, ct);
        return View(request);
    }

    /// <summary>Rewrites a draft (the kind stays).</summary>
    public async Task<Result<GccRequestView>> UpdateAsync(Actor actor, string id, GccRequestInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } notFound)
        {
            return notFound;
        }

        var existing = found.Value!;
        if (existing.State != GccRequestStates.Draft)
        {
            return NotDraft(existing);
        }

        var drafted = await DraftAsync(actor, input with { Kind = existing.Kind }, ct);
        if (drafted.Failure is { } failure)
        {
            return failure;
        }

        var (draft, holder, certificateId) = drafted.Value;
        var changed = existing with
        {
            HolderUserId = holder,
            CertificateId = certificateId,
            Fields = JsonSerializer.Serialize(draft.Fields, Json),
            SubjectBefore = draft.SubjectBefore,
            SubjectAfter = draft.SubjectAfter,
            RevocationReason = draft.RevocationReason,
            PublicKeySha256 = existing.Csr is null ? draft.PublicKeySha256 : existing.PublicKeySha256,
            UpdatedAt = Now,
        };
        return await requests.UpdateDraftAsync(changed, ct) ? View(changed) : NotDraft(existing);
    }

    /// <summary>Deletes a draft.</summary>
    public async Task<Result<bool>> DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        return await requests.DeleteDraftAsync(id, ct) ? true : NotDraft(found.Value!);
    }

    /// <summary>A request of the actor's agency.</summary>
    public async Task<Result<GccRequestView>> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        return found.Failure is { } failure ? failure : View(found.Value!);
    }

    /// <summary>The agency's requests, newest first.</summary>
    public async Task<Result<IReadOnlyList<GccRequestView>>> ListAsync(Actor actor, string? state, string? kind, int limit, CancellationToken ct)
    {
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        if (state is not null && !GccRequestStates.All.Contains(state))
        {
            return Failure.BadInput("Unknown state", $"state is one of {string.Join(", ", GccRequestStates.All)}.", "state");
        }

        return (await requests.ListAsync(actor.AgencyId, state, kind, limit, ct)).Select(View).ToList();
    }

    /// <summary>The request's CSR (DER), if it has one.</summary>
    public async Task<Result<byte[]>> CsrAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        return found.Value!.Csr is { } csr ? csr
            : new Failure(FailureKind.NotFound, "no-csr", "No CSR", "This request has no CSR yet: generate its key on the HSM, or upload one.");
    }

    /// <summary>
    /// Generates the request's key on the HSM (or takes a key already there) and signs its CSR with the UTF-8 subject.
    /// A key URI that names no key on a configured token is refused.
    /// </summary>
    public async Task<Result<GccRequestView>> MakeKeyAsync(Actor actor, string id, KeyRequest key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } notFound)
        {
            return notFound;
        }

        var request = found.Value!;
        if (request.State is not (GccRequestStates.Draft or GccRequestStates.Queued))
        {
            return NotDraft(request);
        }

        if (!GccRequestKinds.Issues(request.Kind) && request.Kind != GccRequestKinds.Renew)
        {
            return new Failure(FailureKind.Conflict, "no-key-for-kind", "No key for this kind",
                $"A {request.Kind} request keeps the certificate's key; only issuing (and renewing onto a new key) makes one.");
        }

        var subject = await SubjectForCsrAsync(request, ct);
        if (subject is null)
        {
            return new Failure(FailureKind.Conflict, "no-subject", "No subject", "The request has no subject to put in a CSR.");
        }

        Pkcs11SigningKey opened;
        string uri;
        if (key.KeyUri is { } existingUri)
        {
            var checkedUri = CheckConfiguredUri(existingUri);
            if (checkedUri.Failure is { } uriFailure)
            {
                return uriFailure;
            }

            try
            {
                opened = tokens.Open(existingUri);
            }
            catch (Pkcs11TokenException e) when (e.Kind == Pkcs11ErrorKind.KeyNotFound)
            {
                return KeyNotOnToken($"No key named by {existingUri} is on token '{checkedUri.Value!.Token}'.");
            }

            uri = existingUri;
        }
        else
        {
            var label = key.TokenLabel ?? options.Value.HsmTokenLabel ?? tokens.Labels.FirstOrDefault();
            if (label is null || !tokens.Labels.Contains(label))
            {
                return new Failure(FailureKind.Conflict, "no-hsm-token", "No HSM token",
                    $"The service has no token '{label ?? "(none)"}' to generate keys on (Pkcs11:Tokens, Certificates:HsmTokenLabel).");
            }

            var algorithm = key.Algorithm ?? "rsa2048";
            Pkcs11KeyAlgorithm? parsed = algorithm switch
            {
                "rsa2048" => Pkcs11KeyAlgorithm.Rsa2048,
                "rsa3072" => Pkcs11KeyAlgorithm.Rsa3072,
                "rsa4096" => Pkcs11KeyAlgorithm.Rsa4096,
                "ecp256" => Pkcs11KeyAlgorithm.EcP256,
                "ecp384" => Pkcs11KeyAlgorithm.EcP384,
                _ => null,
            };
            if (parsed is null)
            {
                return Failure.BadInput("Unknown algorithm", "algorithm is rsa2048 (default), rsa3072, rsa4096, ecp256 or ecp384.", "algorithm");
            }

            // Sensitive and never extractable (Pkcs11Token.GenerateKeyPair): only the CSR and later the certificate leave the token.
            var generated = tokens.OpenToken(label).GenerateKeyPair(parsed.Value, $"gcc-{request.Id[..16]}");
            uri = generated.Uri.ToString();
            opened = tokens.Open(uri);
        }

        var csr = SigningRequests.Create(subject, opened.PrivateKey);
        var digest = CertificateFacts.PublicKeyDigest(opened.Key.ExportSubjectPublicKeyInfo());
        if (!await requests.SetKeyAsync(request.Id, uri, csr, digest, ct))
        {
            return NotDraft(request);
        }

        return View((await requests.FindAsync(request.Id, ct))!);
    }

    /// <summary>
    /// Takes a CSR made elsewhere (an official's USB token at the desk). For a request whose key is to live on the HSM the
    /// CSR's key must be a key on a configured token; otherwise it is refused.
    /// </summary>
    public async Task<Result<GccRequestView>> UploadCsrAsync(Actor actor, string id, byte[] content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var found = await FindAsync(actor, id, ct);
        if (found.Failure is { } notFound)
        {
            return notFound;
        }

        var request = found.Value!;
        if (request.State is not (GccRequestStates.Draft or GccRequestStates.Queued))
        {
            return NotDraft(request);
        }

        if (!GccRequestKinds.Issues(request.Kind) && request.Kind != GccRequestKinds.Renew)
        {
            return new Failure(FailureKind.Conflict, "no-key-for-kind", "No key for this kind", $"A {request.Kind} request keeps the certificate's key; it takes no CSR.");
        }

        System.Security.Cryptography.X509Certificates.CertificateRequest csr;
        try
        {
            csr = SigningRequests.Load(content);
        }
        catch (CryptographicException e)
        {
            return new Failure(FailureKind.Unprocessable, "unparseable-csr", "CSR does not parse", $"Not a PKCS#10 request with a valid signature: {e.Message}") { Field = "file" };
        }

        var digest = CertificateFacts.PublicKeyDigest(csr.PublicKey);
        string? keyUri = null;
        var fields = JsonSerializer.Deserialize<GccRequestFields>(request.Fields, Json) ?? new GccRequestFields();
        if (fields.KeyLocation == KeyLocations.Hsm)
        {
            keyUri = FindOnTokens(digest);
            if (keyUri is null)
            {
                return KeyNotOnToken(
                    $"The request's key is to live on the agency's HSM, but no key on {string.Join(", ", tokens.Labels.DefaultIfEmpty("(no token)"))} has the CSR's public key; generate the key on the HSM instead.");
            }
        }

        var der = content.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("-----"u8) ? PemToDer(content) : content;
        return await requests.SetKeyAsync(request.Id, keyUri, der, digest, ct)
            ? View((await requests.FindAsync(request.Id, ct))!)
            : NotDraft(request);
    }

    /// <summary>The view of a stored request.</summary>
    public static GccRequestView View(GccRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = GccRequestKinds.Find(request.Kind);
        var reason = RevocationReasons.Find(request.RevocationReason);
        return new GccRequestView(request.Id, request.Kind, kind?.Form, kind?.Title ?? request.Kind, request.State, request.DossierId, request.MergerId,
            request.HolderUserId, request.CertificateId, JsonSerializer.Deserialize<GccRequestFields>(request.Fields, Json) ?? new GccRequestFields(),
            request.SubjectBefore, request.SubjectAfter, request.RevocationReason, reason?.Vietnamese, request.KeyUri, request.Csr is not null,
            request.PublicKeySha256, request.IssuedCertificateId, request.OutcomeNote, request.CreatedBy, DateTimeOffset.FromUnixTimeMilliseconds(request.CreatedAt),
            request.ClosedAt is { } closed ? DateTimeOffset.FromUnixTimeMilliseconds(closed) : null);
    }

    /// <summary>The stored fields of a request.</summary>
    public static GccRequestFields FieldsOf(GccRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonSerializer.Deserialize<GccRequestFields>(request.Fields, Json) ?? new GccRequestFields();
    }

    /// <summary>The fields serialised as stored.</summary>
    public static string Serialise(GccRequestFields fields) => JsonSerializer.Serialize(fields, Json);

    /// <summary>A request of the actor's agency, if the actor manages certificates.</summary>
    public async Task<Result<GccRequest>> FindAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        var request = await requests.FindAsync(id, ct);
        return request is null || !actor.BelongsTo(request.AgencyId)
            ? new Failure(FailureKind.NotFound, "certificate-request-not-found", "Request not found", $"No certificate request '{id}' in your agency.")
            : request;
    }

    private async Task<Result<(DraftedRequest Draft, string? Holder, string? CertificateId)>> DraftAsync(Actor actor, GccRequestInput input, CancellationToken ct)
    {
        if (!CertificateInventory.ManagesCertificates(actor))
        {
            return CertificateInventory.NotCertAdmin();
        }

        var agency = (await agencies.FindAsync(actor.AgencyId, ct))!;
        CertificateRecord? certificate = null;
        if (input.CertificateId is { } certificateId)
        {
            certificate = await certificates.FindAsync(certificateId, ct);
            if (certificate is null || certificate.AgencyId != actor.AgencyId)
            {
                return new Failure(FailureKind.NotFound, "certificate-not-found", "Certificate not found", $"No certificate '{certificateId}' in your inventory.")
                {
                    Field = "certificateId",
                };
            }
        }

        var drafted = GccRequestDrafting.Draft(input, agency, certificate, options.Value.OfficialEmailDomains);
        if (drafted.Failure is { } failure)
        {
            return failure;
        }

        var holder = certificate?.HolderUserId;
        if (drafted.Value!.Kind == GccRequestKinds.IssueIndividual && input.HolderUserId is { } holderId)
        {
            if ((await accounts.FindUserAsync(holderId, ct))?.AgencyId != actor.AgencyId)
            {
                return Failure.BadInput("Unknown holder", $"No person '{holderId}' in your agency.", "holderUserId");
            }

            holder = holderId;
        }

        return (drafted.Value, holder, GccRequestKinds.ConcernsCertificate(drafted.Value.Kind) ? certificate?.Id : null);
    }

    private async Task<Pki.Names.SubjectName?> SubjectForCsrAsync(GccRequest request, CancellationToken ct)
    {
        var agency = (await agencies.FindAsync(request.AgencyId, ct))!;
        var certificate = request.CertificateId is { } certificateId ? await certificates.FindAsync(certificateId, ct) : null;
        var redrafted = GccRequestDrafting.Draft(new GccRequestInput(request.Kind, request.HolderUserId, request.CertificateId, request.RevocationReason,
            FieldsOf(request)), agency, certificate, []);
        return redrafted.Value?.Subject;
    }

    private Result<Pkcs11Uri> CheckConfiguredUri(string uri)
    {
        Pkcs11Uri parsed;
        try
        {
            parsed = Pkcs11Uri.Parse(uri);
        }
        catch (FormatException e)
        {
            return Failure.BadInput("Bad key URI", $"keyUri is not a PKCS#11 URI (RFC 7512): {e.Message}", "keyUri");
        }

        if (parsed.Token is null || !tokens.Labels.Contains(parsed.Token))
        {
            return KeyNotOnToken($"keyUri names token '{parsed.Token ?? "(none)"}', which is not a token of the service ({string.Join(", ", tokens.Labels.DefaultIfEmpty("none"))}).");
        }

        return parsed;
    }

    private string? FindOnTokens(string publicKeyDigest)
    {
        foreach (var label in tokens.Labels)
        {
            var token = tokens.OpenToken(label);
            foreach (var entry in token.ListObjects().Where(o => o.Class == Pkcs11ObjectClass.PrivateKey))
            {
                var key = token.OpenPrivateKey(entry.Uri);
                if (CertificateFacts.PublicKeyDigest(key.ExportSubjectPublicKeyInfo()) == publicKeyDigest)
                {
                    return entry.Uri.ToString();
                }
            }
        }

        return null;
    }

    private static byte[] PemToDer(byte[] pem)
    {
        var text = System.Text.Encoding.ASCII.GetString(pem);
        var fields = PemEncoding.Find(text);
        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    private static Failure KeyNotOnToken(string detail) => new(FailureKind.Unprocessable, "key-not-on-token", "Key not on the token", detail) { Field = "keyUri" };

    private static Failure NotDraft(GccRequest request) => new(FailureKind.Conflict, "request-not-editable", "Request not editable",
        $"Request '{request.Id}' is {request.State}; only a draft (or, for its key, a queued request) can change.");
}
