using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Signing.Api.Hosting;
using Signing.Storage.DeskSign;
using Signing.Storage.Keys;

namespace Signing.Api.Features.DeskSign;

/// <summary>The two one-time URLs a desk signer needs, and how long they work.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="FileName">The one-time download URL (the desk signer's <c>FileName</c>).</param>
/// <param name="FileUploadHandler">The one-time upload URL (its <c>FileUploadHandler</c>).</param>
/// <param name="ExpiresAt">When both stop working.</param>
public sealed record DeskSessionLinks(string SessionId, string FileName, string FileUploadHandler, DateTimeOffset ExpiresAt);

/// <summary>
/// Takes a desk-signed document that belongs to something bigger than the session (a signature-request step): the
/// upload is accepted only if the sink accepts it, so the step and the session complete together or not at all.
/// </summary>
public interface IDeskSignedDocumentSink
{
    /// <summary>Accepts <paramref name="signed"/> for <paramref name="session"/>, or says why not.</summary>
    Task<Failure?> AcceptAsync(DeskSignSession session, byte[] signed, CancellationToken ct);
}

/// <summary>
/// Creates desk-signing sessions: the original document, the key it must be signed with, and two one-time tokens of
/// 256 random bits, of which only the SHA-256 is stored. Used by the desk-sign API and by signature-request steps.
/// </summary>
public sealed class DeskSigning(DeskSignSessionStore sessions, IOptions<DeskSignOptions> options, TimeProvider clock)
{
    /// <summary>The URL prefix of the desk-sign API.</summary>
    public const string Prefix = "/api/v1/desk-sign";

    private const int MaxFileNameLength = 200;

    /// <summary>Opens a session for <paramref name="original"/> to be signed with <paramref name="key"/>.</summary>
    /// <param name="sessionId">The new session's id.</param>
    /// <param name="createdBy">The person or system that asked for it (only they see its state).</param>
    /// <param name="key">The key the upload must be signed with.</param>
    /// <param name="original">The document.</param>
    /// <param name="sha256">Its SHA-256.</param>
    /// <param name="originalSignatures">How many signatures it holds.</param>
    /// <param name="fileName">The name the desk signer shows.</param>
    /// <param name="stepId">The signature-request step the upload completes, if any.</param>
    /// <param name="baseUrl">Where the desk signer reaches this service.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<Result<DeskSessionLinks>> CreateAsync(
        string sessionId, string createdBy, SigningKey key, byte[] original, string sha256, int originalSignatures, string? fileName, string? stepId,
        string baseUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(original);
        if (original.LongLength > options.Value.MaxDocumentBytes)
        {
            return new Failure(FailureKind.TooLarge, "document-too-large", "Document too large for desk signing",
                $"The document has {original.LongLength} bytes; desk signing keeps at most {options.Value.MaxDocumentBytes} (DeskSign:MaxDocumentBytes).");
        }

        var name = fileName is { Length: > 0 } given ? Path.GetFileName(given) : "document.pdf";
        name = name.Length > MaxFileNameLength ? name[..MaxFileNameLength] : name;
        var now = clock.GetUtcNow();
        var session = new DeskSignSession(sessionId, key.AgencyId, key.Id, createdBy, name, original, sha256, originalSignatures, key.Thumbprint,
            now.ToUnixTimeMilliseconds(), (now + options.Value.SessionLifetime).ToUnixTimeMilliseconds(), null, null, null, stepId);
        await sessions.DeleteExpiredAsync((now - options.Value.RetainFor).ToUnixTimeMilliseconds(), ct);
        var downloadToken = NewToken();
        var uploadToken = NewToken();
        await sessions.CreateAsync(session, TokenHash(downloadToken), TokenHash(uploadToken), ct);
        var root = options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : baseUrl.TrimEnd('/');
        return new DeskSessionLinks(sessionId, $"{root}{Prefix}/files/{downloadToken}", $"{root}{Prefix}/uploads/{uploadToken}",
            DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAt));
    }

    /// <summary>The stored hash of a one-time token.</summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
