using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Signing;
using Signing.Api.Features.Verification;
using Signing.Api.Hosting;
using Signing.Pdf;
using Signing.Pdf.Validation;
using Signing.Storage;
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

    private const string Prefix = DeskSigning.Prefix;

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

    /// <summary>Registers the <c>DeskSign</c> options, checked at start-up.</summary>
    public static IServiceCollection AddDeskSigning(this IServiceCollection services)
    {
        services.AddOptions<DeskSignOptions>().BindConfiguration(DeskSignOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeskSignOptions>>(new ProblemListValidator<DeskSignOptions>(options => options.Problems()));
        services.AddSingleton<DeskSigning>();
        return services;
    }

    /// <summary>Maps the desk-signing endpoints.</summary>
    public static IEndpointRouteBuilder MapDeskSignEndpoints(this IEndpointRouteBuilder app)
    {
        var desk = app.MapGroup(Prefix).WithTags("Desk signing");
        desk.MapPost("/sessions", CreateAsync).Accepts<IFormFile>("multipart/form-data", "application/pdf").RequireAuthorization().Audited("desksign.create");
        desk.MapGet("/sessions/{sessionId}", StatusAsync).RequireAuthorization();
        desk.MapGet("/sessions/{sessionId}/file", SignedFileAsync).RequireAuthorization();

        // The download and upload URLs are opened by the desk signer on the official's PC, which holds no credential of
        // ours: the one-time token in the URL is the credential. It has 256 random bits, only its SHA-256 is stored, it
        // works once and expires with the session, and the upload is accepted only when signed with the expected key,
        // so holding a leaked URL at most reveals the one document or lets its holder fail the upload.
        desk.MapGet("/files/{token}", DownloadAsync).AllowAnonymous().Audited("desksign.download");
        desk.MapPost("/uploads/{token}", UploadAsync).Accepts<IFormFile>("multipart/form-data").AllowAnonymous().Audited("desksign.upload");
        return app;
    }

    private static async Task<Results<Ok<CreateResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, SigningService signing, DeskSigning desk, TrustAnchors anchors, AuditTrail trail, TimeProvider clock, CancellationToken ct)
    {
        var upload = await PdfUpload.ReadAsync(context.Request, ct);
        if (upload.Failure is { } uploadFailure)
        {
            trail.Note("no document");
            return uploadFailure.ToProblem(context);
        }

        await using var input = upload.Value!;
        trail.Target = TimeOrderedIds.New();
        trail.Add("sha256", input.Sha256).Add("key", input.KeyId);
        var actor = context.User.ToActor();
        var key = await signing.ResolveKeyAsync(actor, input.KeyId, ct);
        if (key.Failure is { } keyFailure)
        {
            return keyFailure.ToProblem(context);
        }

        var original = new byte[input.Document.Length];
        input.Document.Position = 0;
        await input.Document.ReadExactlyAsync(original, ct);
        using var stream = PdfBytes.Open(original);
        var report = await new PdfSignatureValidator(ValidationOptions(anchors, clock)).ValidateAsync(stream, ct);
        if (report.FormatProblem is { } formatProblem)
        {
            return new Failure(FailureKind.Unprocessable, "unreadable-pdf", "Unreadable PDF", $"The document cannot be signed at the desk: {formatProblem}")
                .ToProblem(context);
        }

        var links = await desk.CreateAsync(trail.Target, actor.Id, key.Value!, original, input.Sha256, report.Signatures.Count, input.FileName, null,
            BaseUrl(context.Request), ct);
        return links.Failure is { } failure
            ? failure.ToProblem(context)
            : TypedResults.Ok(new CreateResponse(links.Value!.SessionId, links.Value.FileName, links.Value.FileUploadHandler, links.Value.ExpiresAt));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        string token, HttpContext context, DeskSignSessionStore sessions, AuditTrail trail, TimeProvider clock, CancellationToken ct)
    {
        var session = await sessions.ClaimDownloadAsync(DeskSigning.TokenHash(token), clock.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        if (session is null)
        {
            // Unknown, used and expired look alike, so a guesser learns nothing about which tokens once existed.
            return new Failure(FailureKind.NotFound, "file-not-found", "File not found",
                "This download link is unknown, was used already, or has expired; ask for a new signing session.").ToProblem(context);
        }

        DeskSignerActs(trail, session).Add("sha256", session.OriginalSha256);
        return TypedResults.File(session.OriginalPdf, "application/pdf", session.FileName);
    }

    private static async Task<JsonHttpResult<UploadReply>> UploadAsync(
        string token, HttpContext context, DeskSignSessionStore sessions, TrustAnchors anchors, IOptions<DeskSignOptions> options,
        IEnumerable<IDeskSignedDocumentSink> sinks, AuditTrail trail, TimeProvider clock, CancellationToken ct)
    {
        var session = await sessions.FindByUploadTokenAsync(DeskSigning.TokenHash(token), ct);
        if (session is null)
        {
            return Reply(StatusCodes.Status404NotFound, StatusUnknownSession, "This upload link is unknown; ask for a new signing session.");
        }

        DeskSignerActs(trail, session);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var (httpStatus, deskStatus, message, signed) = await CheckUploadAsync(context, session, anchors, options.Value, clock, now, ct);
        if (signed is null)
        {
            trail.Add("original", session.OriginalSha256).Add("key", session.KeyId).Note($"desk status={deskStatus}; {message}");
            return Reply(httpStatus, deskStatus, message);
        }

        var signedSha256 = Convert.ToHexStringLower(SHA256.HashData(signed.Value.Pdf));
        trail.Add("sha256", signedSha256).Add("original", session.OriginalSha256).Add("key", session.KeyId).Add("indication", signed.Value.Indication);
        if (session.StepId is not null)
        {
            // The upload completes a signature-request step: the step must accept it, or the session stays open.
            foreach (var sink in sinks)
            {
                if (await sink.AcceptAsync(session, signed.Value.Pdf, ct) is { } refused)
                {
                    trail.Note($"desk status={StatusRefused}; {refused.Detail}");
                    return Reply(ProblemMap.StatusOf(refused.Kind), StatusRefused, refused.Detail);
                }
            }
        }

        if (!await sessions.TryCompleteAsync(session.Id, signed.Value.Pdf, signedSha256, now, ct))
        {
            const string lost = "The document was signed already (or the session expired) while this upload ran; it is accepted once.";
            trail.Note($"desk status={StatusAlreadySigned}; {lost}");
            return Reply(StatusCodes.Status409Conflict, StatusAlreadySigned, lost);
        }

        return TypedResults.Json(new UploadReply(StatusAccepted, "Đã nhận văn bản đã ký (signed document accepted).", SignedFileName(session.FileName),
            $"{BaseUrl(context.Request, options.Value)}{Prefix}/sessions/{session.Id}/file"), statusCode: StatusCodes.Status200OK);
    }

    private static async Task<(int HttpStatus, int DeskStatus, string Message, (byte[] Pdf, string Indication)? Signed)> CheckUploadAsync(
        HttpContext context, DeskSignSession session, TrustAnchors anchors, DeskSignOptions options, TimeProvider clock,
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

        var read = await UploadForm.ReadAsync(context.Request, [], ct);
        if (read.Failure is { } formProblem)
        {
            return (StatusCodes.Status400BadRequest, StatusRefused, formProblem.Detail, null);
        }

        var file = read.Value!.Files.GetFile("uploadfile");
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

        var outcome = await AddedSignatureCheck.CheckAsync(session.OriginalPdf, (int)session.OriginalSignatures, uploaded, session.ExpectedThumbprint,
            $"the certificate registered for key '{session.KeyId}'", ValidationOptions(anchors, clock), ct);
        return outcome.Refusal is { } refusal
            ? (StatusCodes.Status400BadRequest, StatusRefused, refusal, null)
            : (StatusCodes.Status200OK, StatusAccepted, "", (uploaded, outcome.Signature!.Indication.ToString()));
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> StatusAsync(
        string sessionId, HttpContext context, DeskSignSessionStore sessions, IOptions<DeskSignOptions> deskOptions, TimeProvider clock, CancellationToken ct)
    {
        var session = await sessions.FindAsync(sessionId, ct);
        if (!IsCreator(context, session))
        {
            return SessionNotFound(sessionId, context);
        }

        var options = deskOptions.Value;
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
            return SessionNotFound(sessionId, context);
        }

        return await sessions.SignedPdfAsync(sessionId, ct) is { } signed
            ? TypedResults.File(signed, "application/pdf", SignedFileName(session!.FileName))
            : new Failure(FailureKind.Conflict, "not-signed-yet", "Not signed yet",
                $"Desk-signing session '{sessionId}' has no signed document (yet); see GET {Prefix}/sessions/{sessionId}.").ToProblem(context);
    }

    // Only the principal that created the session sees it; anyone else, in another agency or not, gets the same 404.
    private static bool IsCreator(HttpContext context, DeskSignSession? session)
        => session is not null && context.User.BelongsTo(session.AgencyId) && session.CreatedBy == context.User.Subject();

    private static ProblemHttpResult SessionNotFound(string sessionId, HttpContext context)
        => new Failure(FailureKind.NotFound, "session-not-found", "Session not found", $"No desk-signing session '{sessionId}' of yours.").ToProblem(context);

    private static PdfValidationOptions ValidationOptions(TrustAnchors anchors, TimeProvider clock)
        => new() { TrustAnchors = anchors.Certificates, OnlineRevocation = null, Time = clock };

    private static JsonHttpResult<UploadReply> Reply(int httpStatus, int deskStatus, string message)
        => TypedResults.Json(new UploadReply(deskStatus, message, null, null), statusCode: httpStatus);

    // The desk signer holds no credential of ours: the actor names the key it had to sign with.
    private static AuditTrail DeskSignerActs(AuditTrail trail, DeskSignSession session)
    {
        trail.Actor = $"desk-signer:{session.KeyId}";
        trail.AgencyId = session.AgencyId;
        trail.Target = session.Id;
        return trail;
    }

    private static string SignedFileName(string original)
        => $"{Path.GetFileNameWithoutExtension(original)}.signed.pdf";

    private static string BaseUrl(HttpRequest request, DeskSignOptions options)
        => options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : BaseUrl(request);

    /// <summary>The service's address as the request reached it.</summary>
    public static string BaseUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
