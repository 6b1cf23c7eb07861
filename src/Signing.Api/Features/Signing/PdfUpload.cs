using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Signing.Pdf;
using Signing.Pdf.Signatures;

namespace Signing.Api.Features.Signing;

/// <summary>
/// A PDF to sign and its options, read either from a multipart form (field <c>file</c> plus option fields) or from a
/// raw <c>application/pdf</c> body with the options as query parameters. Documents up to
/// <see cref="InMemoryBytes"/> stay in memory, which spares the common small request a temp file's system calls;
/// larger ones are spooled to a temp file (deleted on dispose) so they never sit in memory. The request size limit
/// bounds both. Appearance options
/// (<c>page</c>, <c>rect</c>, <c>anchor</c>, <c>line</c>, <c>stamp</c>, and in a form the PNG parts <c>image</c> and
/// <c>seal</c>) mean what they mean to the CLI: see <see cref="SignatureAppearanceOptions"/>.
/// </summary>
public sealed class PdfUpload : IAsyncDisposable
{
    /// <summary>Documents up to this size are buffered in memory, larger ones in a temp file.</summary>
    public const int InMemoryBytes = 4 * 1024 * 1024;

    // Room for the signature dictionary and a B-B CMS placeholder (about 20 KB with a two-certificate chain), small
    // enough that a small document's buffer stays off the large object heap; higher levels grow the stream.
    private const int SignedGrowthBytes = 32 * 1024;

    private static readonly string[] AppearanceFields = ["page", "rect", "anchor", "line", "stamp"];

