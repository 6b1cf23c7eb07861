using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Signing.Api.Hosting;
using Signing.Pdf;
using Signing.Pdf.Signatures;

namespace Signing.Api.Features.Signing;

/// <summary>
/// Reads a PDF to sign and its options from a request: a multipart form (field <c>file</c> plus option fields) or a
/// raw <c>application/pdf</c> body with the options as query parameters. Documents up to <see cref="InMemoryBytes"/>
/// stay in memory, which spares the common small request a temp file's system calls; larger ones are spooled to a
/// temp file so they never sit in memory. The request size limit bounds both. Appearance options (<c>page</c>,
/// <c>rect</c>, <c>anchor</c>, <c>line</c>, <c>stamp</c>, and in a form the PNG parts <c>image</c> and <c>seal</c>)
/// mean what they mean to the CLI: see <see cref="SignatureAppearanceOptions"/>.
/// </summary>
public static class PdfUpload
{
    /// <summary>Documents up to this size are buffered in memory, larger ones in a temp file.</summary>
    public const int InMemoryBytes = 4 * 1024 * 1024;

    private static readonly string[] AppearanceFields = ["page", "rect", "anchor", "line", "stamp"];

    /// <summary>Reads the upload, or the failure (400/413/415) that explains what is missing or wrong.</summary>
    public static async Task<Result<PdfToSign>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var read = await UploadForm.ReadAsync(request, ["line"], ct);
            if (read.Failure is { } formProblem)
            {
                return formProblem;
            }

            var form = read.Value!;
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return Failure.BadInput("Missing file", "The multipart form has no 'file' field holding the PDF.", "file");
            }

            var (image, imageProblem) = await ReadImageAsync(form, "image", ct);
            var (seal, sealProblem) = await ReadImageAsync(form, "seal", ct);
            var (appearance, appearanceProblem) = ReadAppearance(name => form[name], image, seal);
            if ((imageProblem ?? sealProblem ?? appearanceProblem) is { } problem)
            {
                return problem;
            }

            await using var source = file.OpenReadStream();
            return await SpoolAsync(source, file.Length, name => form[name], appearance, file.FileName, ct);
        }

        if (request.ContentType?.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (new[] { "image", "seal" }.FirstOrDefault(request.Query.ContainsKey) is { } part)
            {
                return Failure.BadInput("Invalid appearance option",
                    $"{part} is a PNG file part of a multipart form; a raw application/pdf body cannot carry it.", part);
            }

            var (appearance, appearanceProblem) = ReadAppearance(name => request.Query[name], null, null);
            return appearanceProblem is not null
                ? appearanceProblem
                : await SpoolAsync(request.Body, request.ContentLength, name => request.Query[name], appearance, null, ct);
        }

        return new Failure(FailureKind.UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            "Send the PDF as multipart/form-data (field 'file') or as an application/pdf body with options as query parameters.");
    }

    private static string? Single(StringValues values) => values.Count == 0 ? null : values[^1];

    private static (SignatureAppearanceOptions? Options, Failure? Problem) ReadAppearance(
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
                return (null, Failure.BadInput("Invalid appearance option", $"page '{pageText}' is not a page number (1, 2, ...).", "page"));
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

    private static async Task<(byte[]? Png, Failure? Problem)> ReadImageAsync(IFormCollection form, string name, CancellationToken ct)
    {
        if (form.Files.GetFile(name) is not { } part)
        {
            return form.ContainsKey(name)
                ? (null, Failure.BadInput("Invalid appearance option", $"{name} must be a file part holding a PNG, not a text field.", name))
                : (null, null);
        }

        if (part.Length > SignatureAppearanceOptions.MaxImageBytes)
        {
            return (null, new Failure(FailureKind.TooLarge, "image-too-large", "Image too large",
                $"{name} is {part.Length} bytes; images are limited to {SignatureAppearanceOptions.MaxImageBytes} bytes.")
            { Field = name });
        }

        var png = new byte[part.Length];
        await using var stream = part.OpenReadStream();
        await stream.ReadExactlyAsync(png, ct);
        return (png, null);
    }

    private static async Task<PdfToSign> SpoolAsync(
        Stream source, long? declaredBytes, Func<string, StringValues> option, SignatureAppearanceOptions? appearance, string? fileName,
        CancellationToken ct)
    {
        var (document, sha256) = await BufferAsync(source, declaredBytes, ct);
        return new PdfToSign(document, sha256)
        {
            KeyId = Single(option("keyId")),
            Level = Single(option("level")) is { Length: > 0 } level ? level : PdfSignatureService.DefaultLevel,
            Reason = Single(option("reason")),
            Location = Single(option("location")),
            Appearance = appearance,
            FileName = fileName,
        };
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
