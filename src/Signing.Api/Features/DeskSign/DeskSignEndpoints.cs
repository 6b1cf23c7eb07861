using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Signing;
using Signing.Api.Features.Verification;
using Signing.Pdf.Validation;
using Signing.Storage.Audit;
using Signing.Storage.DeskSign;

namespace Signing.Api.Features.DeskSign;

/// <summary>
/// Signing at the desk with the GCC desk signer (VGCA Sign Service): a calling system or the official creates a session
/// for a document and a registered key, hands the desk signer a one-time download URL (its <c>FileName</c>) and a
/// one-time upload URL (its <c>FileUploadHandler</c>), and the desk signer posts the signed file back as multipart
/// field <c>uploadfile</c>, answered with <c>{Status, Message, FileName, FileServer}</c>.
/// </summary>
public static class DeskSignEndpoints
{
    /// <summary>The desk signer's <c>Status</c> for an accepted upload.</summary>
    public const int StatusAccepted = 0;

    /// <summary>The desk signer's <c>Status</c> for an unknown or expired upload URL.</summary>
    public const int StatusUnknownSession = 1;

    /// <summary>The desk signer's <c>Status</c> for a refused upload (wrong document, signature or signer).</summary>
    public const int StatusRefused = 2;

    /// <summary>The desk signer's <c>Status</c> for a second upload to a session already signed.</summary>
    public const int StatusAlreadySigned = 3;

    private const string Prefix = "/api/v1/desk-sign";
    private const int MaxFileNameLength = 200;

    /// <summary>A created session.</summary>
    /// <param name="SessionId">Pass to <c>GET /api/v1/desk-sign/sessions/{sessionId}</c>.</param>
    /// <param name="FileName">The one-time download URL, for the desk signer's <c>FileName</c>.</param>
    /// <param name="FileUploadHandler">The one-time upload URL, for the desk signer's <c>FileUploadHandler</c>.</param>
    /// <param name="ExpiresAt">When both URLs stop working.</param>
    public sealed record CreateResponse(string SessionId, string FileName, string FileUploadHandler, DateTimeOffset ExpiresAt);

    /// <summary>A session's state for its creator.</summary>
    /// <param name="SessionId">The session.</param>
    /// <param name="Status">pending, downloaded, signed or expired.</param>
    /// <param name="KeyId">The key the document must be signed with.</param>
    /// <param name="FileName">The original file name.</param>
    /// <param name="OriginalSha256">Hex SHA-256 of the original.</param>
    /// <param name="SignedSha256">Hex SHA-256 of the signed document, once signed.</param>
    /// <param name="ExpiresAt">When the URLs stop working.</param>
    /// <param name="SignedAt">When the signed document was accepted.</param>
    /// <param name="SignedFile">Where to fetch the signed document, once signed.</param>
    public sealed record SessionResponse(
        string SessionId, string Status, string KeyId, string FileName, string OriginalSha256, string? SignedSha256,
        DateTimeOffset ExpiresAt, DateTimeOffset? SignedAt, string? SignedFile);

    /// <summary>The reply the desk signer expects from the upload handler; property names are its, not ours.</summary>
    /// <param name="Status">0 when accepted, non-zero otherwise.</param>
    /// <param name="Message">What happened, for the official.</param>
    /// <param name="FileName">The signed file's name.</param>
    /// <param name="FileServer">Where the session's creator fetches the signed file.</param>
    public sealed record UploadReply(
        [property: JsonPropertyName("Status")] int Status,
        [property: JsonPropertyName("Message")] string Message,
        [property: JsonPropertyName("FileName")] string? FileName,
        [property: JsonPropertyName("FileServer")] string? FileServer);

