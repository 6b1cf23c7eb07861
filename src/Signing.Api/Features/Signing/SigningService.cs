using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Keys;
using Signing.Api.Features.Tokens;
using Signing.Api.Hosting;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Pkcs11;
using Signing.Pki.Cms;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Keys;
using Signing.Storage.Operations;

namespace Signing.Api.Features.Signing;

/// <summary>Whose keys an actor may sign with.</summary>
public enum KeyUse
{
    /// <summary>A calling system's granted keys, or a person's own keys.</summary>
    Granted,

    /// <summary>The agency-seal keys of the actor's agency, for a clerk.</summary>
    AgencySeal,
}

/// <summary>A PDF signed in one step.</summary>
/// <param name="Document">The signed document, positioned at 0; the caller disposes it.</param>
/// <param name="Key">The key that signed.</param>
public sealed record SignedPdf(Stream Document, SigningKey Key);

/// <summary>Step one of a two-step PDF signature: what the external signer must sign, and until when.</summary>
/// <param name="OperationId">The stored operation, to complete with <see cref="SigningService.CompletePdfAsync"/>.</param>
/// <param name="SignedAttributes">The DER CAdES signed attributes to sign.</param>
/// <param name="DigestToSign">Their SHA-256, for signers that take a hash.</param>
/// <param name="ExpiresAt">When the operation can no longer be completed.</param>
public sealed record PreparedPdf(string OperationId, byte[] SignedAttributes, byte[] DigestToSign, DateTimeOffset ExpiresAt);

/// <summary>A two-step PDF signature completed.</summary>
/// <param name="Document">The signed document.</param>
/// <param name="Key">The key the operation was prepared for.</param>
public sealed record CompletedPdf(byte[] Document, SigningKey Key);

/// <summary>A raw signature over a digest.</summary>
/// <param name="Signature">PKCS#1 v1.5 or PSS for RSA, DER ECDSA-Sig-Value for EC.</param>
/// <param name="Algorithm">What was produced, e.g. <c>RSA-PKCS1-SHA-256</c>.</param>
public sealed record DigestSignature(byte[] Signature, string Algorithm);

