using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Signing.Pdf;

namespace Signing.Api.Features.Signing;

/// <summary>
/// A PDF to sign and its options, read either from a multipart form (field <c>file</c> plus option fields) or from a
/// raw <c>application/pdf</c> body with the options as query parameters. Documents up to
/// <see cref="InMemoryBytes"/> stay in memory, which spares the common small request a temp file's system calls;
/// larger ones are spooled to a temp file (deleted on dispose) so they never sit in memory. The request size limit
/// bounds both.
/// </summary>
public sealed class PdfUpload : IAsyncDisposable
{
    /// <summary>Documents up to this size are buffered in memory, larger ones in a temp file.</summary>
    public const int InMemoryBytes = 4 * 1024 * 1024;

    // Room for the signature dictionary, the CMS placeholder and (B-LT) the validation data appended to a document.
    private const int SignedGrowthBytes = 64 * 1024;

    private PdfUpload(Stream document, string sha256, Func<string, string?> option)
    {
        Document = document;
        Sha256 = sha256;
        KeyId = option("keyId");
        Level = option("level") is { Length: > 0 } level ? level : PdfSignatureService.LevelB;
        Reason = option("reason");
        Location = option("location");
    }

    /// <summary>The uploaded document, positioned at 0.</summary>
    public Stream Document { get; }

    /// <summary>Lower-case hex SHA-256 of the uploaded document, for the audit log.</summary>
    public string Sha256 { get; }

    /// <summary>The <c>keyId</c> option.</summary>
    public string? KeyId { get; }

    /// <summary>The <c>level</c> option (default B-B).</summary>
    public string Level { get; }

    /// <summary>The <c>reason</c> option.</summary>
    public string? Reason { get; }

    /// <summary>The <c>location</c> option.</summary>
    public string? Location { get; }

    /// <summary>The signature details asked for.</summary>
    public PdfSignatureRequest SignatureRequest => new(Level, Reason, Location);

    /// <summary>Reads the upload, or returns the problem (400/415) that explains what is missing.</summary>
    public static async Task<(PdfUpload? Upload, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return (null, SigningKeyAccess.Problem(StatusCodes.Status400BadRequest, "Missing file", "The multipart form has no 'file' field holding the PDF."));
            }

            await using var source = file.OpenReadStream();
            return (await SpoolAsync(source, file.Length, name => Single(form[name]), ct), null);
        }

        if (request.ContentType?.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase) == true)
        {
            return (await SpoolAsync(request.Body, request.ContentLength, name => Single(request.Query[name]), ct), null);
        }

        return (null, SigningKeyAccess.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            "Send the PDF as multipart/form-data (field 'file') or as an application/pdf body with options as query parameters."));
    }

    /// <summary>
    /// A buffer for the signed or prepared form of this document: in memory when the document is, else a temp file.
    /// </summary>
    public Stream CreateOutputBuffer() => Document is MemoryStream
        ? new MemoryStream(checked((int)Document.Length + SignedGrowthBytes))
        : TempFile();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Document.DisposeAsync();

    private static string? Single(StringValues values) => values.Count == 0 ? null : values[^1];

    private static async Task<PdfUpload> SpoolAsync(Stream source, long? declaredBytes, Func<string, string?> option, CancellationToken ct)
    {
        Stream document = declaredBytes is { } declared && declared <= InMemoryBytes ? new MemoryStream((int)declared) : TempFile();
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (document is MemoryStream memory && memory.Length + read > InMemoryBytes)
                {
                    // A chunked body gave no length up front: move to a temp file once it outgrows memory.
                    document = TempFile();
                    memory.Position = 0;
                    await memory.CopyToAsync(document, ct);
                }

                await document.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            document.Position = 0;
            return new PdfUpload(document, Convert.ToHexStringLower(hash.GetHashAndReset()), option);
        }
        catch
        {
            await document.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A read-write temp file removed when closed.</summary>
    private static FileStream TempFile() => new(
        Path.Combine(Path.GetTempPath(), $"signing-{Guid.NewGuid():N}.pdf"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
        81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