    /// <summary>Maps the desk-signing endpoints; reads and checks the <c>DeskSign</c> configuration once.</summary>
    /// <exception cref="InvalidOperationException">The <c>DeskSign</c> configuration is unusable.</exception>
    public static IEndpointRouteBuilder MapDeskSignEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(DeskSignOptions.Section).Get<DeskSignOptions>()
            ?? new DeskSignOptions();
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException($"Invalid configuration: {string.Join(" ", problems)}");
        }

        var desk = app.MapGroup(Prefix).WithTags("Desk signing");
        desk.MapPost("/sessions", (HttpContext context, SigningKeyAccess access, DeskSignSessionStore sessions, AuditLog audit,
                IOptions<VerificationOptions> verification, TimeProvider clock, CancellationToken ct)
                => CreateAsync(context, access, sessions, audit, verification.Value, options, clock, ct))
            .RequireAuthorization();
        desk.MapGet("/sessions/{sessionId}", (string sessionId, HttpContext context, DeskSignSessionStore sessions, TimeProvider clock, CancellationToken ct)
                => StatusAsync(sessionId, context, sessions, options, clock, ct))
            .RequireAuthorization();
        desk.MapGet("/sessions/{sessionId}/file", SignedFileAsync).RequireAuthorization();

        // The download and upload URLs are opened by the desk signer on the official's PC, which holds no credential of
        // ours: the one-time token in the URL is the credential. It has 256 random bits, only its SHA-256 is stored, it
        // works once and expires with the session, and the upload is accepted only when signed with the expected key,
        // so holding a leaked URL at most reveals the one document or lets its holder fail the upload.
        desk.MapGet("/files/{token}", DownloadAsync).AllowAnonymous();
        desk.MapPost("/uploads/{token}", (string token, HttpContext context, DeskSignSessionStore sessions, AuditLog audit,
                IOptions<VerificationOptions> verification, TimeProvider clock, CancellationToken ct)
                => UploadAsync(token, context, sessions, audit, verification.Value, options, clock, ct))
            .AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok<CreateResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, SigningKeyAccess access, DeskSignSessionStore sessions, AuditLog audit, VerificationOptions verification,
        DeskSignOptions options, TimeProvider clock, CancellationToken ct)
    {
        var (upload, uploadProblem) = await PdfUpload.ReadAsync(context.Request, ct);
        if (upload is null)
        {
            await SignEndpoints.AuditAsync(audit, context, "desksign.create", null, uploadProblem!, "no document", ct);
            return uploadProblem!;
        }

        await using (upload)
        {
            var sessionId = Guid.CreateVersion7().ToString("N");
            var audited = $"sha256={upload.Sha256}; key={upload.KeyId}";
            var (session, problem) = await BuildSessionAsync(sessionId, context, upload, access, verification, options, clock, ct);
            if (problem is not null)
            {
                await SignEndpoints.AuditAsync(audit, context, "desksign.create", sessionId, problem, audited, ct);
                return problem;
            }

            await sessions.DeleteExpiredAsync((clock.GetUtcNow() - options.RetainFor).ToUnixTimeMilliseconds(), ct);
            var downloadToken = NewToken();
            var uploadToken = NewToken();
            await sessions.CreateAsync(session!, TokenHash(downloadToken), TokenHash(uploadToken), ct);
            await audit.AppendAsync(context.AuditEntry("desksign.create", sessionId, AuditOutcome.Success, audited), ct);
            var baseUrl = BaseUrl(context.Request, options);
            return TypedResults.Ok(new CreateResponse(sessionId, $"{baseUrl}{Prefix}/files/{downloadToken}",
                $"{baseUrl}{Prefix}/uploads/{uploadToken}", DateTimeOffset.FromUnixTimeMilliseconds(session!.ExpiresAt)));
        }
    }

    private static async Task<(DeskSignSession? Session, ProblemHttpResult? Problem)> BuildSessionAsync(
        string sessionId, HttpContext context, PdfUpload upload, SigningKeyAccess access, VerificationOptions verification,
        DeskSignOptions options, TimeProvider clock, CancellationToken ct)
    {
        var (key, keyProblem) = await access.ResolveAsync(context.User, upload.KeyId, context, ct);
        if (keyProblem is not null)
        {
            return (null, keyProblem);
        }

        if (upload.Document.Length > options.MaxDocumentBytes)
        {
            return (null, SigningKeyAccess.Problem(StatusCodes.Status413PayloadTooLarge, "Document too large for desk signing",
                $"The document has {upload.Document.Length} bytes; desk signing keeps at most {options.MaxDocumentBytes} (DeskSign:MaxDocumentBytes)."));
        }

        var original = new byte[upload.Document.Length];
        upload.Document.Position = 0;
        await upload.Document.ReadExactlyAsync(original, ct);
        using var stream = new MemoryStream(original, writable: false);
        var report = await new PdfSignatureValidator(ValidationOptions(verification, clock)).ValidateAsync(stream, ct);
        if (report.FormatProblem is { } formatProblem)
        {
            return (null, SigningKeyAccess.Problem(StatusCodes.Status422UnprocessableEntity, "Unreadable PDF",
                $"The document cannot be signed at the desk: {formatProblem}"));
        }

        var fileName = (await context.Request.ReadFormAsync(ct)).Files.GetFile("file")?.FileName is { Length: > 0 } posted
            ? Path.GetFileName(posted)
            : "document.pdf";
        fileName = fileName.Length > MaxFileNameLength ? fileName[..MaxFileNameLength] : fileName;
        var now = clock.GetUtcNow();
        return (new DeskSignSession(sessionId, key!.AgencyId, key.Id, context.User.Subject()!, fileName, original, upload.Sha256,
            report.Signatures.Count, key.Thumbprint, now.ToUnixTimeMilliseconds(), (now + options.SessionLifetime).ToUnixTimeMilliseconds(),
            null, null, null), null);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        string token, HttpContext context, DeskSignSessionStore sessions, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var session = await sessions.ClaimDownloadAsync(TokenHash(token), clock.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        if (session is null)
        {
            // Unknown, used and expired look alike, so a guesser learns nothing about which tokens once existed.
            return SigningKeyAccess.Problem(StatusCodes.Status404NotFound, "File not found",
                "This download link is unknown, was used already, or has expired; ask for a new signing session.");
        }

        await audit.AppendAsync(DeskSignerEntry(context, session, "desksign.download", AuditOutcome.Success, $"sha256={session.OriginalSha256}"), ct);
        return TypedResults.File(session.OriginalPdf, "application/pdf", session.FileName);
    }

    private static async Task<JsonHttpResult<UploadReply>> UploadAsync(
        string token, HttpContext context, DeskSignSessionStore sessions, AuditLog audit, VerificationOptions verification,
        DeskSignOptions options, TimeProvider clock, CancellationToken ct)
    {
        var session = await sessions.FindByUploadTokenAsync(TokenHash(token), ct);
        if (session is null)
        {
            return Reply(StatusCodes.Status404NotFound, StatusUnknownSession, "This upload link is unknown; ask for a new signing session.");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var (httpStatus, deskStatus, message, signed) = await CheckUploadAsync(context, session, verification, options, clock, now, ct);
        var details = $"original={session.OriginalSha256}; key={session.KeyId}";
        if (signed is null)
        {
            await audit.AppendAsync(DeskSignerEntry(context, session, "desksign.upload", AuditOutcome.Denied, $"{details}; status={deskStatus}; {message}"), ct);
            return Reply(httpStatus, deskStatus, message);
        }

        var signedSha256 = Convert.ToHexStringLower(SHA256.HashData(signed.Value.Pdf));
        details = $"sha256={signedSha256}; {details}; indication={signed.Value.Indication}";
        if (!await sessions.TryCompleteAsync(session.Id, signed.Value.Pdf, signedSha256, now, ct))
        {
            const string lost = "The document was signed already (or the session expired) while this upload ran; it is accepted once.";
            await audit.AppendAsync(DeskSignerEntry(context, session, "desksign.upload", AuditOutcome.Denied, $"{details}; status={StatusAlreadySigned}; {lost}"), ct);
            return Reply(StatusCodes.Status409Conflict, StatusAlreadySigned, lost);
        }

        await audit.AppendAsync(DeskSignerEntry(context, session, "desksign.upload", AuditOutcome.Success, details), ct);
        return TypedResults.Json(new UploadReply(StatusAccepted, "Đã nhận văn bản đã ký (signed document accepted).", SignedFileName(session.FileName),
            $"{BaseUrl(context.Request, options)}{Prefix}/sessions/{session.Id}/file"), statusCode: StatusCodes.Status200OK);
    }

    private static async Task<(int HttpStatus, int DeskStatus, string Message, (byte[] Pdf, string Indication)? Signed)> CheckUploadAsync(
        HttpContext context, DeskSignSession session, VerificationOptions verification, DeskSignOptions options, TimeProvider clock,
        long now, CancellationToken ct)
    {
        if (session.SignedAt is not null)
        {
            return (StatusCodes.Status409Conflict, StatusAlreadySigned, "The document of this session was signed and uploaded already; an upload link works once.", null);
        }

        if (session.ExpiresAt <= now)
        {
            return (StatusCodes.Status400BadRequest, StatusUnknownSession,
                $"This upload link expired at {DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAt):yyyy-MM-dd HH:mm:ss}Z; ask for a new signing session.", null);
        }

        if (!context.Request.HasFormContentType)
        {
            return (StatusCodes.Status400BadRequest, StatusRefused, "Send the signed file as multipart/form-data, field 'uploadfile'.", null);
        }

        var file = (await context.Request.ReadFormAsync(ct)).Files.GetFile("uploadfile");
        if (file is null)
        {
            return (StatusCodes.Status400BadRequest, StatusRefused, "The multipart form has no 'uploadfile' field holding the signed file.", null);
        }

        var limit = session.OriginalPdf.LongLength + options.MaxAppendedBytes;
        if (file.Length > limit)
        {
            return (StatusCodes.Status400BadRequest, StatusRefused,
                $"The uploaded file has {file.Length} bytes; at most {limit} are accepted (the original plus DeskSign:MaxAppendedBytes).", null);
        }

        var uploaded = new byte[file.Length];
        await using (var source = file.OpenReadStream())
        {
            await source.ReadExactlyAsync(uploaded, ct);
        }

        var outcome = await DeskSignUploadCheck.CheckAsync(session, uploaded, ValidationOptions(verification, clock), ct);
        return outcome.Refusal is { } refusal
            ? (StatusCodes.Status400BadRequest, StatusRefused, refusal, null)
            : (StatusCodes.Status200OK, StatusAccepted, "", (uploaded, outcome.Signature!.Indication.ToString()));
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> StatusAsync(
        string sessionId, HttpContext context, DeskSignSessionStore sessions, DeskSignOptions options, TimeProvider clock, CancellationToken ct)
    {
        var session = await sessions.FindAsync(sessionId, ct);
        if (!IsCreator(context, session))
        {
            return SessionNotFound(sessionId);
        }

        var status = session!.Status(clock.GetUtcNow().ToUnixTimeMilliseconds());
        return TypedResults.Ok(new SessionResponse(session.Id, status, session.KeyId, session.FileName, session.OriginalSha256, session.SignedSha256,
            DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAt),
            session.SignedAt is { } signedAt ? DateTimeOffset.FromUnixTimeMilliseconds(signedAt) : null,
            session.SignedAt is null ? null : $"{BaseUrl(context.Request, options)}{Prefix}/sessions/{session.Id}/file"));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SignedFileAsync(
        string sessionId, HttpContext context, DeskSignSessionStore sessions, CancellationToken ct)
    {
        var session = await sessions.FindAsync(sessionId, ct);
        if (!IsCreator(context, session))
        {
            return SessionNotFound(sessionId);
        }

        return await sessions.SignedPdfAsync(sessionId, ct) is { } signed
            ? TypedResults.File(signed, "application/pdf", SignedFileName(session!.FileName))
            : SigningKeyAccess.Problem(StatusCodes.Status409Conflict, "Not signed yet",
                $"Desk-signing session '{sessionId}' has no signed document (yet); see GET {Prefix}/sessions/{sessionId}.");
    }

    // Only the principal that created the session sees it; anyone else, in another agency or not, gets the same 404.
    private static bool IsCreator(HttpContext context, DeskSignSession? session)
        => session is not null && context.User.BelongsTo(session.AgencyId) && session.CreatedBy == context.User.Subject();

    private static ProblemHttpResult SessionNotFound(string sessionId)
        => SigningKeyAccess.Problem(StatusCodes.Status404NotFound, "Session not found", $"No desk-signing session '{sessionId}' of yours.");

    private static PdfValidationOptions ValidationOptions(VerificationOptions verification, TimeProvider clock)
        => new() { TrustAnchors = verification.LoadTrustAnchors(), OnlineRevocation = null, Time = clock };

    private static JsonHttpResult<UploadReply> Reply(int httpStatus, int deskStatus, string message)
        => TypedResults.Json(new UploadReply(deskStatus, message, null, null), statusCode: httpStatus);

    // The upload comes from the desk signer, not from a principal of ours: the actor names the key it had to sign with.
    private static AuditEntry DeskSignerEntry(HttpContext context, DeskSignSession session, string action, string outcome, string details)
        => new($"desk-signer:{session.KeyId}", session.AgencyId, action, session.Id, outcome, context.Connection.RemoteIpAddress?.ToString(), details);

    private static string SignedFileName(string original)
        => $"{Path.GetFileNameWithoutExtension(original)}.signed.pdf";

    private static string BaseUrl(HttpRequest request, DeskSignOptions options)
        => options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
