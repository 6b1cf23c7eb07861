using Signing.Api.Hosting;

namespace Signing.Api.Features.Certificates;

/// <summary>A file sent to an import endpoint: a multipart part named <c>file</c>, or the raw request body.</summary>
/// <param name="Content">Its bytes.</param>
/// <param name="Name">Its file name, if one was sent.</param>
/// <param name="ContentType">Its media type, if one was sent.</param>
/// <param name="Form">The other form fields of a multipart request.</param>
internal sealed record UploadedFile(byte[] Content, string? Name, string? ContentType, IFormCollection? Form)
{
    /// <summary>The form field <paramref name="name"/>, or null.</summary>
    public string? Field(string name) => Form is { } form && form[name].Count == 1 && !string.IsNullOrWhiteSpace(form[name][0]) ? form[name][0]!.Trim() : null;

    /// <summary>Reads the upload; null when the request carries no file.</summary>
    public static async Task<UploadedFile?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormOrInvalidDataAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return null;
            }

            var content = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(content, ct);
            return new UploadedFile(content, file.FileName, file.ContentType, form);
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        return body.Length == 0 ? null : new UploadedFile(body.ToArray(), null, request.ContentType, null);
    }
}