    private PdfUpload(Stream document, string sha256, Func<string, StringValues> option, SignatureAppearanceOptions? appearance)
    {
        Document = document;
        Sha256 = sha256;
        KeyId = Single(option("keyId"));
        Level = Single(option("level")) is { Length: > 0 } level ? level : PdfSignatureService.LevelB;
        Reason = Single(option("reason"));
        Location = Single(option("location"));
        Appearance = appearance;
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

    /// <summary>The appearance options as given (not yet checked); null for an invisible signature.</summary>
    public SignatureAppearanceOptions? Appearance { get; }

    /// <summary>
    /// The signature details asked for, with the appearance checked against the document and built: default text from
    /// <paramref name="certificate"/>, time <paramref name="signingTime"/>. Reads the document, within
    /// <paramref name="readerLimits"/>, only for an anchor or to check a page number.
    /// </summary>
    /// <returns>The request, or a 400 problem naming the appearance option at fault.</returns>
    /// <exception cref="PdfFormatException">The document could not be read to find the anchor or count its pages
    /// (<see cref="PdfPageLimitException"/> when it has more pages than the limits allow).</exception>
    public (PdfSignatureRequest? Request, ProblemHttpResult? Problem) SignatureRequestFor(
        X509Certificate2 certificate, DateTimeOffset signingTime, PdfReaderLimits readerLimits)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (Appearance is null)
        {
            return (new PdfSignatureRequest(Level, Reason, Location, SigningTime: signingTime), null);
        }

        try
        {
            var appearance = Appearance.Resolve(Document, signingTime,
                certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), readerLimits);
            return (new PdfSignatureRequest(Level, Reason, Location, appearance, signingTime), null);
        }
        catch (AppearanceOptionException e)
        {
            return (null, OptionProblem(StatusCodes.Status400BadRequest, "Invalid appearance option", e.Option, e.Message));
        }
        finally
        {
            Document.Position = 0;
        }
    }

    /// <summary>Reads the upload, or returns the problem (400/413/415) that explains what is missing or wrong.</summary>
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

            var (image, imageProblem) = await ReadImageAsync(form, "image", ct);
            var (seal, sealProblem) = await ReadImageAsync(form, "seal", ct);
            var (appearance, appearanceProblem) = ReadAppearance(name => form[name], image, seal);
            if ((imageProblem ?? sealProblem ?? appearanceProblem) is { } problem)
            {
                return (null, problem);
            }

            await using var source = file.OpenReadStream();
            return (await SpoolAsync(source, file.Length, name => form[name], appearance, ct), null);
        }

        if (request.ContentType?.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (new[] { "image", "seal" }.FirstOrDefault(request.Query.ContainsKey) is { } part)
            {
                return (null, OptionProblem(StatusCodes.Status400BadRequest, "Invalid appearance option", part,
                    $"{part} is a PNG file part of a multipart form; a raw application/pdf body cannot carry it."));
            }

            var (appearance, appearanceProblem) = ReadAppearance(name => request.Query[name], null, null);
            return appearanceProblem is not null
                ? (null, appearanceProblem)
                : (await SpoolAsync(request.Body, request.ContentLength, name => request.Query[name], appearance, ct), null);
        }

        return (null, SigningKeyAccess.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            "Send the PDF as multipart/form-data (field 'file') or as an application/pdf body with options as query parameters."));
    }

    /// <summary>
    /// A buffer for the signed or prepared form of this document: in memory when the document is, else a temp file.
    /// </summary>
    public Stream CreateOutputBuffer() => Document is MemoryStream
        ? new MemoryStream(checked((int)Document.Length + SignedGrowthBytes))
        : PdfScratchFile.Create("upload");

    /// <summary>A problem naming the option at fault in <c>errors</c>, as validation problems do.</summary>
    internal static ProblemHttpResult OptionProblem(int status, string title, string option, string detail)
        => TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [option] = [detail] } });

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Document.DisposeAsync();

    private static string? Single(StringValues values) => values.Count == 0 ? null : values[^1];

    private static (SignatureAppearanceOptions? Options, ProblemHttpResult? Problem) ReadAppearance(
        Func<string, StringValues> field, byte[]? image, byte[]? seal)
    {
        if (image is null && seal is null && !AppearanceFields.Any(name => field(name).Count > 0))
        {
            return (null, null);
        }

        int? page = null;
        if (Single(field("page")) is { } pageText)
        {
            if (!int.TryParse(pageText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                return (null, OptionProblem(StatusCodes.Status400BadRequest, "Invalid appearance option", "page",
                    $"page '{pageText}' is not a page number (1, 2, ...)."));
            }

            page = number;
        }

        var lines = field("line");
        return (new SignatureAppearanceOptions
        {
            Page = page,
            Rect = Single(field("rect")),
            Anchor = Single(field("anchor")),
            Lines = lines.Count == 0 ? null : [.. lines.Select(l => l ?? "")],
            Stamp = Single(field("stamp")),
            ImagePng = image,
            SealPng = seal,
        }, null);
    }

    private static async Task<(byte[]? Png, ProblemHttpResult? Problem)> ReadImageAsync(IFormCollection form, string name, CancellationToken ct)
    {
        if (form.Files.GetFile(name) is not { } part)
        {
            return form.ContainsKey(name)
                ? (null, OptionProblem(StatusCodes.Status400BadRequest, "Invalid appearance option", name, $"{name} must be a file part holding a PNG, not a text field."))
                : (null, null);
        }

        if (part.Length > SignatureAppearanceOptions.MaxImageBytes)
        {
            return (null, OptionProblem(StatusCodes.Status413PayloadTooLarge, "Image too large", name,
                $"{name} is {part.Length} bytes; images are limited to {SignatureAppearanceOptions.MaxImageBytes} bytes."));
        }

        var png = new byte[part.Length];
        await using var stream = part.OpenReadStream();
        await stream.ReadExactlyAsync(png, ct);
        return (png, null);
    }

    private static async Task<PdfUpload> SpoolAsync(
        Stream source, long? declaredBytes, Func<string, StringValues> option, SignatureAppearanceOptions? appearance, CancellationToken ct)
    {
        var (document, sha256) = await BufferAsync(source, declaredBytes, ct);
        return new PdfUpload(document, sha256, option, appearance);
    }

    /// <summary>
    /// Copies an uploaded document into a seekable buffer (memory up to <see cref="InMemoryBytes"/>, else a scratch
    /// file) and hashes it on the way, so nothing reads it twice.
    /// </summary>
    /// <param name="source">The upload.</param>
    /// <param name="declaredBytes">Its declared length; null for a chunked body, which starts in memory and moves to
    /// a scratch file if it outgrows it.</param>
    /// <param name="ct">Cancels the copy.</param>
    /// <returns>The buffer positioned at 0, which the caller disposes, and the lower-case hex SHA-256.</returns>
    internal static async Task<(Stream Document, string Sha256)> BufferAsync(Stream source, long? declaredBytes, CancellationToken ct)
    {
        Stream document = declaredBytes switch
        {
            null => new MemoryStream(),
            <= InMemoryBytes => new MemoryStream((int)declaredBytes.Value),
            _ => PdfScratchFile.Create("upload"),
        };
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
                    document = PdfScratchFile.Create("upload");
                    memory.Position = 0;
                    await memory.CopyToAsync(document, ct);
                }

                await document.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            document.Position = 0;
            return (document, Convert.ToHexStringLower(hash.GetHashAndReset()));
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
}