/// <summary>
/// The one signing service: resolves the key an actor asks for and checks that they may use it now (agency, grant or
/// ownership, certificate validity, revocation), opens token keys, and signs PDFs (one step, or prepare and complete
/// for external signers), CMS and digests. The sign, two-step, CSC and desk-sign endpoints and the signature-request
/// workflow all sign through it. It knows no HTTP: it answers with a <see cref="Result{T}"/> and records what it did
/// on the caller's <see cref="AuditTrail"/>; expected exceptions of the PDF, token and TSA layers propagate to
/// <see cref="ProblemMap"/>.
/// </summary>
public sealed partial class SigningService(
    SigningKeyStore keys, KeyRevocationCache revocation, TokenKeys tokens, PdfSignatureService pdf, PdfSignOperationStore operations,
    Storage.Database database, Storage.Results.StoredResultStore results, Storage.Audit.AuditLog audit, IOptions<SigningOptions> options,
    TimeProvider clock, ILogger<SigningService> logger)
{
    /// <summary>Seconds a client should wait before retrying when revocation sources are unreachable.</summary>
    public const int RevocationRetryAfterSeconds = 30;

    /// <summary>
    /// The key, or the failure that explains why <paramref name="actor"/> cannot sign with it now: it exists in the
    /// actor's agency (404 otherwise, so other agencies learn nothing), the actor was granted it (a calling system) or
    /// owns it (a person) (403), it is enabled and its certificate valid (409), and it is not revoked (409; 503 when
    /// no revocation source answers).
    /// </summary>
    public async Task<Result<SigningKey>> ResolveKeyAsync(Actor actor, string? keyId, CancellationToken ct)
        => await ResolveKeyAsync(actor, keyId, KeyUse.Granted, ct);

    /// <summary>
    /// As <see cref="ResolveKeyAsync(Actor, string?, CancellationToken)"/>, with the rule of <paramref name="use"/> for
    /// who may use the key: <see cref="KeyUse.Granted"/> (a calling system's grant or a person's own key), or
    /// <see cref="KeyUse.AgencySeal"/> (a clerk of the agency sealing with one of its agency-seal keys).
    /// </summary>
    public async Task<Result<SigningKey>> ResolveKeyAsync(Actor actor, string? keyId, KeyUse use, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (string.IsNullOrWhiteSpace(keyId))
        {
            return Failure.BadInput("Missing key", "Give keyId: the id of a signing key you were granted (GET /api/v1/keys).", "keyId");
        }

        var (key, granted) = actor.IsClient ? await keys.FindForClientAsync(keyId, actor.Id, ct) : (await keys.FindAsync(keyId, ct), false);
        if (key is null || !actor.BelongsTo(key.AgencyId))
        {
            return new Failure(FailureKind.NotFound, "key-not-found", "Key not found", $"No signing key '{keyId}' in your agency.");
        }

        var allowed = use switch
        {
            KeyUse.AgencySeal => !actor.IsClient && actor.Holds(Roles.Clerk) && key.Purpose == KeyPurpose.AgencySeal,
            _ => actor.IsClient ? granted : key.OwnerUserId == actor.Id,
        };
        if (!allowed)
        {
            return new Failure(FailureKind.Forbidden, "key-not-granted", "Key not granted", use == KeyUse.AgencySeal
                ? $"Key '{keyId}' is not an agency-seal key of your agency, or you are not a clerk."
                : $"You may not use key '{keyId}': a key admin must grant it to your client first.");
        }

        return await CheckUsableAsync(key, ct);
    }

    /// <summary>The key itself if its status, certificate and revocation status let it sign now; else why not.</summary>
    public async Task<Result<SigningKey>> CheckUsableAsync(SigningKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.UnusableReason(clock.GetUtcNow()) is { } reason)
        {
            return KeyCannotSign(reason);
        }

        var verdict = await revocation.CheckAsync(key, ct);
        if (verdict.Unavailable)
        {
            return new Failure(FailureKind.Unavailable, "revocation-unavailable", "Revocation status unavailable", verdict.Detail!)
            {
                RetryAfterSeconds = RevocationRetryAfterSeconds,
            };
        }

        return verdict.Usable ? key : KeyCannotSign(verdict.Detail!);
    }

    /// <summary>Opens the token key of a PKCS#11 key; a desk-token key, or a token the service cannot open, is a failure.</summary>
    public Result<Pkcs11SigningKey> OpenTokenKey(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Location != KeyLocation.Pkcs11)
        {
            return new Failure(FailureKind.Conflict, "key-on-desk-token", "Key cannot sign here",
                "The key lives on an official's desk token; use two-step signing (POST /api/v1/sign/pdf/prepare, then /complete).");
        }

        try
        {
            return tokens.Open(key.Pkcs11Uri!);
        }
        catch (Exception exception) when (exception is TokenNotConfiguredException or Pkcs11Exception or Pkcs11TokenException
            or CryptographicException or FormatException or IOException)
        {
            // The reason names modules, labels or PIN states: operators read it in the log, callers get the trace id.
            LogTokenUnavailable(logger, exception, key.Id);
            return ProblemMap.TokenUnavailable();
        }
    }

    /// <summary>
    /// Signs <paramref name="document"/> with a key already resolved and checked for its caller, as the signature-request
    /// workflow does once it has checked the actor's right and second factor; returns the signed document.
    /// </summary>
    public async Task<Result<byte[]>> SignWithKeyAsync(SigningKey key, Stream document, PdfSignatureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(request);
        if (pdf.Unsupported(request.Level) is { } unsupported)
        {
            return LevelNotSupported(unsupported);
        }

        var opened = OpenTokenKey(key);
        if (opened.Failure is { } openFailure)
        {
            return openFailure;
        }

        using var output = new MemoryStream(checked((int)document.Length + (64 * 1024)));
        await pdf.SignAsync(document, output, request, opened.Value!.PrivateKey, key.SignerCertificate(), key.RegisteredChain(), ct);
        return output.ToArray();
    }

    /// <summary>Signs <paramref name="input"/> in one step with a key the service holds, at the level asked for.</summary>
    public async Task<Result<SignedPdf>> SignPdfAsync(Actor actor, PdfToSign input, AuditTrail trail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(trail);
        trail.Target = TimeOrderedIds.New();
        trail.Add("sha256", input.Sha256).Add("key", input.KeyId).Add("level", input.Level);
        var key = await ResolveKeyAsync(actor, input.KeyId, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var signingKey = key.Value;
        var opened = OpenTokenKey(signingKey!);
        if (opened.Failure is { } openFailure)
        {
            return openFailure;
        }

        if (pdf.Unsupported(input.Level) is { } unsupported)
        {
            return LevelNotSupported(unsupported);
        }

        var request = SignatureRequestFor(input, signingKey!.SignerCertificate());
        if (request.Failure is { } requestFailure)
        {
            return requestFailure;
        }

        trail.Note(request.Value!.AuditDetails);
        var output = input.CreateOutputBuffer();
        try
        {
            await pdf.SignAsync(input.Document, output, request.Value, opened.Value!.PrivateKey, signingKey.SignerCertificate(),
                signingKey.RegisteredChain(), ct);
            output.Position = 0;
            return new SignedPdf(output, signingKey);
        }
        catch
        {
            await output.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Step one of two-step signing: prepares <paramref name="input"/> for the key's level and stores the operation, so
    /// that any node can complete it with the external signature.
    /// </summary>
    public async Task<Result<PreparedPdf>> PreparePdfAsync(Actor actor, PdfToSign input, AuditTrail trail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(trail);
        trail.Target = TimeOrderedIds.New();
        trail.Add("sha256", input.Sha256).Add("key", input.KeyId).Add("level", input.Level);
        var key = await ResolveKeyAsync(actor, input.KeyId, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        if (pdf.UnsupportedInTwoSteps(input.Level) is { } unsupported)
        {
            return LevelNotSupported(unsupported);
        }

        var signingKey = key.Value!;
        var request = SignatureRequestFor(input, signingKey.SignerCertificate());
        if (request.Failure is { } requestFailure)
        {
            return requestFailure;
        }

        trail.Note(request.Value!.AuditDetails);
        return await PrepareAsync(actor, signingKey, input.Document, input.Sha256, request.Value, trail.Target, ct);
    }

    /// <summary>
    /// Step one of two-step signing with a key already resolved for its caller and a signature already composed (the
    /// signature-request workflow's official block): prepares <paramref name="document"/> and stores the operation.
    /// </summary>
    public Task<Result<PreparedPdf>> PrepareWithKeyAsync(
        Actor actor, SigningKey key, byte[] document, string sha256, PdfSignatureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(request);
        return pdf.UnsupportedInTwoSteps(request.Level) is { } unsupported
            ? Task.FromResult<Result<PreparedPdf>>(LevelNotSupported(unsupported))
            : PrepareAsync(actor, key, PdfBytes.Open(document), sha256, request, TimeOrderedIds.New(), ct);
    }

    private async Task<Result<PreparedPdf>> PrepareAsync(
        Actor actor, SigningKey signingKey, Stream document, string sha256, PdfSignatureRequest request, string operationId, CancellationToken ct)
    {
        await using Stream output = document is MemoryStream ? new MemoryStream() : Pdf.PdfScratchFile.Create("prepare");
        var prepared = await pdf.PrepareAsync(document, output, request, signingKey.SignerCertificate(), signingKey.RegisteredChain(), ct);
        if (output.Length > options.Value.MaxPreparedDocumentBytes)
        {
            return new Failure(FailureKind.TooLarge, "prepared-document-too-large", "Document too large for two-step signing",
                $"The prepared document has {output.Length} bytes; two-step signing keeps at most {options.Value.MaxPreparedDocumentBytes} (Signing:MaxPreparedDocumentBytes).");
        }

        var preparedDocument = new byte[output.Length];
        output.Position = 0;
        await output.ReadExactlyAsync(preparedDocument, ct);
        var now = clock.GetUtcNow();
        var expiresAt = now + options.Value.OperationLifetime;
        await operations.CreateAsync(new PdfSignOperation(
            operationId, signingKey.AgencyId, signingKey.Id, actor.Id, request.Level, prepared.Document.ToJson(), prepared.SignedAttributes,
            preparedDocument, sha256, now.ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds(), null), ct);
        return new PreparedPdf(operationId, prepared.SignedAttributes, prepared.DigestToSign, expiresAt);
    }

    /// <summary>
    /// Step two: checks the external signature and certificate against the operation's key, claims the operation once,
    /// and embeds the CMS. A wrong signature does not burn the operation; two racing completions cannot both succeed.
    /// </summary>
    public async Task<Result<CompletedPdf>> CompletePdfAsync(
        Actor actor, string operationId, string? signatureBase64, string? certificateText, AuditTrail trail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(trail);
        trail.Target = operationId;
        var operation = await operations.FindAsync(operationId, ct);
        if (operation is null || !actor.BelongsTo(operation.AgencyId))
        {
            return new Failure(FailureKind.NotFound, "operation-not-found", "Operation not found", $"No signing operation '{operationId}' in your agency.");
        }

        trail.Add("sha256", operation.DocumentSha256).Add("key", operation.KeyId).Add("level", operation.Level);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (operation.CompletedAt is not null)
        {
            return await AlreadyCompletedAsync(actor, operation.Id, "was completed already; an operation completes once", ct);
        }

        if (operation.ExpiresAt <= now)
        {
            return new Failure(FailureKind.Gone, "operation-expired", "Operation expired",
                $"Signing operation '{operation.Id}' expired at {DateTimeOffset.FromUnixTimeMilliseconds(operation.ExpiresAt):yyyy-MM-dd HH:mm:ss}Z; prepare the document again.");
        }

        var key = await ResolveKeyAsync(actor, operation.KeyId, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var assembled = await AssembleExternalSignatureAsync(key.Value!, operation.SignedAttributes, operation.Level, signatureBase64, certificateText, ct);
        if (assembled.Failure is { } assemblyFailure)
        {
            return assemblyFailure;
        }

        using var document = new MemoryStream();
        await document.WriteAsync(operation.PreparedPdf, ct);
        document.Position = 0;
        await PdfSignatureService.EmbedAsync(document, PreparedSignature.FromJson(operation.StateJson), assembled.Value!, ct);

        // The claim, the signed document and its audit record commit together: a completion that crashed before its reply
        // left is not lost, a retry learns where the document is (GET /api/v1/results/{operationId}), and no signature
        // exists without its record (the kill loop found one when the record was appended after this commit).
        await using (var transaction = await database.BeginWriteAsync($"operation:{operation.Id}", ct))
        {
            if (!await operations.TryClaimAsync(transaction, operation.Id, now, ct))
            {
                return await AlreadyCompletedAsync(actor, operation.Id, "was completed (or expired) while this request ran", ct);
            }

            document.Position = 0;
            await results.SaveAsync(transaction, operation.Id, actor.Id, "application/pdf",
                System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { [SignEndpoints.SignatureIdHeader] = operation.Id }), document, ct);
            if (trail.SuccessEntry is { } success)
            {
                await audit.AppendAsync(transaction, success(trail), ct);
            }

            await transaction.CommitAsync(ct);
            trail.SuccessRecorded = trail.SuccessEntry is not null;
        }

        return new CompletedPdf(document.ToArray(), key.Value!);
    }

    private async Task<Failure> AlreadyCompletedAsync(Actor actor, string operationId, string what, CancellationToken ct)
    {
        var stored = await results.FindAsync(operationId, ct);
        return stored is not null && stored.Principal == actor.Id
            ? new Failure(FailureKind.Conflict, "operation-completed", "Operation already completed",
                $"Signing operation '{operationId}' {what}; its signed document is at {Hosting.IdempotencyMiddleware.ResultsPath}{operationId}.")
            : new Failure(FailureKind.Conflict, "operation-completed", "Operation already completed", $"Signing operation '{operationId}' {what}.");
    }

    /// <summary>Signs data or a precomputed digest into a CAdES CMS (detached, or enveloping the data).</summary>
    public async Task<Result<byte[]>> SignCmsAsync(
        Actor actor, string? keyId, byte[]? data, byte[]? hash, HashAlgorithmName digestAlgorithm, bool detached, CancellationToken ct)
    {
        var key = await ResolveKeyAsync(actor, keyId, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var opened = OpenTokenKey(key.Value!);
        if (opened.Failure is { } openFailure)
        {
            return openFailure;
        }

        var signingKey = key.Value!;
        var cadesOptions = new CadesSignOptions
        {
            Certificate = signingKey.SignerCertificate(),
            Chain = signingKey.RegisteredChain(),
            DigestAlgorithm = digestAlgorithm,
        };
        return data is not null
            ? await CadesSigner.SignAsync(data, detached, opened.Value!.PrivateKey, cadesOptions, ct)
            : CadesSigner.Prepare(hash, cadesOptions).SignWith(opened.Value!.PrivateKey);
    }

    /// <summary>Signs a digest with a key the actor may use.</summary>
    public async Task<Result<DigestSignature>> SignDigestAsync(
        Actor actor, string? keyId, byte[] hash, HashAlgorithmName digestAlgorithm, bool pss, CancellationToken ct)
    {
        var key = await ResolveKeyAsync(actor, keyId, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure;
        }

        var opened = OpenTokenKey(key.Value!);
        return opened.Failure is { } openFailure ? openFailure : SignDigest(opened.Value!.PrivateKey, hash, digestAlgorithm, pss);
    }

    /// <summary>Signs a digest: PKCS#1 v1.5 or PSS for RSA, DER ECDSA-Sig-Value for EC.</summary>
    public static DigestSignature SignDigest(AsymmetricAlgorithm key, byte[] hash, HashAlgorithmName digest, bool pss) => key switch
    {
        RSA rsa => new(rsa.SignHash(hash, digest, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            $"RSA-{(pss ? "PSS" : "PKCS1")}-{HashAlgorithms.NameOf(digest)}"),
        ECDsa ecdsa => new(ecdsa.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence), $"ECDSA-{HashAlgorithms.NameOf(digest)}"),
        _ => throw new CryptographicException($"Keys of type {key.GetType().Name} cannot sign."),
    };

    /// <summary>
    /// The signature details asked for in <paramref name="input"/>, with the appearance checked against the document and
    /// built (default text from <paramref name="certificate"/>, time now); reads the document only for an anchor or a page.
    /// </summary>
    public Result<PdfSignatureRequest> SignatureRequestFor(PdfToSign input, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(certificate);
        var signingTime = clock.GetLocalNow();
        // One budget for the anchor search and the signing that follows: the request, not each read, is bounded.
        var limits = pdf.RequestReaderLimits();
        if (input.Appearance is null)
        {
            return new PdfSignatureRequest(input.Level, input.Reason, input.Location, SigningTime: signingTime) { ReaderLimits = limits };
        }

        try
        {
            var appearance = input.Appearance.Resolve(input.Document, signingTime,
                certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), limits);
            return new PdfSignatureRequest(input.Level, input.Reason, input.Location, appearance, signingTime) { ReaderLimits = limits };
        }
        catch (AppearanceOptionException e)
        {
            return Failure.BadInput("Invalid appearance option", e.Message, e.Option);
        }
        finally
        {
            input.Document.Position = 0;
        }
    }

    private async Task<Result<byte[]>> AssembleExternalSignatureAsync(
        SigningKey key, byte[] signedAttributes, string level, string? signatureBase64, string? certificateText, CancellationToken ct)
    {
        byte[] signature;
        X509Certificate2 presented;
        try
        {
            signature = Convert.FromBase64String(signatureBase64 ?? "");
            var text = certificateText ?? "";
            presented = text.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException)
        {
            return Failure.BadInput("Malformed input", $"signature must be base64 and certificate base64 DER or PEM: {exception.Message}");
        }

        using (presented)
        {
            var registered = key.SignerCertificate();
            if (!presented.RawData.AsSpan().SequenceEqual(registered.RawData))
            {
                return new Failure(FailureKind.Unprocessable, "certificate-mismatch", "Certificate mismatch",
                    $"The certificate '{presented.Subject}' is not the certificate of key '{key.Id}' ('{registered.Subject}').");
            }

            try
            {
                return await pdf.AssembleAsync(signedAttributes, signature, level, registered, key.RegisteredChain(), ct);
            }
            catch (CryptographicException exception)
            {
                return new Failure(FailureKind.Unprocessable, "signature-mismatch", "Signature mismatch", exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The token of key {KeyId} could not be opened")]
    private static partial void LogTokenUnavailable(ILogger logger, Exception exception, string keyId);

    private static Failure KeyCannotSign(string reason) => new(FailureKind.Conflict, "key-cannot-sign", "Key cannot sign", reason);

    private static Failure LevelNotSupported(string reason) => new(FailureKind.Unprocessable, "level-not-supported", "Level not supported", reason);
}
